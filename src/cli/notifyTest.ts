import { parseArgs } from 'node:util';
import { buildDigest, payloadFor, postMessage, sampleItems } from '../notify/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { configFor } from './runtimeFor.js';

export const NOTIFY_TEST_HELP = `Usage: mtls-enforcer notify test [--channel <name>]

Send every channel of MTLS_NOTIFY (or the one named) a sample digest with one item of each kind
(drift detected and reverted, flapping, remediation denied, sweep finished, exemption expiring,
rollout wave coming and applied), made-up apps in a sample subscription, with the timer's retries. Prints each channel's outcome by name
(never its URL). Needs no storage. Exit 3 when a channel could not be reached.

Example:
  MTLS_NOTIFY='[{"name":"sec-teams","type":"teams","url":"https://..."}]' mtls-enforcer notify test
`;

export async function notifyTest(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { channel: { type: 'string' } } });
  const { channels } = configFor(io, { storage: 'optional' }).notify;
  const chosen = values.channel ? channels.filter((c) => c.name === values.channel) : channels;
  if (chosen.length === 0) throw new UsageError(values.channel ? `no channel named ${values.channel} in MTLS_NOTIFY` : 'MTLS_NOTIFY lists no channel');
  const now = new Date();
  let failed = 0;
  for (const channel of chosen) {
    const digest = buildDigest(channel.name, `test-${now.toISOString().replace(/[-:.TZ]/g, '')}`, sampleItems(now));
    const result = await postMessage(channel.url, payloadFor(channel.type, digest), digest.key);
    if (!result.ok) failed++;
    io.stdout(`${channel.name} (${channel.type}): ${result.ok ? `sent, ${digest.items.length} sample item(s)` : `failed after ${result.tries} tries (${result.error ?? 'unknown'})`}\n`);
  }
  return failed > 0 ? EXIT.environment : EXIT.ok;
}
