import type { BurnDownInput, RolloutReportInput } from '../report/index.js';
import type { EnforcerDeps } from './deps.js';
import type { SweepRunRecord } from '../model/index.js';
import { listRollouts } from './rolloutAccess.js';
import { planView } from './rolloutView.js';

/** Plans a report shows at most (newest first): the open ones are always among the recent. */
const PLANS_SHOWN = 20;

/**
 * The report's rollout input, when any plan exists: the plans, and per planned subscription the
 * baseline debt each finished sweep left, oldest run first: the debt the run counted, or for a run
 * recorded before runs counted it, its non-compliant apps (in enforce after the baseline that is
 * its debt: drift is reverted within the sweep; in audit it counts unreverted drift too).
 */
export async function loadRolloutReportInput(deps: EnforcerDeps, runs: readonly SweepRunRecord[]): Promise<RolloutReportInput | undefined> {
  if (!deps.rollouts) return undefined;
  const plans = (await listRollouts(deps, PLANS_SHOWN)).map(planView);
  if (plans.length === 0) return undefined;
  const planned = [...new Set(plans.flatMap((p) => p.subscriptions))].sort();
  const ordered = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const burnDown: BurnDownInput[] = planned.map((subscriptionId) => {
    const rows = ordered.map((run) => ({ run, row: run.subscriptions.find((s) => s.subscriptionId.toLowerCase() === subscriptionId && s.status === 'done') }));
    const name = rows.map((r) => r.row?.subscriptionName).find((n): n is string => !!n);
    const points = rows.flatMap(({ run, row }) => (row ? [{ runId: run.id, startedAt: run.startedAt, debt: row.debt ?? row.counts?.noncompliant ?? 0 }] : []));
    return { subscriptionId, ...(name ? { subscriptionName: name } : {}), points };
  });
  return { burnDown, plans };
}
