import { subscriptionLabel, withSubscriptionName, type NameOf } from './subscriptionNames.js';
import { nonCompliance, sumNonCompliance } from './nonCompliance.js';
import type { ReportRun, ReportRunSubscription, RunInput, RunState, SubscriptionRunInput } from './types.js';

/**
 * The run's state and the banners it calls for. A run is only `complete` when it says so and no
 * subscription failed: a worker that died, or one that gave up, leaves counts short, and a
 * report that looks green then would hide exactly the apps nobody looked at.
 */
export function runSection(run: RunInput | undefined, nameOf: NameOf = () => undefined): { runState: RunState; run?: ReportRun; warnings: string[] } {
  if (!run) return { runState: 'unknown', warnings: [] };
  const failed = run.subscriptions.filter((s) => s.status === 'failed').map((s) => s.subscriptionId);
  const pending = run.subscriptions.filter((s) => s.status === 'pending').map((s) => s.subscriptionId);
  const subscriptions = run.subscriptions.map((s) => withSubscriptionName(runSubscription(s), nameOf));
  const split = subscriptions.flatMap((s) => (s.nonCompliance ? [s.nonCompliance] : []));
  const section: ReportRun = { ...run, subscriptions, ...(split.length > 0 ? { nonCompliance: sumNonCompliance(split) } : {}), failed, pending };
  const warnings: string[] = [];
  if (run.status === 'incomplete') {
    warnings.push(`INCOMPLETE SWEEP: run ${run.id} did not finish; counts miss the apps of ${shortBy(failed, pending)}.`);
  } else if (run.status === 'running') {
    warnings.push(`SWEEP STILL RUNNING: run ${run.id} has not finished; counts are partial (${pending.length} subscription(s) pending).`);
  } else if (failed.length > 0) {
    warnings.push(`INCOMPLETE SWEEP: run ${run.id} finished but ${failed.length} subscription(s) failed; counts miss their apps.`);
  }
  for (const sub of subscriptions) {
    if (sub.status === 'failed') warnings.push(`Subscription ${subscriptionLabel(sub)} failed: ${sub.error ?? 'no reason recorded'}`);
  }
  const runState: RunState = run.status === 'running' ? 'running' : run.status === 'incomplete' || failed.length > 0 ? 'incomplete' : 'complete';
  return { runState, run: section, warnings };
}

/** The subscription's row with its non-compliance split (debt vs drift) in place of the raw counts. */
function runSubscription({ noncompliant, debt, ...rest }: SubscriptionRunInput): ReportRunSubscription {
  return noncompliant === undefined ? rest : { ...rest, nonCompliance: nonCompliance(noncompliant, debt) };
}

function shortBy(failed: string[], pending: string[]): string {
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`${failed.length} failed subscription(s)`);
  if (pending.length > 0) parts.push(`${pending.length} unfinished subscription(s)`);
  return parts.length > 0 ? parts.join(' and ') : 'subscriptions the run did not record';
}
