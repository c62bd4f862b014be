import { parseArgs } from 'node:util';
import { consoleLog, EXIT, paint, parsePort, UsageError, type CliIo } from '../../../../src/cli/index.js';
import { DEMO_SUBSCRIPTIONS } from '../emulator/index.js';
import { narrative, reportUrl } from '../local/index.js';
import { startLocalStack } from '../local/index.js';

export const LOCAL_HELP = `Usage: mtls-enforcer local [--ready-json] [--port <host port>] [--rollout-every <seconds>]

Start the whole product on this machine, no Azure account needed: Azurite (in memory), the ARM
emulator with a demo fleet, the local host with its webhook subscribed on the emulator; one
subscription in enforce, one in audit, one off; a first scan. Prints how to cause drift.
--ready-json prints one JSON line once everything is up (for scripts): armEndpoint, hostUrl,
hostKey, storageConnectionString, subscriptionIds, enforceSubscriptionId, auditSubscriptionId,
caCertPath, reportUrl, storedReport (the first scan's stored report; the connection string
names Azurite's BlobEndpoint too), and the local host's HTTPS: hostCaCertPath (its CA),
clientCertPath and clientKeyPath (a client certificate with every role), readerCertPath and
readerKeyPath (Reader only).

Azure's timers run on intervals: notifications (MTLS_NOTIFY) every 2 s, and the rollout timer,
which applies the due waves of plans made with --auto, every --rollout-every seconds (default 10;
in Azure MTLS_ROLLOUT_SCHEDULE, hourly).

Example:
  npm start
  npm start -- --rollout-every 5
`;

export async function local(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { 'ready-json': { type: 'boolean' }, port: { type: 'string' }, 'rollout-every': { type: 'string' } } });
  const port = values.port === undefined ? undefined : parsePort(values.port);
  const rolloutEvery = values['rollout-every'] === undefined ? {} : { rolloutEveryMs: seconds(values['rollout-every'], '--rollout-every') };
  // Notifications go where the environment `npm start` runs in says (MTLS_NOTIFY, MTLS_NOTIFY_DIGEST_MINUTES; 0 = at once).
  const stack = await startLocalStack(consoleLog(io), port ? { host: port } : {}, { MTLS_NOTIFY: io.env.MTLS_NOTIFY, MTLS_NOTIFY_DIGEST_MINUTES: io.env.MTLS_NOTIFY_DIGEST_MINUTES }, rolloutEvery);
  io.stdout(narrative(stack, (colour, text) => paint(io, colour, text)));
  if (values['ready-json']) {
    const ready = {
      armEndpoint: stack.emulator.url,
      hostUrl: stack.host.url,
      hostKey: stack.hostKey,
      storageConnectionString: stack.azurite.connectionString,
      subscriptionIds: Object.values(DEMO_SUBSCRIPTIONS),
      enforceSubscriptionId: DEMO_SUBSCRIPTIONS.enforce,
      auditSubscriptionId: DEMO_SUBSCRIPTIONS.audit,
      caCertPath: stack.caCertPath,
      reportUrl: reportUrl(stack),
      ...(stack.firstReport ? { storedReport: stack.firstReport } : {}),
      hostCaCertPath: stack.certificates.hostCaCertPath,
      clientCertPath: stack.certificates.clientCertPath,
      clientKeyPath: stack.certificates.clientKeyPath,
      readerCertPath: stack.certificates.readerCertPath,
      readerKeyPath: stack.certificates.readerKeyPath,
    };
    io.stdout(`${JSON.stringify(ready)}\n`);
  }
  await io.untilStopped();
  io.stderr('stopping...\n');
  await stack.stop();
  return EXIT.ok;
}

/** A whole number of seconds, 1-86400, as milliseconds. */
function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 86_400) throw new UsageError(`${flag} must be a whole number of seconds, 1-86400, got ${value}`);
  return n * 1000;
}
