import { applyDueWaves, type Log } from '../enforcer/index.js';
import type { Runtime } from './runtime.js';

/** The rollout timer's work: apply each due wave of the --auto plans, and say what ran or what is next. */
export async function runRolloutTimer(runtime: Pick<Runtime, 'deps' | 'arm' | 'config'>, log: Log): Promise<void> {
  const { deps, arm, config } = runtime;
  const { applied, waiting } = await applyDueWaves({ ...deps, log }, arm, config.rollout.failureThreshold);
  for (const r of applied) {
    const why = [r.paused ? `plan paused: ${r.paused}` : '', r.stopped ?? ''].filter(Boolean).join('; ');
    log(why ? 'warn' : 'info', `rollout ${r.planId} wave ${r.wave}: ${r.status}${why ? `; ${why}` : ''}`);
  }
  if (applied.length === 0) log('info', `no rollout wave due${waiting.length > 0 ? `; next: ${waiting.map((w) => `${w.planId} wave ${w.wave} at ${w.notBefore}`).join(', ')}` : ''}`);
}
