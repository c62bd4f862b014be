import functions, { type InvocationContext, type Timer } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => Promise.all([import('../src/enforcer/index.js'), import('../src/triggers/index.js')]);

/** Nightly: record a run and fan out one queue message per subscription. */
export async function sweepTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const [{ planSweep }, { contextLog, sharedRuntime, sweepTargets }] = await load();
  const log = contextLog(context);
  const { deps, config, sweepQueue, subscriptions } = await sharedRuntime(log);
  const { targets, off, source, names } = await sweepTargets(deps, config.sweep.subscriptions, subscriptions);
  if (off.length > 0) log('info', `sweep skips ${off.length} subscription(s) in mode off: ${off.join(', ')}`);
  if (targets.length === 0) {
    log('warn', `sweep has no subscription to cover (${source === 'configured' ? 'MTLS_SUBSCRIPTIONS lists only subscriptions in mode off' : 'the identity can read no active subscription outside mode off'})`);
    return;
  }
  await planSweep({ ...deps, log }, sweepQueue, targets, 'timer', names);
}

/** One subscription per message, so the sweep scales out across instances. */
export async function sweepWorker(message: unknown, context: InvocationContext): Promise<void> {
  const [, { contextLog, handleSweepJob, sharedRuntime }] = await load();
  const log = contextLog(context);
  const { deps, arm } = await sharedRuntime(log);
  await handleSweepJob({ ...deps, log }, arm, message, context);
}

functions.app.timer('sweepTimer', { schedule: '%MTLS_SWEEP_SCHEDULE%', handler: sweepTimer });
functions.app.storageQueue('sweepWorker', { queueName: '%MTLS_SWEEP_QUEUE%', connection: 'AzureWebJobsStorage', handler: sweepWorker });
