import { InvalidInputError } from '../errors.js';
import type { Finding } from '../model/index.js';
import type { EnforcerDeps } from './deps.js';
import { scheduleOnFindings } from './scheduleOnFindings.js';
import type { PlanStatus, RolloutRecord, RolloutsPort } from '../model/index.js';

/** The Rollouts table; deps built for the event path alone have none. */
export function requireRollouts(deps: Pick<EnforcerDeps, 'rollouts'>): RolloutsPort {
  if (!deps.rollouts) throw new Error('these deps have no Rollouts table (built without a store)');
  return deps.rollouts;
}

export async function getRollout(deps: EnforcerDeps, planId: string): Promise<RolloutRecord> {
  const record = await requireRollouts(deps).get(planId);
  if (!record) throw new InvalidInputError(`no rollout plan ${planId} (see 'mtls-enforcer rollout list')`);
  return record;
}

/** Plans newest first, each read whole; with `limit`, only the newest that many are read. */
export async function listRollouts(deps: EnforcerDeps, limit?: number): Promise<RolloutRecord[]> {
  const rollouts = requireRollouts(deps);
  const out: RolloutRecord[] = [];
  for (const head of (await rollouts.listPlans()).slice(0, limit)) {
    const record = await rollouts.get(head.id);
    if (record) out.push(record);
  }
  return out;
}

const ALLOWED: Record<'pause' | 'resume' | 'cancel', { from: PlanStatus[]; to: PlanStatus }> = {
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  cancel: { from: ['active', 'paused'], to: 'cancelled' },
};

/** pause, resume or cancel a plan; who and when go on the plan row. */
export async function changeRolloutStatus(deps: EnforcerDeps, planId: string, action: keyof typeof ALLOWED, by: string): Promise<RolloutRecord> {
  const record = await getRollout(deps, planId);
  const rule = ALLOWED[action];
  if (!rule.from.includes(record.plan.status)) throw new InvalidInputError(`cannot ${action} plan ${planId}: it is ${record.plan.status}`);
  record.plan = { ...record.plan, status: rule.to, statusReason: `${action}d by ${by}`, updatedAt: deps.clock().toISOString() };
  if (rule.to === 'active') delete record.plan.statusReason;
  await requireRollouts(deps).putPlan(record.plan);
  if (rule.to === 'cancelled') {
    // Nothing will fix these on the dates they were given: their findings stop saying so.
    const pending = record.members.filter((m) => m.state === 'pending');
    const rows = (await Promise.all(pending.map((m) => deps.findings.get(m.key)))).filter((f): f is Finding => f?.debt?.planId === planId);
    await scheduleOnFindings(deps, rows, () => undefined);
  }
  return record;
}
