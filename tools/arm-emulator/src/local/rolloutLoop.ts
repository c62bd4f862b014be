import type { Log } from '../../../../src/enforcer/index.js';
import { runRolloutTimer, type Runtime } from '../../../../src/triggers/index.js';
import { startTickLoop } from './tickLoop.js';

/** How often local mode runs the rollout timer unless told (`local --rollout-every <s>`); Azure: MTLS_ROLLOUT_SCHEDULE, hourly. */
export const ROLLOUT_TICK_MS = 10_000;

/** The rollout timer, locally: the same trigger code applies the due waves of --auto plans every `everyMs`; returns its stop. */
export function startRolloutLoop(runtime: Runtime, log: Log, everyMs: number = ROLLOUT_TICK_MS): () => Promise<void> {
  const quiet = changesOnly(log);
  return startTickLoop('rollout timer', everyMs, () => runRolloutTimer(runtime, quiet), log);
}

/** The log without a line equal to the one before it: "no rollout wave due" once, not every tick. */
function changesOnly(log: Log): Log {
  let last = '';
  return (level, message, fields) => {
    const line = `${level} ${message}`;
    if (line === last) return;
    last = line;
    log(level, message, fields);
  };
}
