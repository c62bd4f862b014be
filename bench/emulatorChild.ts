/**
 * The ARM emulator in its own process, so its CPU and memory are not counted against the
 * enforcer: started by `remoteEmulator.ts` with fork(), driven over IPC with the emulator's
 * public API only (`startEmulator`). Exits when the parent goes away.
 */
import { makeEmulatorToken, startEmulator, type EmulatorOptions, type GenerateOptions, type WebhookSubscription } from '../tools/arm-emulator/src/emulator/index.js';
import { epochNow } from './common.js';
import { queueRest } from './queueRest.js';
import type { RemoteEmulatorOptions, Request, Reply } from './remoteEmulator.js';

const { eventQueue, ...options } = JSON.parse(process.argv[2] ?? '{}') as RemoteEmulatorOptions;
// Event Grid's Storage Queue destination: one event per message, JSON base64-encoded (bare HTTP:
// Event Grid's sending is not the enforcer's CPU, see queueRest.ts).
const queue = eventQueue ? queueRest(eventQueue.connectionString, eventQueue.queueName) : undefined;
const emu = await startEmulator({
  ...options,
  ...(queue ? { eventSink: (event: unknown) => queue.send(Buffer.from(JSON.stringify(event)).toString('base64')) } : {}),
});
const send = (reply: Reply) => process.send?.(reply);

async function answer(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'generate':
      return emu.state.generate(request.args as unknown as GenerateOptions);
    case 'subscribe':
      return emu.subscribeWebhook(request.args as unknown as WebhookSubscription);
    case 'writes': {
      // One user write per entry; the epoch time of each (ms, sub-ms precision) is what latencies start from.
      const writes = request.args.writes as Array<{ id: string; properties: Record<string, unknown> }>;
      const at: number[] = [];
      for (const w of writes) {
        at.push(epochNow());
        const r = emu.userWrite(w.id, w.properties, { objectId: 'bench-user', name: 'bench@example.com' });
        if (r.status >= 300) throw new Error(`user write of ${w.id} answered ${r.status}`);
      }
      return at;
    }
    case 'idle':
      await emu.idle();
      return emu.deliveries.stats;
    case 'stats':
      return { counts: emu.stats.counts, total: emu.stats.total(), throttled: emu.stats.throttled, rssBytes: process.memoryUsage().rss };
    case 'reset':
      emu.stats.reset();
      emu.throttle.reset();
      return true;
    case 'latency':
      emu.state.setLatency(Number(request.args.ms ?? 0));
      return true;
    case 'throttle':
      emu.state.setThrottle(request.args.enabled === false ? false : {});
      return true;
    case 'token':
      return makeEmulatorToken(request.args as { oid: string });
    default:
      throw new Error(`unknown op ${String(request.op)}`);
  }
}

process.on('message', (message: Request) => {
  answer(message).then(
    (value) => send({ id: message.id, ok: true, value }),
    (err: unknown) => send({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => void emu.stop().finally(() => process.exit(0)));
send({ id: 0, ok: true, value: { url: emu.url, caCertPem: emu.caCertPem } });
