import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { benchEventPath } from './eventPath.js';
import { benchSweep } from './sweep.js';

/** `npm run bench [-- --quick]`: prints a table and writes JSON to bench/results/. */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const events = quick ? 200 : 2000;
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  const results = [];
  for (const mode of ['audit', 'enforce'] as const) {
    // enforce: every other write turns certs off and is reverted, so the latency includes the revert landing.
    const r = await benchEventPath(events, mode);
    results.push(r);
    console.log(
      `event path (${mode}): ${r.events} events  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ` +
        `mean ${r.meanMs.toFixed(1)} ms vs floor ${r.floorMeanMs.toFixed(1)} ms (bare GET + upsert) → overhead ${r.overhead.toFixed(2)}×  ${r.throughputPerSecond.toFixed(0)} events/s sequential`,
    );
  }
  const sweep = await benchSweep(20, quick ? 100 : 500, 30);
  console.log(
    `sweep: ${sweep.sites} sites over ${sweep.subscriptions} subscriptions (+1 slot per 10 sites), ARM latency ${sweep.latencyMs} ms, Azure throttling: ` +
      `${(sweep.wallMs / 1000).toFixed(1)} s, ${sweep.evaluated} evaluated, ${sweep.armCalls} ARM calls, ${sweep.perSiteGets} per-site GETs, peak RSS ${sweep.peakRssMb} MB`,
  );
  const file = new URL(`./results/event-path-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url);
  await writeFile(file, JSON.stringify({ machine, quick, results, sweep }, null, 2));
  console.log(`wrote ${file.pathname.split('/').slice(-3).join('/')}`);
}

await main();
