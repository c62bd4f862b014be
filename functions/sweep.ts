import functions, { type InvocationContext, type Timer } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => import('../src/triggers/index.js');

/** Nightly: record a run and fan out one queue message per subscription. */
export async function sweepTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { contextLog, runSweepTimer } = await load();
  await runSweepTimer(contextLog(context));
}

/** One subscription per message, so the sweep scales out across instances. */
export async function sweepWorker(message: unknown, context: InvocationContext): Promise<void> {
  const { contextLog, handleSweepJob, sharedRuntime } = await load();
  const log = contextLog(context);
  const { deps, arm } = await sharedRuntime(log);
  await handleSweepJob({ ...deps, log }, arm, message, context);
}

functions.app.timer('sweepTimer', { schedule: '%MTLS_SWEEP_SCHEDULE%', handler: sweepTimer });
functions.app.storageQueue('sweepWorker', { queueName: '%MTLS_SWEEP_QUEUE%', connection: 'AzureWebJobsStorage', handler: sweepWorker });
