import { finishSweepRun, runState, STALE_AFTER_MS, type Log } from '../enforcer/index.js';
import { countBlobs, poisonMessages } from '../store/index.js';
import type { Runtime } from './runtime.js';

/** Recent runs looked at for one that went stale without a finishing worker (one table query; CLI sweeps count too). */
const RECENT_RUNS = 14;

export interface Backlog {
  poisonMessages: number;
  sweepPoisonMessages: number;
  deadLetters: number;
}

/**
 * The health timer: counts what needs a person (events and sweep jobs in the poison queues,
 * events Event Grid dead-lettered) and logs it as `event: backlog` telemetry, which the alert rules
 * count; finishes runs that went stale (their report stored, `sweep-run incomplete` said once).
 */
export async function checkHealth(runtime: Pick<Runtime, 'deps' | 'config' | 'queues' | 'blobs'>, log: Log): Promise<Backlog> {
  const { config, queues } = runtime;
  const deps = { ...runtime.deps, log };
  const [events, sweeps, deadLetters] = await Promise.all([
    poisonMessages(queues, config.storage.eventQueue),
    poisonMessages(queues, config.sweep.queue),
    runtime.blobs ? countBlobs(runtime.blobs, config.reports.deadLetterContainer) : Promise.resolve(0),
  ]);
  const backlog = { poisonMessages: events, sweepPoisonMessages: sweeps, deadLetters };
  const waiting = events + sweeps + deadLetters > 0;
  log(waiting ? 'warn' : 'info', waiting ? `needs attention: ${events} event(s) and ${sweeps} sweep job(s) in poison queues, ${deadLetters} dead-letter blob(s)` : 'no poison messages, no dead-letters', { event: 'backlog', ...backlog });
  // Only with a report store: its write-once blobs make "said once" hold across timer ticks.
  if (deps.reports) {
    for (const run of await deps.sweeps.latestRuns(RECENT_RUNS)) {
      if (run.subscriptions.some((s) => s.status === 'pending') && runState(run, deps.clock(), STALE_AFTER_MS) === 'incomplete') await finishSweepRun(deps, run.id);
    }
  }
  return backlog;
}
