import { planSweep } from '../enforcer/index.js';
import type { Log } from '../enforcer/index.js';
import { sharedRuntime } from './runtime.js';
import { sweepTargets } from './sweepTargets.js';

/** Nightly: resolve the targets, record a run and fan out one queue message per subscription. */
export async function runSweepTimer(log: Log): Promise<void> {
  const { deps, config, sweepQueue, subscriptions } = await sharedRuntime(log);
  const { targets, off, source, names } = await sweepTargets(deps, config.sweep.subscriptions, subscriptions);
  if (off.length > 0) log('info', `sweep skips ${off.length} subscription(s) in mode off: ${off.join(', ')}`);
  if (targets.length === 0) {
    log('warn', `sweep has no subscription to cover (${source === 'configured' ? 'MTLS_SUBSCRIPTIONS lists only subscriptions in mode off' : 'the identity can read no active subscription outside mode off'})`);
    return;
  }
  await planSweep({ ...deps, log }, sweepQueue, targets, 'timer', names);
}
