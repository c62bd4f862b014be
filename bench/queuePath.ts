import { QueueClient } from '@azure/storage-queue';
import { onEventQueue } from '../functions/onEventQueue.js';
import type { Azurite } from '../tools/arm-emulator/src/local/azurite.js';
import { caFile, distribution, epochNow, GENERATED_GROUPS as GROUPS, generatedSiteId, RequestCounter, type Distribution } from './common.js';
import { hostJsonQueueOptions, QueueHost, type MessageTrace, type QueueHostStats } from './queueHost.js';
import { startRemoteEmulator, type RemoteEmulator } from './remoteEmulator.js';

const ENFORCER = { oid: 'bench-queue-enforcer', appid: 'bench-queue-app' };
const WARM_UP = 16;
const siteId = (i: number) => generatedSiteId(0, i);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface QueuePathOptions {
  /** (a) `events` user writes spread over `apps` apps, written as fast as the emulator takes them. */
  steady: { events: number; apps: number };
  /** (b) a deployment burst: `apps` apps × (1 site write + 3 more writes) within `withinMs`. */
  burst: { apps: number; withinMs: number };
  /** Events arriving alone: each written once the last has its finding. */
  lone: { events: number };
}

export interface QueueRunResult {
  scenario: 'steady' | 'burst' | 'lone';
  events: number;
  apps: number;
  wallMs: number;
  /** Events over the time from the first write to the last invocation completed. */
  throughputPerSecond: number;
  /** User write (the event's time) → its invocation completed (finding and mark durable): polling included. */
  writeToFinding: Distribution;
  /** The host handing the message over → its invocation completed: polling excluded. */
  receivedToFinding: Distribution;
  armCalls: number;
  armGets: number;
  armCallsPerEvent: number;
  tableOpsPerEvent: number;
  queueOpsPerEvent: number;
  host: QueueHostStats;
}

/**
 * The path Azure runs: user writes on the emulator (its own process) go, as Event Grid's Storage
 * Queue destination writes them (one event per message, JSON base64-encoded), to an Azurite
 * queue; a model of the Functions host (queueHost.ts, host.json's settings) drains it into the real
 * onEventQueue handler in this process, the runtime built from the environment as in Azure. Audit.
 */
export async function benchQueuePath(azurite: Azurite, options: QueuePathOptions): Promise<QueueRunResult[]> {
  const queueName = `bench-events-${Date.now().toString(36)}`;
  const queue = new QueueClient(azurite.connectionString, queueName);
  const poison = new QueueClient(azurite.connectionString, `${queueName}-poison`);
  await queue.create();
  const fleet = WARM_UP + options.steady.apps + options.burst.apps + options.lone.events;
  const emu = await startRemoteEmulator({ throttle: false, latencyMs: 0, eventQueue: { connectionString: azurite.connectionString, queueName } });
  const counter = new RequestCounter();
  const host = new QueueHost(queue, poison, onEventQueue, hostJsonQueueOptions());
  try {
    await emu.call('generate', { subscriptions: 1, sitesPerSubscription: fleet, slotEvery: 0, nonCompliantFraction: 0, resourceGroupsPerSubscription: GROUPS });
    // onEventQueue builds its runtime from the environment on its first invocation, as in Azure.
    Object.assign(process.env, {
      MTLS_STORAGE_CONNECTION: azurite.connectionString,
      MTLS_TABLE_PREFIX: `BenchQueue${Date.now().toString(36)}`.replace(/[^A-Za-z0-9]/g, ''),
      MTLS_ARM_ENDPOINT: emu.url,
      MTLS_ARM_CA_CERT_PATH: await caFile(emu.caCertPem),
      MTLS_ARM_TOKEN: await emu.call<string>('token', ENFORCER),
      MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid,
      MTLS_DEFAULT_MODE: 'audit',
      MTLS_EVENT_QUEUE: queueName,
    });
    host.start();
    // Warm-up (runtime built, tables created, connections open, JIT): not measured.
    await writeAll(emu, Array.from({ length: WARM_UP }, (_, i) => ({ id: siteId(i), properties: { clientCertEnabled: false } })));
    await host.idle();
    const results: QueueRunResult[] = [];
    const run = async (scenario: QueueRunResult['scenario'], apps: number, act: () => Promise<number>) => {
      await emu.call('reset');
      host.traces.length = 0;
      const before = { ...host.stats };
      counter.reset();
      counter.start();
      const started = epochNow();
      const events = await act();
      await host.idle();
      counter.stop();
      results.push(summarize(scenario, apps, events, started, host.traces, await emu.stats(), counter, azurite, { completed: host.stats.completed - before.completed, retried: host.stats.retried - before.retried, poisoned: host.stats.poisoned - before.poisoned }));
    };
    const { steady, burst, lone } = options;
    let next = WARM_UP;
    const steadyFrom = next;
    next += steady.apps;
    await run('steady', steady.apps, async () => {
      const on = new Map<number, boolean>();
      const writes = Array.from({ length: steady.events }, (_, k) => {
        const site = steadyFrom + (k % steady.apps);
        // Each write flips the site, so every event changes its status.
        const enabled = !(on.get(site) ?? true);
        on.set(site, enabled);
        return { id: siteId(site), properties: enabled ? { clientCertEnabled: true, clientCertMode: 'Required' } : { clientCertEnabled: false } };
      });
      for (let i = 0; i < writes.length; i += 16) await emu.call('writes', { writes: writes.slice(i, i + 16) });
      await emu.call('idle');
      return writes.length;
    });
    const burstFrom = next;
    next += burst.apps;
    await run('burst', burst.apps, async () => {
      // A pipeline per app: the site write, then three more (the emulator has no config endpoint:
      // they are writes of the site too, each raising a sites/write event for it).
      const writes = Array.from({ length: burst.apps }, (_, a) => [
        { id: siteId(burstFrom + a), properties: { clientCertEnabled: false } },
        ...[1, 2, 3].map((n) => ({ id: siteId(burstFrom + a), properties: { clientCertEnabled: false, tags: { deploy: String(n) } } })),
      ]).flat();
      const slices = 20;
      const per = Math.ceil(writes.length / slices);
      for (let s = 0; s < slices; s++) {
        await emu.call('writes', { writes: writes.slice(s * per, (s + 1) * per) });
        await sleep(burst.withinMs / slices);
      }
      await emu.call('idle');
      return writes.length;
    });
    const loneFrom = next;
    await run('lone', lone.events, async () => {
      for (let i = 0; i < lone.events; i++) {
        const settled = host.traces.length;
        await emu.call('writes', { writes: [{ id: siteId(loneFrom + i), properties: { clientCertEnabled: false } }] });
        while (host.traces.length === settled) await sleep(2);
      }
      return lone.events;
    });
    return results;
  } finally {
    counter.stop();
    await host.stop();
    await emu.stop();
  }
}


async function writeAll(emu: RemoteEmulator, writes: Array<{ id: string; properties: Record<string, unknown> }>): Promise<void> {
  await emu.call('writes', { writes });
  await emu.call('idle');
}

function summarize(
  scenario: QueueRunResult['scenario'], apps: number, events: number, started: number, traces: readonly MessageTrace[],
  arm: { counts: Record<string, number>; total: number }, counter: RequestCounter, azurite: Azurite, host: QueueHostStats,
): QueueRunResult {
  const done = traces.filter((t) => t.outcome === 'completed');
  if (done.length < events) throw new Error(`queue ${scenario}: only ${done.length} of ${events} messages completed`);
  const eventAt = (t: MessageTrace) => Date.parse(String((t.message as { eventTime?: unknown }).eventTime));
  const last = Math.max(...done.map((t) => t.settledAt));
  const wallMs = last - started;
  return {
    scenario, events, apps, wallMs,
    throughputPerSecond: (events / wallMs) * 1000,
    writeToFinding: distribution(done.map((t) => t.settledAt - eventAt(t))),
    receivedToFinding: distribution(done.map((t) => t.settledAt - t.receivedAt)),
    armCalls: arm.total,
    armGets: arm.counts['GET site'] ?? 0,
    armCallsPerEvent: arm.total / events,
    tableOpsPerEvent: counter.to(azurite.tableUrl) / events,
    queueOpsPerEvent: counter.to(azurite.queueUrl) / events,
    host,
  };
}
