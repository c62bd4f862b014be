import functions, { type InvocationContext, type Timer } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => import('../src/triggers/index.js');

/** Applies each due wave of the rollout plans made with --auto, on its date and never before. */
export async function rolloutTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { contextLog, runRolloutTimer, sharedRuntime } = await load();
  const log = contextLog(context);
  await runRolloutTimer(await sharedRuntime(log), log);
}

functions.app.timer('rolloutTimer', { schedule: '%MTLS_ROLLOUT_SCHEDULE%', handler: rolloutTimer });
