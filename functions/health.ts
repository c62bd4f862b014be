import functions, { type InvocationContext, type Timer } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => import('../src/triggers/index.js');

/** Every 15 minutes: poison-queue and dead-letter counts as telemetry (the alert rules count them), stale sweep runs finished. */
export async function healthTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { checkHealth, contextLog, sharedRuntime } = await load();
  const log = contextLog(context);
  await checkHealth(await sharedRuntime(log), log);
}

functions.app.timer('healthTimer', { schedule: '0 */15 * * * *', handler: healthTimer });
