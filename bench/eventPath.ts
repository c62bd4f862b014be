import { TableClient } from '@azure/data-tables';
import { createArmSites } from '../src/azure/index.js';
import { loadConfig } from '../src/config/index.js';
import { setSubscriptionSettings, type EnforcerDeps } from '../src/enforcer/index.js';
import { emulatorCredential, generatedSubscriptionId } from '../tools/arm-emulator/src/emulator/index.js';
import { startLocalHost } from '../src/host/index.js';
import type { Azurite } from '../tools/arm-emulator/src/local/azurite.js';
import { createRuntime } from '../src/triggers/index.js';
import { caFile, cpuSince, distribution, epochNow, perEvent, processCpu, GENERATED_GROUPS as GROUPS, generatedSiteId, RequestCounter, type Distribution } from './common.js';
import { startRemoteEmulator, type RemoteEmulator } from './remoteEmulator.js';

const ENFORCER = { oid: 'bench-enforcer', appid: 'bench-app' };
const SUB = generatedSubscriptionId(0);

export interface EventPathOptions {
  events: number;
  /** Events per Event Grid delivery; one wave of writes fills one delivery. */
  batch: number;
  mode: 'audit' | 'enforce';
}

export interface EventPathResult {
  events: number;
  batch: number;
  mode: string;
  wallMs: number;
  throughputPerSecond: number;
  writeToFinding: Distribution;
  /** Enforce: user write → the enforcer's PATCH answered by the emulator. */
  writeToRevert?: Distribution;
  armCallsPerEvent: number;
  tableOpsPerEvent: number;
  /** Finding writes during the measured run: single-row requests, and transactions with the rows they carried. */
  findingWrites: { single: number; transactions: number; rowsInTransactions: number };
  /** Deliveries the emulator made (enforce: the reverts' own events come back too). */
  deliveries: unknown;
  floor: FloorResult;
  /** Enforcer wall time over the floor's for the same events at the same concurrency. */
  overhead: number;
  /** CPU time of this process (host + enforcer + SDKs) per event: steadier than wall time on a shared machine. */
  cpuMsPerEvent: number;
  cpuOverhead: number;
  /** CPU ms per event of each process in the measured run (this one, the emulator, each Azurite service). */
  cpuByProcess: Record<string, number>;
  /** Enforcer p50 write-to-finding over the floor's p50 (GET + upsert). */
  latencyOverhead: number;
  azurite: AzuriteRate;
}

export interface FloorResult {
  wallMs: number;
  cpuMsPerEvent: number;
  throughputPerSecond: number;
  perEvent: Distribution;
}

export interface AzuriteRate {
  /** One upsert at a time: Azurite's round trip. */
  sequentialUpsert: Distribution;
  /** Upserts per second with `batch` in flight. */
  upsertsPerSecond: number;
}

/**
 * Sites written in turn (a wave never writes one twice); in audit each write flips the site, so
 * every event changes its status. In enforce each site drifts once (plus warm-up), as in life: the
 * flap guard (3 reverts an hour, the default) would rightly stop reverting a site written all the time.
 */
const fleetSize = (batch: number, mode: 'audit' | 'enforce', events: number) => (mode === 'enforce' ? events + WARM_UP : Math.max(batch * 4, 200));
const WARM_UP = 64;
const siteId = (i: number) => generatedSiteId(0, i);
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/**
 * Event path under load: waves of user writes on the emulator (its own process), each wave
 * delivered as one Event Grid batch to the local host, backed by Azurite. Latency per event is
 * from the write to its finding being stored (and, in enforce, to the revert's PATCH answered).
 * The floor, in the same run: the same number of bare SDK GETs + table upserts, same concurrency.
 */
export async function benchEventPath(azurite: Azurite, options: EventPathOptions): Promise<EventPathResult> {
  const { events, batch, mode } = options;
  const fleet = fleetSize(batch, mode, events);
  const emu = await startRemoteEmulator({ throttle: false, latencyMs: 0, delivery: { batchWindowMs: 5 } });
  const counter = new RequestCounter();
  try {
    await emu.call('generate', { subscriptions: 1, sitesPerSubscription: fleet, slotEvery: 0, nonCompliantFraction: 0, resourceGroupsPerSubscription: GROUPS });
    const token = await emu.call<string>('token', ENFORCER);
    const prefix = `Bench${mode}${Date.now().toString(36)}`.replace(/[^A-Za-z0-9]/g, '');
    const config = loadConfig({
      MTLS_STORAGE_CONNECTION: azurite.connectionString,
      MTLS_TABLE_PREFIX: prefix,
      MTLS_ARM_ENDPOINT: emu.url,
      MTLS_ARM_CA_CERT_PATH: await caFile(emu.caCertPem),
      MTLS_ARM_TOKEN: token,
      MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid,
      MTLS_DEFAULT_MODE: mode,
    });
    const { deps } = await createRuntime(config, () => undefined);
    if (mode === 'enforce') await baselined(deps);
    const landed = new Map<string, number>();
    const findingWrites = { single: 0, transactions: 0, rowsInTransactions: 0 };
    const reverted = new Map<string, number>();
    const instrumented: EnforcerDeps = {
      ...deps,
      findings: {
        ...deps.findings,
        // Every argument passes through: the history row rides in the finding's transaction.
        put: async (finding, ...rest) => {
          findingWrites.single++;
          const etag = await deps.findings.put(finding, ...rest);
          if (!landed.has(finding.key)) landed.set(finding.key, epochNow());
          return etag;
        },
        // A delivery's findings go out together: each landed when its transaction answered.
        putMany: async (findings, ...rest) => {
          findingWrites.transactions++;
          findingWrites.rowsInTransactions += findings.length;
          const result = await deps.findings.putMany(findings, ...rest);
          const at = epochNow();
          const conflicts = new Set(result.conflicts);
          for (const f of findings) if (!conflicts.has(f.key) && !landed.has(f.key)) landed.set(f.key, at);
          return result;
        },
      },
      writer: { patchClientCert: async (ref, patch, options) => {
        const answered = await deps.writer.patchClientCert(ref, patch, options);
        if (!reverted.has(ref.key)) reverted.set(ref.key, epochNow());
        return answered;
      } },
    };
    const host = await startLocalHost({ deps: instrumented, key: 'bench-key-0123456789abcdef' });
    await emu.call('subscribe', { url: host.webhookUrl, schema: 'eventgrid', maxEventsPerBatch: batch });
    // Warm-up (tables created, connections open, JIT): not measured.
    const certsOn = new Map<number, boolean>();
    await runWaves(emu, Math.min(events, WARM_UP), batch, 0, mode, certsOn, fleet);
    landed.clear();
    reverted.clear();
    Object.assign(findingWrites, { single: 0, transactions: 0, rowsInTransactions: 0 });
    await emu.call('reset');
    counter.start();
    const cpu0 = process.cpuUsage();
    const procs0 = processCpu();
    const findingMs: number[] = [];
    const revertMs: number[] = [];
    const started = performance.now();
    await runWaves(emu, events, batch, mode === 'enforce' ? WARM_UP : 0, mode, certsOn, fleet, (written) => {
      for (const { key, at } of written) {
        const f = landed.get(key);
        if (f !== undefined) findingMs.push(f - at);
        const r = reverted.get(key);
        if (r !== undefined) revertMs.push(r - at);
      }
      landed.clear();
      reverted.clear();
    });
    const wallMs = performance.now() - started;
    const cpuMsPerEvent = cpuMs(process.cpuUsage(cpu0)) / events;
    const cpuByProcess = perEvent(cpuSince(procs0), events);
    counter.stop();
    const arm = await emu.stats();
    const deliveries = await emu.call('idle');
    await host.stop();
    if (findingMs.length < events * 0.99) throw new Error(`only ${findingMs.length} of ${events} writes reached a finding`);
    if (mode === 'enforce' && revertMs.length < events * 0.99) throw new Error(`only ${revertMs.length} of ${events} drifts were reverted`);

    const floor = await floorRun(emu, azurite, events, batch, fleet);
    const rate = await azuriteRate(azurite, batch);
    const writeToFinding = distribution(findingMs);
    const result: EventPathResult = {
      events, batch, mode, wallMs,
      throughputPerSecond: (events / wallMs) * 1000,
      writeToFinding,
      armCallsPerEvent: arm.total / events,
      tableOpsPerEvent: counter.to(azurite.tableUrl) / events,
      findingWrites: { ...findingWrites },
      deliveries,
      floor,
      overhead: wallMs / floor.wallMs,
      cpuMsPerEvent,
      cpuOverhead: cpuMsPerEvent / floor.cpuMsPerEvent,
      cpuByProcess,
      latencyOverhead: writeToFinding.p50 / floor.perEvent.p50,
      azurite: rate,
    };
    if (mode === 'enforce') result.writeToRevert = distribution(revertMs);
    return result;
  } finally {
    counter.stop();
    await emu.stop();
  }
}

/**
 * Writes `count` events in waves of `batch` distinct sites; each wave is one delivery, awaited
 * before the next. Audit: each write flips the site (every event is a change of status). Enforce:
 * each write turns certificates off (a drift, reverted by the enforcer).
 */
async function runWaves(
  emu: RemoteEmulator, count: number, batch: number, offset: number, mode: 'audit' | 'enforce', certsOn: Map<number, boolean>, fleet: number,
  after?: (written: Array<{ key: string; at: number }>) => void,
): Promise<void> {
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const writes = Array.from({ length: n }, (_, j) => {
      const site = (offset + done + j) % fleet;
      const on = mode === 'audit' && !(certsOn.get(site) ?? true);
      certsOn.set(site, on);
      return { id: siteId(site), properties: on ? { clientCertEnabled: true, clientCertMode: 'Required' } : { clientCertEnabled: false } };
    });
    const at = await emu.call<number[]>('writes', { writes });
    await emu.call('idle');
    // Enforce: the enforcer turned them back on.
    if (mode === 'enforce') for (let j = 0; j < n; j++) certsOn.set((offset + done + j) % fleet, true);
    after?.(writes.map((w, j) => ({ key: w.id.toLowerCase(), at: at[j] as number })));
  }
}

/** The same events done bare: one SDK GET of the site and one table upsert each, `batch` at a time. */
async function floorRun(emu: RemoteEmulator, azurite: Azurite, events: number, batch: number, fleet: number): Promise<FloorResult> {
  const token = await emu.call<string>('token', { oid: 'bench-floor' });
  const arm = createArmSites({ endpoint: emu.url, credential: emulatorCredential(token), caCertPem: emu.caCertPem });
  const table = TableClient.fromConnectionString(azurite.connectionString, `BenchFloor${Date.now().toString(36)}`.replace(/[^A-Za-z0-9]/g, ''), { allowInsecureConnection: true });
  await table.createTable();
  const one = async (i: number): Promise<number> => {
    const t0 = performance.now();
    const ref = { subscriptionId: SUB, resourceGroup: `rg-${i % GROUPS}`, site: `app-0-${i % fleet}`, key: siteId(i % fleet).toLowerCase(), id: siteId(i % fleet) };
    const site = await arm.getSite(ref);
    await table.upsertEntity({ partitionKey: SUB, rowKey: `app-0-${i % fleet}`, enabled: site?.clientCertEnabled ?? false, mode: site?.clientCertMode ?? '' }, 'Replace');
    return performance.now() - t0;
  };
  for (let i = 0; i < batch * 4; i++) await one(i); // warm-up
  const perEvent: number[] = [];
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let done = 0; done < events; done += batch) {
    const n = Math.min(batch, events - done);
    perEvent.push(...(await Promise.all(Array.from({ length: n }, (_, j) => one(done + j)))));
  }
  const wallMs = performance.now() - started;
  return { wallMs, cpuMsPerEvent: cpuMs(process.cpuUsage(cpu0)) / events, throughputPerSecond: (events / wallMs) * 1000, perEvent: distribution(perEvent) };
}

/** Azurite's own pace in this run: one upsert at a time, then `batch` in flight. */
async function azuriteRate(azurite: Azurite, batch: number): Promise<AzuriteRate> {
  const table = TableClient.fromConnectionString(azurite.connectionString, `BenchRate${Date.now().toString(36)}`.replace(/[^A-Za-z0-9]/g, ''), { allowInsecureConnection: true });
  await table.createTable();
  const upsert = (i: number) => table.upsertEntity({ partitionKey: `p${i % 16}`, rowKey: `r${i}`, value: i, at: new Date().toISOString() }, 'Replace');
  for (let i = 0; i < 50; i++) await upsert(i);
  const sequential: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await upsert(i);
    sequential.push(performance.now() - t0);
  }
  const total = 1000;
  const started = performance.now();
  for (let done = 0; done < total; done += batch) await Promise.all(Array.from({ length: Math.min(batch, total - done) }, (_, j) => upsert(done + j)));
  return { sequentialUpsert: distribution(sequential), upsertsPerSecond: (total / (performance.now() - started)) * 1000 };
}

/**
 * Enforce set explicitly and its baseline recorded before anything is: every app the bench drifts
 * is new since the baseline, so its drift is reverted (not left as baseline debt).
 */
async function baselined(deps: EnforcerDeps): Promise<void> {
  await setSubscriptionSettings(deps, { subscriptionId: SUB, mode: 'enforce', by: 'bench' });
  const row = await deps.settings.get(SUB);
  await deps.settings.recordBaseline(SUB, { at: new Date().toISOString(), runId: 'bench-baseline' }, { updatedAt: row?.updatedAt ?? '' });
}
