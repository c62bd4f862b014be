/**
 * A sweep worker in its own process (so its peak RSS is its own): sweeps the given subscriptions,
 * `concurrency` at a time, as the queue-triggered workers do, or the naive way for the baseline.
 * Prints one JSON line (SweepWorkerResult) on stdout.
 */
import { writeHeapSnapshot } from 'node:v8';
import { loadConfig } from '../src/config/index.js';
import { sweepSubscription } from '../src/enforcer/index.js';
import { buildFinding } from '../src/enforcer/findingBuilder.js';
import { evaluate } from '../src/policy/index.js';
import { parseSiteId } from '../src/policy/resourceId.js';
import { forEachLimited } from '../src/shared/forEachLimited.js';
import { createRuntime } from '../src/triggers/index.js';
import { RequestCounter } from './common.js';
import { TransientError } from '../src/errors.js';

export interface SweepWorkerInput {
  kind: 'enforcer' | 'naive';
  armUrl: string;
  caCertPath: string;
  token: string;
  connectionString: string;
  tableUrl: string;
  prefix: string;
  subscriptions: string[];
  /** Subscriptions in flight at once (queue messages one instance works on). */
  concurrency: number;
  /** Per-subscription ARM calls in flight (the sweep's slot listings; the naive GETs). */
  perSubscription: number;
}

export interface SweepWorkerResult {
  wallMs: number;
  /** Subscription jobs run again after a transient failure (e.g. a table timeout under load). */
  redeliveries: number;
  evaluated: number;
  tableOps: number;
  rssBeforeMb: number;
  peakRssMb: number;
  heapPeakMb: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as SweepWorkerInput;
const config = loadConfig({
  MTLS_STORAGE_CONNECTION: input.connectionString,
  MTLS_TABLE_PREFIX: input.prefix,
  MTLS_ARM_ENDPOINT: input.armUrl,
  MTLS_ARM_CA_CERT_PATH: input.caCertPath,
  MTLS_ARM_TOKEN: input.token,
  MTLS_DEFAULT_MODE: 'audit',
});
const { deps, arm } = await createRuntime(config, () => undefined);
const counter = new RequestCounter().start();
let heapPeak = 0;
// BENCH_HEAP_SNAPSHOT=<path prefix>: a heap snapshot each time the heap grows 25 % past the last one
// (from 40 MB on), to see what holds the peak (node --import tsx bench/heapTop.ts <file>). Slows the run down.
const snapshots = process.env.BENCH_HEAP_SNAPSHOT;
let snappedAt = 40 * 2 ** 20;
let snapped = 0;
const sampler = setInterval(() => {
  const used = process.memoryUsage().heapUsed;
  heapPeak = Math.max(heapPeak, used);
  if (snapshots && used > snappedAt * 1.25) {
    snappedAt = used;
    process.stderr.write(`heap snapshot at ${Math.round(used / 2 ** 20)} MB: ${writeHeapSnapshot(`${snapshots}-${++snapped}.heapsnapshot`)}\n`);
  }
}, 25);
global.gc?.();
const rssBefore = process.memoryUsage().rss;
let evaluated = 0;
let redeliveries = 0;

/** A job that fails with a transient error is delivered again, as the queue does (up to 5 times here). */
async function redelivered<T>(job: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await job();
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= 5) throw err;
      redeliveries++;
    }
  }
}
const started = performance.now();
const run = { id: `bench-${Date.now()}`, startedAt: new Date().toISOString() };

if (input.kind === 'enforcer') {
  await forEachLimited(input.subscriptions, input.concurrency, async (sub) => {
    const result = await redelivered(() => sweepSubscription(deps, arm, sub, run, { concurrency: input.perSubscription }));
    evaluated += result.evaluated;
  });
} else {
  // The naive sweep: list, then GET every site and every slot, one single-entity upsert per finding.
  const lister = arm;
  const cause = { id: run.id, at: run.startedAt, source: 'sweep' as const };
  const record = async (id: string) => {
    const ref = parseSiteId(id);
    if (!ref) return;
    const site = await lister.getSite(ref);
    if (!site) return;
    const verdict = evaluate(site, deps.policy, new Date(), []);
    await deps.findings.put(buildFinding(ref, site, verdict, cause, undefined, new Date().toISOString(), true));
    evaluated++;
  };
  await forEachLimited(input.subscriptions, input.concurrency, (sub) => redelivered(async () => {
    const ids: string[] = [];
    for await (const site of lister.listSites(sub)) ids.push(site.id);
    await forEachLimited(ids, input.perSubscription, async (id) => {
      await record(id);
      const ref = parseSiteId(id);
      if (!ref) return;
      const slots: string[] = [];
      for await (const slot of lister.listSlots(ref)) slots.push(slot.id);
      for (const slot of slots) await record(slot);
    });
  }));
}

const wallMs = performance.now() - started;
clearInterval(sampler);
counter.stop();
const result: SweepWorkerResult = {
  wallMs,
  evaluated,
  redeliveries,
  tableOps: counter.to(input.tableUrl),
  rssBeforeMb: Math.round(rssBefore / 2 ** 20),
  // The kernel's high-water mark for this process (KiB): every allocation counts, not only sampled ones.
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  heapPeakMb: Math.round(heapPeak / 2 ** 20),
};
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
