import { startAzurite, type Azurite } from '../tools/arm-emulator/src/local/azurite.js';
import { cpuLine, cpuTotal, ms, printTable, times, verdict, writeResult, type Row } from './common.js';
import { benchColdStart } from './coldStart.js';
import { benchEventPath, type EventPathResult } from './eventPath.js';
import { benchQueuePath, type QueueRunResult } from './queuePath.js';
import { benchSweep, type SweepBenchResult, type SweepShape } from './sweep.js';

/**
 * `npm run bench [-- --quick] [-- --only=event,queue,sweep,memory,cold]`: each scenario prints a table
 * (figure, baseline or floor, ratio, target) and writes JSON with the machine to bench/results/.
 */
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);

/**
 * Each webhook run, and the queue runs together, on an Azurite of their own: Azurite's cost per
 * request grows with everything it holds (Azure Storage's does not), so a run measured after
 * another's thousands of rows would pay for them.
 */
async function withAzurite<T>(work: (azurite: Azurite) => Promise<T>): Promise<T> {
  const azurite = await startAzurite({ table: true, queue: true });
  try {
    return await work(azurite);
  } finally {
    await azurite.stop();
  }
}

async function eventPath(): Promise<void> {
  const results = wanted('event') ? await webhookPath() : [];
  if (wanted('queue')) await withAzurite((azurite) => queuePath(azurite, results));
}

async function webhookPath(): Promise<EventPathResult[]> {
  const events = Number(process.argv.find((a) => a.startsWith('--events='))?.slice('--events='.length) ?? (quick ? 160 : 5000));
  const batch = 16;
  const results: EventPathResult[] = [];
  const runs = [
    { mode: 'audit' as const, batch, events },
    { mode: 'enforce' as const, batch, events },
    // Event Grid's webhook default is one event per delivery: the latency case.
    { mode: 'audit' as const, batch: 1, events: Math.min(quick ? 60 : 500, events) },
  ];
  for (const run of runs) {
    const r = await withAzurite((azurite) => benchEventPath(azurite, run));
    results.push(r);
    const { mode } = r;
    // What Azurite alone allows: its upsert rate at this concurrency over the table ops one event needs.
    const azuriteBound = r.azurite.upsertsPerSecond / r.tableOpsPerEvent;
    const rows = [
      { figure: 'throughput', value: `${r.throughputPerSecond.toFixed(0)} events/s`, against: `${r.floor.throughputPerSecond.toFixed(0)}/s floor`, ratio: times(r.overhead), target: r.batch > 1 ? `≤ 1.50× ${verdict(r.overhead <= 1.5)}` : '' },
      { figure: 'CPU / event (this process)', value: ms(r.cpuMsPerEvent), against: `${ms(r.floor.cpuMsPerEvent)} floor`, ratio: times(r.cpuOverhead) },
      { figure: 'CPU ms / event, by process', value: cpuLine(r.cpuByProcess) },
      { figure: 'write→finding p50', value: ms(r.writeToFinding.p50), against: `${ms(r.floor.perEvent.p50)} floor`, ratio: times(r.latencyOverhead) },
      { figure: 'write→finding p95', value: ms(r.writeToFinding.p95), against: `${ms(r.floor.perEvent.p95)} floor`, ratio: times(r.writeToFinding.p95 / r.floor.perEvent.p95) },
      { figure: 'write→finding p99', value: ms(r.writeToFinding.p99), against: `${ms(r.floor.perEvent.p99)} floor`, ratio: times(r.writeToFinding.p99 / r.floor.perEvent.p99), target: `≤ 50 ms ${verdict(r.writeToFinding.p99 <= 50)}` },
      ...(r.writeToRevert ? [
        { figure: 'write→revert p50', value: ms(r.writeToRevert.p50) },
        { figure: 'write→revert p99', value: ms(r.writeToRevert.p99) },
      ] : []),
      { figure: 'ARM calls / event', value: r.armCallsPerEvent.toFixed(2), against: '1 (floor)', ratio: times(r.armCallsPerEvent) },
      { figure: 'table ops / event', value: r.tableOpsPerEvent.toFixed(2), against: '1 (floor)', ratio: times(r.tableOpsPerEvent) },
      { figure: 'finding writes', value: `${r.findingWrites.transactions} transactions (${r.findingWrites.rowsInTransactions} rows)`, against: `+ ${r.findingWrites.single} single-row writes` },
      { figure: 'Azurite alone', value: `${ms(r.azurite.sequentialUpsert.p50)} / upsert`, against: `${r.azurite.upsertsPerSecond.toFixed(0)} upserts/s at ${r.batch} in flight` },
      { figure: 'Azurite-bound throughput', value: `${azuriteBound.toFixed(0)} events/s`, against: 'its rate / table ops per event', ratio: `${((r.throughputPerSecond / azuriteBound) * 100).toFixed(0)}% reached` },
    ];
    printTable(`event path, ${mode}: ${r.events} user writes, ${r.batch} per Event Grid delivery → local host → Azurite (emulator in its own process, latency 0)`, rows);
  }
  console.log(`  → ${await writeResult('event-path', quick, { results })}`);
  return results;
}

/** The queue path, compared with the webhook runs of the same bench run (when they ran). */
async function queuePath(azurite: Azurite, webhook: readonly EventPathResult[]): Promise<void> {
  const options = quick
    ? { steady: { events: 320, apps: 100 }, burst: { apps: 50, withinMs: 2000 }, lone: { events: 20 } }
    : { steady: { events: 5000, apps: 500 }, burst: { apps: 200, withinMs: 2000 }, lone: { events: 60 } };
  const results = await benchQueuePath(azurite, options);
  const batched = webhook.find((r) => r.mode === 'audit' && r.batch > 1);
  const single = webhook.find((r) => r.batch === 1);
  const order: Array<QueueRunResult['scenario']> = ['steady', 'burst', 'lone'];
  for (const r of [...results].sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario))) {
    const title = {
      steady: `queue path (what Azure runs), (a): ${r.events} user writes over ${r.apps} apps → Event Grid's queue destination (Azurite, base64) → host model (host.json: ${16} a batch, next at 8 left) → onEventQueue, audit`,
      burst: `queue path (what Azure runs), (b) deployment burst: ${r.apps} apps × (1 site write + 3 more) within ${options.burst.withinMs / 1000} s → Azurite queue → host model → onEventQueue, audit`,
      lone: `queue path (what Azure runs), events arriving alone: ${r.events} writes, each once the last has its finding → Azurite queue → host model → onEventQueue, audit`,
    }[r.scenario];
    const ratio = batched ? r.throughputPerSecond / batched.throughputPerSecond : undefined;
    const rows: Row[] = [
      {
        figure: 'throughput', value: `${r.throughputPerSecond.toFixed(0)} events/s`,
        ...(batched && r.scenario === 'steady' ? { against: `webhook, 16 a delivery: ${batched.throughputPerSecond.toFixed(0)}/s`, ratio: `${(((ratio as number)) * 100).toFixed(0)}%`, target: `≥ 80% ${verdict((ratio as number) >= 0.8)}` } : {}),
      },
      { figure: 'table ops / event', value: r.tableOpsPerEvent.toFixed(2), against: '7 before windows (one invocation at a time)', ...(r.scenario === 'lone' ? {} : { target: `≤ 3 ${verdict(r.tableOpsPerEvent <= 3)}` }) },
      {
        figure: 'ARM calls / event', value: r.armCallsPerEvent.toFixed(2), against: `${r.armGets} site GETs for ${r.apps} apps`,
        ...(r.scenario === 'burst' ? { ratio: times(r.armGets / r.apps), target: `= apps ${verdict(r.armGets <= r.apps)}` } : {}),
      },
      { figure: 'CPU ms / event, by process', value: cpuLine(r.cpuByProcess), ...(batched && r.scenario === 'steady' ? { against: `webhook: ${cpuLine(batched.cpuByProcess)}` } : {}) },
      ...(batched && r.scenario === 'steady' ? [
        // Every process shares this machine's cores: throughput follows the CPU all of them spend per event.
        { figure: 'CPU ms / event, all processes', value: ms(cpuTotal(r.cpuByProcess)), against: `webhook: ${ms(cpuTotal(batched.cpuByProcess))}`, ratio: `${((cpuTotal(batched.cpuByProcess) / cpuTotal(r.cpuByProcess)) * 100).toFixed(0)}%` },
        { figure: 'CPU ms / event, this process', value: ms(r.cpuByProcess['this process'] ?? 0), against: `webhook: ${ms(batched.cpuByProcess['this process'] ?? 0)} (handler; here also the host model)`, ratio: `${(((batched.cpuByProcess['this process'] ?? 0) / (r.cpuByProcess['this process'] ?? 1)) * 100).toFixed(0)}%` },
      ] : []),
      ...(r.hostAlone ? [{ figure: 'host model alone', value: `${r.hostAlone.perSecond.toFixed(0)} messages/s`, against: `same ${r.hostAlone.messages} messages, empty handler; CPU ms / message: ${cpuLine(r.hostAlone.cpuByProcess)}` }] : []),
      { figure: 'queue requests / event', value: r.queueOpsPerEvent.toFixed(2), against: 'the host model: receive, delete' },
      { figure: 'write→finding p50', value: ms(r.writeToFinding.p50), against: 'polling included' },
      { figure: 'write→finding p99', value: ms(r.writeToFinding.p99), against: 'polling included' },
      { figure: 'received→finding p50', value: ms(r.receivedToFinding.p50), against: 'polling excluded' },
      {
        figure: 'received→finding p99', value: ms(r.receivedToFinding.p99),
        ...(single && r.scenario === 'lone' ? { against: `webhook, 1 a delivery: write→finding p99 ${ms(single.writeToFinding.p99)}`, ratio: `+${ms(r.receivedToFinding.p99 - single.writeToFinding.p99)}`, target: `≤ +20 ms ${verdict(r.receivedToFinding.p99 - single.writeToFinding.p99 <= 20)}` } : { against: 'polling excluded' }),
      },
      { figure: 'messages', value: `${r.host.completed} completed`, against: `${r.host.retried} retried, ${r.host.poisoned} poisoned${r.host.deleteFailed ? `, ${r.host.deleteFailed} not deleted` : ''}` },
    ];
    printTable(title, rows);
  }
  console.log(`  → ${await writeResult('queue-path', quick, { results })}`);
}

async function sweep(): Promise<void> {
  const shape: SweepShape = quick
    ? { subscriptions: 10, sitesPerSubscription: 100, slotEvery: 10, latencyMs: 30, concurrency: 16, perSubscription: 8, pageSize: 50, throttle: true }
    : { subscriptions: 100, sitesPerSubscription: 100, slotEvery: 10, latencyMs: 30, concurrency: 16, perSubscription: 8, pageSize: 50, throttle: true };
  const r = await benchSweep(shape, { naive: true, repeat: true });
  const naive = r.naive as NonNullable<SweepBenchResult['naive']>;
  const speedup = r.speedupOverNaive ?? Number.NaN;
  printTable(
    `sweep: ${r.sites} sites + ${r.slots} slots in ${shape.subscriptions} subscriptions, ARM latency ${shape.latencyMs} ms, Azure throttling, one worker sweeping ${shape.concurrency} subscriptions at a time (emulator, worker, Azurite: separate processes); figures for the nightly case (findings in place)`,
    [
      { figure: 'first sweep (empty tables)', value: `${(r.firstSweep.wallMs / 1000).toFixed(2)} s`, against: `${r.firstSweep.tableOps} table requests` },
      { figure: 'wall time', value: `${(r.sweep.wallMs / 1000).toFixed(2)} s`, against: `naive ${(naive.wallMs / 1000).toFixed(2)} s`, ratio: `${speedup.toFixed(1)}× faster`, target: `≥ 10× ${verdict(speedup >= 10)}` },
      { figure: 'wall time', value: `${(r.sweep.wallMs / 1000).toFixed(2)} s`, against: `lower bound ${(r.lowerBound.ms / 1000).toFixed(2)} s`, ratio: times(r.overLowerBound), target: `≤ 1.50× ${verdict(r.overLowerBound <= 1.5)}` },
      { figure: 'ARM calls', value: String(r.sweep.armCalls), against: `naive ${naive.armCalls}`, ratio: times(r.sweep.armCalls / naive.armCalls) },
      { figure: 'per-site GETs', value: String(r.sweep.perSiteGets), against: `naive ${naive.perSiteGets}`, target: `0 ${verdict(r.sweep.perSiteGets === 0)}` },
      { figure: 'jobs redelivered (transient)', value: String(r.sweep.redeliveries), against: `naive ${naive.redeliveries}` },
      { figure: 'throttled (429) answers', value: String(r.sweep.throttled), against: `naive ${naive.throttled}` },
      { figure: 'table requests', value: String(r.sweep.tableOps), against: `naive ${naive.tableOps}`, ratio: times(r.sweep.tableOps / naive.tableOps) },
      { figure: 'worker peak RSS', value: `${r.sweep.peakRssMb} MB`, against: `naive ${naive.peakRssMb} MB` },
    ],
  );
  console.log(`  lower bound: ${r.lowerBound.basis}`);
  console.log(`  → ${await writeResult('sweep', quick, { result: r })}`);
}

async function memory(): Promise<void> {
  const given = process.argv.find((a) => a.startsWith('--memory-sizes='))?.slice('--memory-sizes='.length).split(',').map(Number);
  const sizes = given ?? (quick ? [500, 1_000, 2_000] : [10_000, 50_000, 100_000]);
  const subscriptions = quick ? 10 : 100;
  const results: SweepBenchResult[] = [];
  for (const sites of sizes) {
    const shape: SweepShape = { subscriptions, sitesPerSubscription: sites / subscriptions, slotEvery: 10, latencyMs: 0, concurrency: 16, perSubscription: 8, pageSize: 50, throttle: false };
    const r = await benchSweep(shape, { naive: false, repeat: false, preseed: true, nonCompliantFraction: 0 });
    results.push(r);
    console.log(`  memory: ${r.sites} sites + ${r.slots} slots: worker peak RSS ${r.sweep.peakRssMb} MB (${r.sweep.rssBeforeMb} MB before, heap peak ${r.sweep.heapPeakMb} MB), ${(r.sweep.wallMs / 1000).toFixed(1)} s`);
  }
  const first = results[0] as SweepBenchResult;
  const last = results[results.length - 1] as SweepBenchResult;
  const growth = (r: SweepBenchResult) => r.sweep.peakRssMb - r.sweep.rssBeforeMb;
  const fleetRatio = last.sites / first.sites;
  const growthRatio = growth(last) / Math.max(1, growth(first));
  printTable(
    `memory at size: one sweep worker (its own process; emulator and Azurite apart), nightly sweep (last night's findings in place, all compliant), ${subscriptions} subscriptions, 16 at a time, latency 0, no throttling`,
    [
      ...results.map((r) => ({
        figure: `${r.sites.toLocaleString('en')} sites + ${r.slots.toLocaleString('en')} slots`,
        value: `peak RSS ${r.sweep.peakRssMb} MB`,
        against: `${r.sweep.rssBeforeMb} MB before the sweep`,
        ratio: `+${growth(r)} MB`,
        target: r === last && !quick ? `≤ 256 MB ${verdict(r.sweep.peakRssMb <= 256)}` : `${(r.sweep.wallMs / 1000).toFixed(1)} s`,
      })),
      { figure: 'growth, largest / smallest', value: `${growthRatio.toFixed(2)}×`, against: `fleet ${fleetRatio.toFixed(0)}×`, ratio: times(growthRatio / fleetRatio), target: `sub-linear ${verdict(growthRatio < fleetRatio)}` },
    ],
  );
  console.log(`  → ${await writeResult('memory', quick, { results })}`);
}

function coldStart(): Promise<void> {
  const r = benchColdStart(quick ? 3 : 15);
  printTable(`cold start: fresh node process, median of ${r.repetitions}${r.rebuilt ? ' (dist/ was stale and was rebuilt first)' : ''}`, [
    { figure: 'import dist/functions/*.js', value: ms(r.entryPointsMs), against: `${ms(r.bareMs)} @azure/functions alone`, ratio: times(r.ratio), target: `≤ 2× ${verdict(r.ratio <= 2)}` },
    { figure: 'first event: + trigger code', value: ms(r.firstEventMs), against: 'loaded on first invocation' },
  ]);
  return writeResult('cold-start', quick, { result: r }).then((path) => console.log(`  → ${path}`));
}

const started = performance.now();
if (wanted('event') || wanted('queue')) await eventPath();
if (wanted('sweep')) await sweep();
if (wanted('memory')) await memory();
if (wanted('cold')) await coldStart();
console.log(`\nbench${quick ? ' --quick' : ''} finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
