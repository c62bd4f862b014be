import { startAzurite } from '../src/local/azurite.js';
import { ms, printTable, times, verdict, writeResult } from './common.js';
import { benchEventPath, type EventPathResult } from './eventPath.js';

/**
 * `npm run bench [-- --quick] [-- --only=event,sweep,memory,cold]`: each scenario prints a table
 * (figure, baseline or floor, ratio, target) and writes JSON with the machine to bench/results/.
 */
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);

async function eventPath(): Promise<void> {
  const azurite = await startAzurite({ table: true });
  try {
    const events = quick ? 480 : 5000;
    const batch = 16;
    const results: EventPathResult[] = [];
    for (const mode of ['audit', 'enforce'] as const) {
      const r = await benchEventPath(azurite, { events, batch, mode });
      results.push(r);
      const rows = [
        { figure: 'throughput', value: `${r.throughputPerSecond.toFixed(0)} events/s`, against: `${r.floor.throughputPerSecond.toFixed(0)}/s floor`, ratio: times(r.overhead), target: `≤ 1.50× ${verdict(r.overhead <= 1.5)}` },
        { figure: 'CPU / event (this process)', value: ms(r.cpuMsPerEvent), against: `${ms(r.floor.cpuMsPerEvent)} floor`, ratio: times(r.cpuOverhead) },
        { figure: 'write→finding p50', value: ms(r.writeToFinding.p50), against: `${ms(r.floor.perEvent.p50)} floor`, ratio: times(r.latencyOverhead) },
        { figure: 'write→finding p95', value: ms(r.writeToFinding.p95), against: `${ms(r.floor.perEvent.p95)} floor`, ratio: times(r.writeToFinding.p95 / r.floor.perEvent.p95) },
        { figure: 'write→finding p99', value: ms(r.writeToFinding.p99), against: `${ms(r.floor.perEvent.p99)} floor`, ratio: times(r.writeToFinding.p99 / r.floor.perEvent.p99), target: `≤ 50 ms ${verdict(r.writeToFinding.p99 <= 50)}` },
        ...(r.writeToRevert ? [
          { figure: 'write→revert p50', value: ms(r.writeToRevert.p50) },
          { figure: 'write→revert p99', value: ms(r.writeToRevert.p99) },
        ] : []),
        { figure: 'ARM calls / event', value: r.armCallsPerEvent.toFixed(2), against: '1 (floor)', ratio: times(r.armCallsPerEvent) },
        { figure: 'table ops / event', value: r.tableOpsPerEvent.toFixed(2), against: '1 (floor)', ratio: times(r.tableOpsPerEvent) },
        { figure: 'Azurite upsert alone', value: ms(r.azurite.sequentialUpsert.p50), against: `${r.azurite.upsertsPerSecond.toFixed(0)} upserts/s at ${batch} in flight` },
      ];
      printTable(`event path, ${mode}: ${r.events} user writes in Event Grid batches of ${batch} → local host → Azurite (emulator in its own process, latency 0)`, rows);
    }
    console.log(`  → ${await writeResult('event-path', quick, { results })}`);
  } finally {
    await azurite.stop();
  }
}

if (wanted('event')) await eventPath();
