import type { RolloutAppView, RolloutPlanView } from '../report/index.js';
import type { RolloutMemberRecord, RolloutRecord } from '../model/index.js';
import { planOrder } from '../rollout/index.js';
import { copyDefined } from '../shared/index.js';

const HOUR = 3_600_000;

/** `7d`, `12h`: the interval as `--every` takes it. */
export function everyText(ms: number): string {
  return ms % (24 * HOUR) === 0 ? `${ms / (24 * HOUR)}d` : `${Math.round(ms / HOUR)}h`;
}

/** The member fields a view shows when the record has them. */
const OPTIONAL_APP_FIELDS = ['tier', 'owner', 'internetExposed', 'production', 'status', 'detail', 'guarded'] as const;

function appView(m: RolloutMemberRecord): RolloutAppView {
  const view: RolloutAppView = { resourceId: m.resourceId, subscriptionId: m.subscriptionId, resourceGroup: m.resourceGroup, name: m.name, state: m.state };
  return copyDefined(view, m, OPTIONAL_APP_FIELDS);
}

export function planView(record: RolloutRecord): RolloutPlanView {
  const { plan } = record;
  const members = [...record.members].sort(planOrder);
  const view: RolloutPlanView = {
    id: plan.id, status: plan.status, createdAt: plan.createdAt, createdBy: plan.createdBy, subscriptions: plan.subscriptions,
    waveSize: plan.waveSize, every: everyText(plan.everyMs), auto: plan.auto,
    waves: record.waves.map((w) => ({
      number: w.number, notBefore: w.notBefore, status: w.status, size: w.size,
      ...(w.finishedAt ? { finishedAt: w.finishedAt } : {}),
      ...(w.counts ? { counts: w.counts as Record<string, number> } : {}),
      apps: members.filter((m) => m.wave === w.number).map(appView),
    })),
    excluded: members.filter((m) => m.wave === 0).map(appView),
  };
  if (plan.statusReason) view.statusReason = plan.statusReason;
  return view;
}
