import functions, { type InvocationContext, type Timer } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => Promise.all([import('../src/enforcer/index.js'), import('../src/triggers/index.js')]);

/** Applies each due wave of the rollout plans made with --auto, on its date and never before. */
export async function rolloutTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const [{ applyDueWaves }, { contextLog, sharedRuntime }] = await load();
  const log = contextLog(context);
  const { deps, arm, config } = await sharedRuntime(log);
  const { applied, waiting } = await applyDueWaves({ ...deps, log }, arm, config.rollout.failureThreshold);
  for (const r of applied) log(r.paused ? 'warn' : 'info', `rollout ${r.planId} wave ${r.wave}: ${r.status}${r.paused ? `; plan paused: ${r.paused}` : ''}`);
  if (applied.length === 0) log('info', `no rollout wave due${waiting.length > 0 ? `; next: ${waiting.map((w) => `${w.planId} wave ${w.wave} at ${w.notBefore}`).join(', ')}` : ''}`);
}

functions.app.timer('rolloutTimer', { schedule: '%MTLS_ROLLOUT_SCHEDULE%', handler: rolloutTimer });
