import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { AZURE_LIMITS, generatedSubscriptionId } from '../tools/arm-emulator/src/emulator/index.js';
import { startAzurite } from '../tools/arm-emulator/src/local/azurite.js';
import { caFile, GENERATED_GROUPS as GROUPS, generatedSiteId } from './common.js';
import { loadConfig } from '../src/config/index.js';
import { buildFinding } from '../src/enforcer/findingBuilder.js';
import { evaluate } from '../src/policy/index.js';
import { parseSiteId } from '../src/policy/resourceId.js';
import type { SiteSnapshot } from '../src/policy/types.js';
import { createTableStore } from '../src/store/index.js';
import type { Finding } from '../src/model/index.js';
import { startRemoteEmulator, type EmulatorStatsReply, type RemoteEmulator } from './remoteEmulator.js';
import type { SweepWorkerInput, SweepWorkerResult } from './sweepWorker.js';

export interface SweepShape {
  subscriptions: number;
  sitesPerSubscription: number;
  /** Every Nth site has a slot. */
  slotEvery: number;
  latencyMs: number;
  /** Subscriptions one worker sweeps at once (host.json queue batchSize). */
  concurrency: number;
  /** ARM calls in flight per subscription (the sweep's default 8). */
  perSubscription: number;
  /** Emulator list page size (ARM's differs by API; the emulator's default is 50). */
  pageSize: number;
  throttle: boolean;
}

export interface SweepRunFigures extends SweepWorkerResult {
  armCalls: number;
  perSiteGets: number;
  throttled: number;
  arm: Record<string, number>;
}

export interface LowerBound {
  ms: number;
  /** How it was computed, in words. */
  basis: string;
}

export interface SweepBenchResult {
  shape: SweepShape;
  sites: number;
  slots: number;
  /** The first sweep, into empty tables: every finding is new, so every one also gets a history row. */
  firstSweep: SweepRunFigures;
  /** The nightly case: the same fleet swept again, findings in place. The ratios are about this one. */
  sweep: SweepRunFigures;
  naive?: SweepRunFigures;
  lowerBound: LowerBound;
  /** Naive wall time over the sweep's (how many times faster the sweep is). */
  speedupOverNaive?: number;
  /** Sweep wall time over the lower bound. */
  overLowerBound: number;
}

/** Sweep a generated fleet with the enforcer (and, unless `naive` is false, the naive way), the emulator and the worker each in their own process. */
export async function benchSweep(shape: SweepShape, options: { naive: boolean; repeat: boolean; preseed?: boolean; nonCompliantFraction?: number }): Promise<SweepBenchResult> {
  const azurite = await startAzurite({ table: true });
  const emu = await startRemoteEmulator({ latencyMs: shape.latencyMs, pageSize: shape.pageSize, throttle: shape.throttle ? {} : false });
  try {
    const generated = await emu.call<number>('generate', {
      subscriptions: shape.subscriptions, sitesPerSubscription: shape.sitesPerSubscription, slotEvery: shape.slotEvery, nonCompliantFraction: options.nonCompliantFraction ?? 0.1,
    });
    if (options.preseed) await preseed(azurite.connectionString, 'BenchSweep', shape);
    const sites = shape.subscriptions * shape.sitesPerSubscription;
    const base = {
      armUrl: emu.url,
      caCertPath: await caFile(emu.caCertPem),
      token: await emu.call<string>('token', { oid: 'bench-sweeper' }),
      connectionString: azurite.connectionString,
      tableUrl: azurite.tableUrl,
      subscriptions: Array.from({ length: shape.subscriptions }, (_, i) => generatedSubscriptionId(i)),
      concurrency: shape.concurrency,
      perSubscription: shape.perSubscription,
    };
    const firstSweep = await measured(emu, { ...base, kind: 'enforcer', prefix: 'BenchSweep' });
    const sweep = options.repeat ? await measured(emu, { ...base, kind: 'enforcer', prefix: 'BenchSweep' }) : firstSweep;
    const result: SweepBenchResult = { shape, sites, slots: generated - sites, firstSweep, sweep, lowerBound: lowerBound(shape, sweep.arm), overLowerBound: 0 };
    result.overLowerBound = sweep.wallMs / result.lowerBound.ms;
    if (options.naive) {
      result.naive = await measured(emu, { ...base, kind: 'naive', prefix: 'BenchNaive' });
      result.speedupOverNaive = result.naive.wallMs / sweep.wallMs;
    }
    return result;
  } finally {
    await emu.stop();
    await azurite.stop();
  }
}

/**
 * Last night's findings, written straight into the table (batched), for an all-compliant
 * generated fleet: the measured sweep is then the nightly one, not the first ever.
 */
async function preseed(connectionString: string, prefix: string, shape: SweepShape): Promise<void> {
  const store = createTableStore({ connectionString, prefix, allowInsecureConnection: true });
  const cause = { id: 'bench-preseed', at: new Date(Date.now() - 86_400_000).toISOString(), source: 'sweep' as const };
  const kinds = [['app', 'Standard'], ['app,linux', 'PremiumV3'], ['functionapp,linux', 'Dynamic']] as const;
  const policy = loadConfig({ MTLS_STORAGE_CONNECTION: connectionString }).policy;
  for (let sub = 0; sub < shape.subscriptions; sub++) {
    const findings: Finding[] = [];
    for (let i = 0; i < shape.sitesPerSubscription; i++) {
      const [kind, sku] = kinds[i % kinds.length] as (typeof kinds)[number];
      const siteId = generatedSiteId(sub, i);
      const ids = shape.slotEvery > 0 && i % shape.slotEvery === 0 ? [siteId, `${siteId}/slots/staging`] : [siteId];
      for (const id of ids) {
        const ref = parseSiteId(id);
        if (!ref) continue;
        const snapshot: SiteSnapshot = { id, name: id.split('/').pop() ?? '', kind, sku, isSlot: !!ref.slot, clientCertEnabled: true, clientCertMode: 'Required', location: 'West Europe' };
        findings.push(buildFinding(ref, snapshot, evaluate(snapshot, policy, new Date(), []), cause, undefined, cause.at, true));
      }
    }
    await store.findings.putMany(findings);
  }
}

async function measured(emu: RemoteEmulator, input: SweepWorkerInput): Promise<SweepRunFigures> {
  await emu.call('reset');
  const worker = await runWorker(input);
  const stats: EmulatorStatsReply = await emu.stats();
  return {
    ...worker,
    armCalls: stats.total,
    perSiteGets: (stats.counts['GET site'] ?? 0) + (stats.counts['GET slot'] ?? 0),
    throttled: stats.throttled,
    arm: stats.counts,
  };
}

/** NODE_OPTIONS as infra/main.json sets it on the Function App ('' if it does not). */
function deployedNodeOptions(): string {
  const main = JSON.parse(readFileSync(new URL('../infra/main.json', import.meta.url), 'utf8')) as { variables?: { appSettings?: Array<{ name: string; value: string }> } };
  return main.variables?.appSettings?.find((s) => s.name === 'NODE_OPTIONS')?.value ?? '';
}

/** Runs bench/sweepWorker.ts in a fresh Node process and reads its one-line JSON answer. */
export function runWorker(input: SweepWorkerInput): Promise<SweepWorkerResult> {
  return new Promise((resolve, reject) => {
    // The worker runs with the Node options the deployment sets (infra/main.json NODE_OPTIONS), or BENCH_WORKER_NODE_ARGS.
    const flags = (process.env.BENCH_WORKER_NODE_ARGS ?? deployedNodeOptions()).split(' ').filter(Boolean);
    const child = spawn(process.execPath, ['--expose-gc', ...flags, '--import', 'tsx', new URL('./sweepWorker.ts', import.meta.url).pathname, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`sweep worker exited with ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line) as SweepWorkerResult);
    });
  });
}

/**
 * The ARM-only critical path: per subscription, its list pages one after another, then its slot
 * listings `perSubscription` at a time, each call `latencyMs`; or, when that subscription's reads
 * exceed the throttle's burst, the time the refill takes. Subscriptions run `concurrency` at a
 * time. Table writes, CPU and the network stack count as zero.
 */
export function lowerBound(shape: SweepShape, counts: Record<string, number>): LowerBound {
  const s = shape.sitesPerSubscription;
  const slots = shape.slotEvery > 0 ? Math.ceil(s / shape.slotEvery) : 0;
  const pages = Math.max(1, Math.ceil(s / shape.pageSize));
  const c = shape.perSubscription;
  let critical: number;
  let reads: number;
  let how: string;
  if ((counts['LIST slots'] ?? 0) > 0) {
    // Slots listed site by site.
    critical = (pages + Math.ceil(s / c)) * shape.latencyMs;
    reads = pages + s;
    how = `${pages} list page(s) + ⌈${s} slot listings / ${c}⌉`;
  } else {
    // Slots from one listing per resource group (sites and slots, includeSlots=true).
    const groups = Math.min(GROUPS, s);
    const groupPages = Math.max(1, Math.ceil((Math.ceil(s / groups) + Math.ceil(slots / groups)) / shape.pageSize));
    critical = (pages + Math.ceil(groups / c) * groupPages) * shape.latencyMs;
    reads = pages + groups * groupPages;
    how = `${pages} list page(s) + ⌈${groups} group listings / ${c}⌉ × ${groupPages} page(s)`;
  }
  const throttleMs = shape.throttle ? (Math.max(0, reads - AZURE_LIMITS.readBurst) / AZURE_LIMITS.readPerSecond) * 1000 : 0;
  const perSub = Math.max(critical, throttleMs);
  const waves = Math.ceil(shape.subscriptions / shape.concurrency);
  return {
    ms: waves * perSub,
    basis: `${waves} wave(s) of ${shape.concurrency} subscriptions × max(critical path ${how} at ${shape.latencyMs} ms, throttle refill ${throttleMs.toFixed(0)} ms); ARM only, table writes and CPU count as zero`,
  };
}
