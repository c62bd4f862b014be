import { parseArgs } from 'node:util';
import { silentLog } from '../enforcer/index.js';
import { createRuntime } from '../triggers/index.js';
import { replayPoisonQueue, poisonQueueName } from '../store/index.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { configFor } from './runtimeFor.js';

export const EVENTS_REPLAY_HELP = `Usage: mtls-enforcer events replay [--max <n>] [--json]

Put the events that exhausted their retries (the Functions runtime moved them to the poison queue
<MTLS_EVENT_QUEUE>-poison, e.g. during a long ARM or storage outage) back on the event queue, at most
--max (default 1000). Each is evaluated again from a fresh ARM read; duplicates are dropped by
event id, so replaying twice is harmless. The nightly sweep catches the same drift later anyway:
replay closes the gap now.

Example:
  mtls-enforcer events replay --max 500
`;

export async function eventsReplay(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { max: { type: 'string', default: '1000' }, json: { type: 'boolean' } } });
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1 || max > 100_000) throw new UsageError('--max must be a whole number from 1 to 100000');
  const { config, queues } = await createRuntime(configFor(io), silentLog);
  const queue = config.storage.eventQueue;
  const result = await replayPoisonQueue(queues, queue, max);
  if (values.json) io.stdout(`${JSON.stringify({ queue, poisonQueue: poisonQueueName(queue), ...result })}\n`);
  else io.stdout(`moved ${result.moved} message(s) from ${poisonQueueName(queue)} back to ${queue}; ${result.left} left\n`);
  return EXIT.ok;
}
