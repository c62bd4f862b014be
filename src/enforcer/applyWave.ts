import { InvalidInputError } from '../errors.js';
import { parseSiteId } from '../policy/index.js';
import { forEachLimited } from '../shared/index.js';
import type { EnforcerDeps } from './deps.js';
import { getRollout, requireRollouts } from './rolloutAccess.js';
import type { MemberState, RolloutMemberRecord, RolloutRecord, RolloutWaveRecord, WaveStatus } from '../model/index.js';
import { memberOutcome, predictOutcome, type Outcome } from './memberOutcome.js';
import { rescanMembers, type GroupLister } from './rescanMembers.js';
import { planOrder } from '../rollout/index.js';
import { subscriptionContext, type SubscriptionContext } from './subscriptionContext.js';
import { withLease } from './withLease.js';

export interface ApplyRequest {
  planId: string;
  wave: number;
  /** Apply before the wave's date. */
  force?: boolean;
  /** Read each member and say what would happen; no write to ARM or the tables. */
  dryRun?: boolean;
  by: string;
  /** A share (0..1) of failed members above which the plan pauses. */
  failureThreshold: number;
  /** Members worked at once (each one lease, one GET, at most one PATCH and its read-back). Default 8. */
  concurrency?: number;
  onMember?: (member: RolloutMemberRecord) => void;
}

export interface WaveResult {
  planId: string;
  wave: number;
  status: WaveStatus;
  dryRun: boolean;
  members: RolloutMemberRecord[];
  counts: Partial<Record<MemberState, number>>;
  /** Set when this wave paused its plan: why. */
  paused?: string;
  /**
   * Set when the wave stopped before its end because its lease was lost (taken over after it
   * expired, or renewals failing): why, and how many members were not started. Its members' rows
   * are written, its wave row and plan are left to whoever holds the lease (the wave stays
   * `applying`, so the next apply or timer run works the rest).
   */
  stopped?: string;
}

/** Members a wave (re)works: those not yet done, and those that failed on an earlier attempt. */
const OPEN: ReadonlySet<MemberState> = new Set(['pending', 'failed', 'remediation-denied']);
const FAILED: ReadonlySet<MemberState> = new Set(['failed', 'remediation-denied']);

/**
 * Apply one wave of a plan: each member is remediated through the drift path (lease, re-read,
 * one PATCH of the two client-cert fields, read-back, loop guard on its event), unless it is
 * already compliant, exempt, gone or on a Free/Shared plan; then the wave's resource groups are
 * listed once each to re-scan and record its members, and compliant members are marked guarded.
 */
export async function applyWave(deps: EnforcerDeps, lister: GroupLister, req: ApplyRequest): Promise<WaveResult> {
  if (req.dryRun) return applyHoldingLease(deps, lister, req);
  // One applier of a wave at a time (the timer and a person, two instances): the other is told, not run.
  // A wave can outlast one lease TTL: the lease is renewed while it runs, and once it is lost no member starts.
  return withLease(deps, `rollout/${req.planId}/wave/${req.wave}`, ({ signal }) => applyHoldingLease(deps, lister, req, signal), () => {
    throw new InvalidInputError(`wave ${req.wave} of plan ${req.planId} is being applied elsewhere right now; look again with 'rollout show ${req.planId}'`);
  }, { renew: true });
}

async function applyHoldingLease(deps: EnforcerDeps, lister: GroupLister, req: ApplyRequest, lease?: AbortSignal): Promise<WaveResult> {
  const record = await getRollout(deps, req.planId);
  const wave = checkApplicable(record, req, deps.clock());
  const members = record.members.filter((m) => m.wave === req.wave && OPEN.has(m.state));
  const startedAt = deps.clock().toISOString();
  if (!req.dryRun) await requireRollouts(deps).putWave({ ...wave, status: 'applying', startedAt, appliedBy: req.by });
  const contexts = new Map<string, Promise<SubscriptionContext>>();
  const contextOf = (s: string) => contexts.get(s) ?? contexts.set(s, subscriptionContext(deps, s)).get(s) as Promise<SubscriptionContext>;
  const cause = { id: `${req.planId}.w${req.wave}`, at: startedAt, source: 'rollout' as const };
  const worked: RolloutMemberRecord[] = [];
  await forEachLimited(members, req.concurrency ?? 8, async (member) => {
    const ref = parseSiteId(member.resourceId);
    const context = await contextOf(member.subscriptionId);
    // The lease may have been lost while the context was read: this member is then not started.
    if (lease?.aborted) return;
    const outcome: Outcome = !ref ? { state: 'failed', detail: 'not a site or slot id' }
      : context.mode === 'off' ? { state: 'failed', detail: `subscription ${member.subscriptionId} is in mode off: the enforcer does not act there` }
      : req.dryRun ? await predictOutcome(deps, ref, context)
      : await memberOutcome(deps, ref, context, cause);
    const done: RolloutMemberRecord = { ...member, state: outcome.state, updatedAt: deps.clock().toISOString() };
    if (outcome.detail) done.detail = outcome.detail;
    else delete done.detail;
    worked.push(done);
    req.onMember?.(done);
  }, lease);
  if (!req.dryRun && !lease?.aborted) await rescanMembers(deps, lister, worked, contextOf, { ...cause, id: `${cause.id}.rescan`, at: deps.clock().toISOString() });
  if (lease?.aborted) return leaseLost(deps, record, worked, req, members.length - worked.length, lease);
  return finish(deps, record, wave, worked, req);
}

/** The wave lost its lease: say so, keep what its members did, and leave the wave and plan rows to the lease's holder. */
async function leaseLost(deps: EnforcerDeps, record: RolloutRecord, worked: RolloutMemberRecord[], req: ApplyRequest, notStarted: number, lease: AbortSignal): Promise<WaveResult> {
  const { all, counts } = waveMembers(record, worked, req.wave);
  const why = lease.reason instanceof Error ? lease.reason.message : `lease on rollout/${req.planId}/wave/${req.wave} lost`;
  const reason = `wave ${req.wave} stopped: ${why}; ${notStarted} of ${worked.length + notStarted} members not started (the wave stays applying: applying it again works them, as the timer's next run does for an --auto plan)`;
  deps.log('warn', `rollout plan ${req.planId} ${reason}`, { planId: req.planId });
  // Each member's row is what happened to that app; failing to write them must not hide why the wave stopped.
  await requireRollouts(deps).putMembers(worked).catch((err: unknown) => {
    deps.log('warn', `rollout plan ${req.planId} wave ${req.wave}: the rows of its ${worked.length} worked members were not written: ${err instanceof Error ? err.message : String(err)}`, { planId: req.planId });
  });
  // The wave's stored status, which this applier no longer may change: `applying`, until an applier holding the lease finishes it.
  return { planId: req.planId, wave: req.wave, status: 'applying', dryRun: false, members: all, counts, stopped: reason };
}

/** The wave's members, each as worked now or as stored, in plan order, and how many are in each state. */
function waveMembers(record: RolloutRecord, worked: RolloutMemberRecord[], wave: number): { all: RolloutMemberRecord[]; counts: Partial<Record<MemberState, number>> } {
  const byKey = new Map(worked.map((w) => [w.key, w]));
  const all = record.members.filter((m) => m.wave === wave).map((m) => byKey.get(m.key) ?? m).sort(planOrder);
  const counts: Partial<Record<MemberState, number>> = {};
  for (const m of all) counts[m.state] = (counts[m.state] ?? 0) + 1;
  return { all, counts };
}

function checkApplicable(record: RolloutRecord, req: ApplyRequest, now: Date): RolloutWaveRecord {
  const { plan } = record;
  if (plan.status !== 'active') throw new InvalidInputError(`plan ${plan.id} is ${plan.status}${plan.statusReason ? ` (${plan.statusReason})` : ''}: ${plan.status === 'paused' ? 'resume it first' : 'no wave of it runs'}`);
  const wave = record.waves.find((w) => w.number === req.wave);
  if (!wave) throw new InvalidInputError(`plan ${plan.id} has no wave ${req.wave} (waves 1-${record.waves.length})`);
  if (wave.status === 'done' || wave.status === 'superseded') throw new InvalidInputError(`wave ${req.wave} of plan ${plan.id} is ${wave.status}`);
  if (!req.force && now.getTime() < Date.parse(wave.notBefore)) {
    throw new InvalidInputError(`wave ${req.wave} of plan ${plan.id} is not due until ${wave.notBefore} (its owners were told that date); pass --now to apply it earlier`);
  }
  return wave;
}

async function finish(deps: EnforcerDeps, record: RolloutRecord, wave: RolloutWaveRecord, worked: RolloutMemberRecord[], req: ApplyRequest): Promise<WaveResult> {
  const { all, counts } = waveMembers(record, worked, req.wave);
  const failed = all.filter((m) => FAILED.has(m.state));
  const status: WaveStatus = failed.length === 0 ? 'done' : failed.length === all.length ? 'failed' : 'partial';
  const result: WaveResult = { planId: req.planId, wave: req.wave, status, dryRun: !!req.dryRun, members: all, counts };
  const share = all.length > 0 ? failed.length / all.length : 0;
  if (share > req.failureThreshold) {
    const first = failed.slice(0, 3).map((m) => `${m.name}: ${m.detail ?? m.state}`).join('; ');
    result.paused = `wave ${req.wave}: ${failed.length} of ${all.length} members failed (${Math.round(share * 100)} %), over the ${Math.round(req.failureThreshold * 100)} % threshold (${first})`;
  }
  if (req.dryRun) return result;
  const rollouts = requireRollouts(deps);
  const nowIso = deps.clock().toISOString();
  await rollouts.putMembers(worked);
  await rollouts.putWave({ ...wave, status, appliedBy: req.by, startedAt: wave.startedAt ?? nowIso, finishedAt: nowIso, counts });
  const open = record.waves.some((w) => w.number !== req.wave && (w.status === 'pending' || w.status === 'applying'));
  if (result.paused) await rollouts.putPlan({ ...record.plan, status: 'paused', statusReason: result.paused, updatedAt: nowIso });
  else if (!open && status === 'done') await rollouts.putPlan({ ...record.plan, status: 'done', updatedAt: nowIso });
  if (result.paused) deps.log('warn', `rollout plan ${req.planId} paused: ${result.paused}`, { planId: req.planId });
  return result;
}
