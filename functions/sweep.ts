import functions, { type InvocationContext, type Timer } from '@azure/functions';
import { planSweep } from '../src/enforcer/index.js';
import { contextLog, handleSweepJob, sharedRuntime, sweepTargets } from '../src/triggers/index.js';

/** Nightly: record a run and fan out one queue message per subscription. */
export async function sweepTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const log = contextLog(context);
  const { deps, config, sweepQueue } = await sharedRuntime(log);
  await planSweep({ ...deps, log }, sweepQueue, await sweepTargets(deps, config.sweep.subscriptions), 'timer');
}

/** One subscription per message, so the sweep scales out across instances. */
export async function sweepWorker(message: unknown, context: InvocationContext): Promise<void> {
  const log = contextLog(context);
  const { deps, arm } = await sharedRuntime(log);
  await handleSweepJob({ ...deps, log }, arm, message, context);
}

functions.app.timer('sweepTimer', { schedule: '%MTLS_SWEEP_SCHEDULE%', handler: sweepTimer });
functions.app.storageQueue('sweepWorker', { queueName: '%MTLS_SWEEP_QUEUE%', connection: 'AzureWebJobsStorage', handler: sweepWorker });
