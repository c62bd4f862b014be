import { InvalidInputError } from '../errors.js';
import { planRollout, type RolloutPlan, type RolloutRules } from '../rollout/index.js';
import type { Finding } from '../model/index.js';
import { scheduleOnFindings } from './scheduleOnFindings.js';
import type { EnforcerDeps } from './deps.js';
import { checkSubscriptionId } from './manageSettings.js';
import { requireRollouts } from './rolloutAccess.js';
import type { RolloutMemberRecord, RolloutRecord } from '../model/index.js';
import { subscriptionContext } from './subscriptionContext.js';

export interface PlanRequest {
  /** Subscriptions to cover; none: every subscription with findings (those in mode off are left out). */
  subscriptions?: readonly string[];
  waveSize: number;
  firstWaveAt: Date;
  everyMs: number;
  auto: boolean;
  rules: RolloutRules;
  by: string;
  /** Plan and show, store nothing, supersede nothing. */
  dryRun?: boolean;
}

export interface PlanResult {
  plan: RolloutPlan;
  record: RolloutRecord;
  /** Plans whose pending members in these subscriptions this plan replaced. */
  superseded: string[];
  /** Subscriptions left out because they are in mode off. */
  off: string[];
}

/**
 * Plan the debt of the current findings into waves and store the plan. One active plan per
 * subscription: earlier plans keep the waves already applied; their pending members in these
 * subscriptions are superseded (the new plan holds whatever is still debt).
 */
export async function createRolloutPlan(deps: EnforcerDeps, req: PlanRequest): Promise<PlanResult> {
  if (!Number.isInteger(req.waveSize) || req.waveSize < 1 || req.waveSize > 5000) throw new InvalidInputError(`--wave-size must be 1-5000, got ${req.waveSize}`);
  if (Number.isNaN(req.firstWaveAt.getTime())) throw new InvalidInputError('--first-wave-at must be an ISO date, e.g. 2027-01-11T08:00:00Z');
  const now = deps.clock();
  const findings: Finding[] = [];
  const requested = req.subscriptions?.map((s) => checkSubscriptionId(s).toLowerCase());
  for (const subscriptionId of requested ?? [undefined]) {
    for await (const f of deps.findings.list(subscriptionId ? { subscriptionId } : {})) findings.push(f);
  }
  const candidates = [...new Set(requested ?? findings.map((f) => f.subscriptionId.toLowerCase()))];
  const off: string[] = [];
  for (const s of candidates) if ((await subscriptionContext(deps, s)).mode === 'off') off.push(s);
  const subscriptions = candidates.filter((s) => !off.includes(s));
  const plan = planRollout(findings, req.rules, { id: newPlanId(now, deps.newId()), now, waveSize: req.waveSize, firstWaveAt: req.firstWaveAt, everyMs: req.everyMs, auto: req.auto, subscriptions });
  const record = toRecord(plan, req.by);
  if (req.dryRun) return { plan, record, superseded: [], off };
  const superseded = await supersedePending(deps, plan.subscriptions, plan.id, now.toISOString());
  await requireRollouts(deps).create(record);
  // The findings say their wave and date (what owners are told); the plan stays the one that decides.
  const waveOf = new Map(plan.waves.flatMap((w) => w.apps.map((a) => [a.key, { wave: w.number, planId: plan.id, notBefore: w.notBefore }] as const)));
  await scheduleOnFindings(deps, findings.filter((f): f is Finding => waveOf.has(f.key)), (key) => waveOf.get(key));
  return { plan, record, superseded, off };
}

/** `rp-20261204t1405-1a2b3c`: readable, sorts by time, unique by the id suffix. */
export function newPlanId(now: Date, unique: string): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').toLowerCase();
  return `rp-${stamp}-${unique.replace(/[^A-Za-z0-9]/g, '').slice(0, 6).toLowerCase()}`;
}

function toRecord(plan: RolloutPlan, by: string): RolloutRecord {
  const members: RolloutMemberRecord[] = plan.waves.flatMap((w) => w.apps.map((a) => ({ planId: plan.id, wave: w.number, state: 'pending' as const, ...a })));
  for (const e of plan.excluded) {
    const { reason, ...app } = e;
    members.push({ planId: plan.id, wave: 0, state: 'excluded', detail: reason, ...app });
  }
  return {
    plan: { id: plan.id, createdAt: plan.createdAt, createdBy: by, subscriptions: plan.subscriptions, waveSize: plan.waveSize, everyMs: plan.everyMs, auto: plan.auto, status: 'active', updatedAt: plan.createdAt },
    waves: plan.waves.map((w) => ({ planId: plan.id, number: w.number, notBefore: w.notBefore, size: w.apps.length, status: 'pending' as const })),
    members,
  };
}

async function supersedePending(deps: EnforcerDeps, subscriptions: readonly string[], by: string, nowIso: string): Promise<string[]> {
  const rollouts = requireRollouts(deps);
  const covered = new Set(subscriptions);
  const touched: string[] = [];
  for (const head of await rollouts.listPlans()) {
    if (head.status !== 'active' && head.status !== 'paused') continue;
    if (!head.subscriptions.some((s) => covered.has(s))) continue;
    const old = await rollouts.get(head.id);
    if (!old) continue;
    const replaced = old.members.filter((m) => m.state === 'pending' && covered.has(m.subscriptionId.toLowerCase()));
    if (replaced.length === 0) continue;
    touched.push(head.id);
    await rollouts.putMembers(replaced.map((m) => ({ ...m, state: 'superseded' as const, detail: `replanned in ${by}`, updatedAt: nowIso })));
    const stillPending = new Set(old.members.filter((m) => m.state === 'pending' && !covered.has(m.subscriptionId.toLowerCase())).map((m) => m.wave));
    for (const w of old.waves) if (w.status === 'pending' && !stillPending.has(w.number)) await rollouts.putWave({ ...w, status: 'superseded' });
    if (stillPending.size === 0) await rollouts.putPlan({ ...head, status: 'superseded', statusReason: `pending waves replaced by ${by}`, updatedAt: nowIso });
  }
  return touched;
}
