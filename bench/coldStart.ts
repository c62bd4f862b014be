import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './common.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY_POINTS = ['api', 'onEventGrid', 'onEventQueue', 'sweep'];

export interface ColdStartResult {
  repetitions: number;
  /** Median ms to import `@azure/functions` alone in a fresh process. */
  bareMs: number;
  /** Median ms to import every compiled entry point (dist/functions/*.js) in a fresh process. */
  entryPointsMs: number;
  ratio: number;
  /** Median ms for the first event's extra imports (what an Event Grid trigger loads on its first invocation). */
  firstEventMs: number;
  samples: { bare: number[]; entryPoints: number[]; firstEvent: number[] };
  rebuilt: boolean;
}

/** What a Consumption-plan cold start pays for our code: importing the entry points, against importing `@azure/functions` alone. */
export function benchColdStart(repetitions: number): ColdStartResult {
  const rebuilt = ensureBuilt();
  const bare = `const t = performance.now(); await import('@azure/functions'); process.stdout.write(String(performance.now() - t));`;
  const entries = `const t = performance.now(); for (const f of ${JSON.stringify(ENTRY_POINTS)}) await import('./dist/functions/' + f + '.js'); process.stdout.write(String(performance.now() - t));`;
  // After the entry points: what the first Event Grid event loads on top (the trigger's modules and SDKs).
  const first = `for (const f of ${JSON.stringify(ENTRY_POINTS)}) await import('./dist/functions/' + f + '.js'); const t = performance.now(); await import('./dist/src/triggers/index.js'); process.stdout.write(String(performance.now() - t));`;
  const samples = { bare: [] as number[], entryPoints: [] as number[], firstEvent: [] as number[] };
  for (let i = 0; i < repetitions; i++) {
    // Interleaved, so a burst of load on the shared machine hits both alike.
    samples.bare.push(timeImport(bare));
    samples.entryPoints.push(timeImport(entries));
    samples.firstEvent.push(timeImport(first));
  }
  const bareMs = median(samples.bare);
  const entryPointsMs = median(samples.entryPoints);
  return { repetitions, bareMs, entryPointsMs, ratio: entryPointsMs / bareMs, firstEventMs: median(samples.firstEvent), samples, rebuilt };
}

function timeImport(script: string): number {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cold start probe failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

/** `npm ci` builds dist/ (prepare); rebuild when a source is newer than the compiled entry points. */
function ensureBuilt(): boolean {
  const built = join(ROOT, 'dist/functions/onEventQueue.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newest = Math.max(...['functions', 'src'].flatMap((dir) => newestUnder(join(ROOT, dir))));
  if (builtAt >= newest) return false;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  return true;
}

function newestUnder(dir: string): number[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? newestUnder(join(dir, e.name)) : [statSync(join(dir, e.name)).mtimeMs]));
}
