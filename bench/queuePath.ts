import { QueueClient } from '@azure/storage-queue';
import { onEventQueue } from '../functions/onEventQueue.js';
import type { Azurite } from '../tools/arm-emulator/src/local/azurite.js';
import { caFile, cpuSince, distribution, epochNow, perEvent, processCpu, GENERATED_GROUPS as GROUPS, generatedSiteId, RequestCounter, type Distribution } from './common.js';
import { queueRest } from './queueRest.js';
import { hostJsonQueueOptions, QueueHost, type MessageTrace, type QueueHostStats } from './queueHost.js';
import { startRemoteEmulator, type RemoteEmulator } from './remoteEmulator.js';

const ENFORCER = { oid: 'bench-queue-enforcer', appid: 'bench-queue-app' };
const WARM_UP = 16;
/** Messages the steady writer keeps ahead of the handler at most: 4 host batches. */
const STEADY_AHEAD = 64;
/** Messages the host model alone drains: put on the queue beforehand, so a backlog Azurite can still serve briskly. */
const HOST_ALONE_MESSAGES = 320;
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
  /** CPU ms per event of each process (this one: handler and host model; the emulator; each Azurite service). */
  cpuByProcess: Record<string, number>;
  host: QueueHostStats;
  /** Steady only: the host model alone, the same messages drained into an empty handler. */
  hostAlone?: HostAloneResult;
}

export interface HostAloneResult {
  messages: number;
  perSecond: number;
  /** CPU ms per message of each process: what the host model and the queue cost without the enforcer. */
  cpuByProcess: Record<string, number>;
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
  const rest = queueRest(azurite.connectionString, queueName);
  const host = new QueueHost(queue, poison, onEventQueue, hostJsonQueueOptions(), undefined, (id, pop) => rest.delete(id, pop));
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
      const procs0 = processCpu();
      const started = epochNow();
      const events = await act();
      await host.idle();
      counter.stop();
      const cpu = perEvent(cpuSince(procs0), events);
      results.push(summarize(scenario, apps, events, started, host.traces, await emu.stats(), counter, azurite, cpu, { completed: host.stats.completed - before.completed, retried: host.stats.retried - before.retried, poisoned: host.stats.poisoned - before.poisoned, deleteFailed: host.stats.deleteFailed - before.deleteFailed }));
    };
    const { steady, burst, lone } = options;
    let next = WARM_UP;
    // Events alone first, on a fresh Azurite (as the webhook's 1-a-delivery run is): Azurite's
    // per-request cost grows with all it holds, which Azure Storage's does not.
    const loneFrom = next;
    next += lone.events;
    await run('lone', lone.events, async () => {
      for (let i = 0; i < lone.events; i++) {
        const settled = host.traces.length;
        await emu.call('writes', { writes: [{ id: siteId(loneFrom + i), properties: { clientCertEnabled: false } }] });
        while (host.traces.length === settled) await sleep(2);
      }
      return lone.events;
    });
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
      // The writer keeps at most AHEAD messages between the queue and the handler: enough that the
      // host always finds a full batch (16, and 8 more when 8 are left), and no backlog that grows
      // with the run. Azurite's queue costs grow with its backlog (every operation scans the queue
      // for expired messages, every receive sorts all visible ones); Azure Storage's do not.
      const settled = host.traces.length;
      for (let i = 0; i < writes.length; i += 16) {
        while (i - (host.traces.length - settled) > STEADY_AHEAD) await sleep(1);
        await emu.call('writes', { writes: writes.slice(i, i + 16) });
      }
      await emu.call('idle');
      return writes.length;
    });
    const steadyMessages = host.traces.slice(0, HOST_ALONE_MESSAGES).map((t) => t.message);
    const burstFrom = next;
    next += burst.apps;
    await run('burst', burst.apps, async () => {
      // A pipeline per app: the site write, then three more (the emulator has no config endpoint:
      // they are writes of the site too, each raising a sites/write event for it).
      // The pipelines start in 20 slices over `withinMs`; each app's four writes go in one slice
      // (a slice never splits an app's pipeline, whatever the number of apps).
      const pipelines = Array.from({ length: burst.apps }, (_, a) => [
        { id: siteId(burstFrom + a), properties: { clientCertEnabled: false } },
        ...[1, 2, 3].map((n) => ({ id: siteId(burstFrom + a), properties: { clientCertEnabled: false, tags: { deploy: String(n) } } })),
      ]);
      const slices = 20;
      const appsPer = Math.ceil(burst.apps / slices);
      for (let s = 0; s * appsPer < burst.apps; s++) {
        await emu.call('writes', { writes: pipelines.slice(s * appsPer, (s + 1) * appsPer).flat() });
        await sleep(burst.withinMs / slices);
      }
      await emu.call('idle');
      return pipelines.length * 4;
    });
    // Last, so its backlog (Azurite's queue costs grow with it) is not in the other figures.
    const steadyResult = results.find((r) => r.scenario === 'steady') as QueueRunResult;
    steadyResult.hostAlone = await hostModelAlone(azurite, queueName, steadyMessages);
    return results;
  } finally {
    counter.stop();
    await host.stop();
    rest.close();
    await emu.stop();
  }
}


/**
 * The host model's own cost, same run: `messages` put on a queue of their own beforehand (not
 * measured), then drained by the same host model into a handler that does nothing.
 */
async function hostModelAlone(azurite: Azurite, queueName: string, messages: readonly unknown[]): Promise<HostAloneResult> {
  const name = `${queueName}-alone`;
  const queue = new QueueClient(azurite.connectionString, name);
  await queue.create();
  const rest = queueRest(azurite.connectionString, name);
  const texts = messages.map((m) => Buffer.from(JSON.stringify(m)).toString('base64'));
  for (let i = 0; i < texts.length; i += 16) await Promise.all(texts.slice(i, i + 16).map((t) => rest.send(t)));
  const host = new QueueHost(queue, new QueueClient(azurite.connectionString, `${name}-poison`), async () => undefined, hostJsonQueueOptions(), undefined, (id, pop) => rest.delete(id, pop));
  try {
    const procs0 = processCpu();
    const started = performance.now();
    host.start();
    await host.idle();
    const wallMs = performance.now() - started;
    if (host.stats.completed < texts.length) throw new Error(`host model alone: only ${host.stats.completed} of ${texts.length} messages completed`);
    return { messages: texts.length, perSecond: (texts.length / wallMs) * 1000, cpuByProcess: perEvent(cpuSince(procs0), texts.length) };
  } finally {
    await host.stop();
    rest.close();
    await queue.delete();
  }
}

async function writeAll(emu: RemoteEmulator, writes: Array<{ id: string; properties: Record<string, unknown> }>): Promise<void> {
  await emu.call('writes', { writes });
  await emu.call('idle');
}

function summarize(
  scenario: QueueRunResult['scenario'], apps: number, events: number, started: number, traces: readonly MessageTrace[],
  arm: { counts: Record<string, number>; total: number }, counter: RequestCounter, azurite: Azurite, cpuByProcess: Record<string, number>, host: QueueHostStats,
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
    cpuByProcess,
    host,
  };
}
