import type { PlanStatus, RolloutPlanRecord, RolloutsPort, RolloutWaveRecord } from '../enforcer/index.js';
import type { OnceNotice } from '../store/index.js';

const DAY_MS = 86_400_000;

/** Plans no wave of which runs again (a paused plan may be resumed). */
const FINAL: ReadonlySet<PlanStatus> = new Set(['done', 'cancelled', 'superseded']);
/** A final plan is marked only this long after its last change: by then an applier that read it still active has long written its wave `applying`. */
const QUIET_MS = 3_600_000;
const FINISHED: ReadonlySet<RolloutWaveRecord['status']> = new Set(['done', 'partial', 'failed']);

/** A notice a wave may owe (its key is known from the wave row; its text needs the wave's members). */
export interface WaveCandidate {
  key: string;
  kind: 'wave-notice' | 'wave-result';
  plan: RolloutPlanRecord;
  wave: RolloutWaveRecord;
}

/** A plan the notify tick still reads: the notices its waves may owe, and whether it can give any more after them. */
export interface OpenPlan {
  plan: RolloutPlanRecord;
  candidates: WaveCandidate[];
  /** Final, quiet, no wave applying: once its candidates are given it is marked and not read again. */
  settles: boolean;
}

/**
 * Plan rows (one query), then the wave rows of each plan not yet marked `noticesGivenAt` (one
 * query each): a wave of an active plan within `noticeDays` of its date may owe a `wave-notice`,
 * a finished wave its `wave-result`. Members are not read here.
 */
export async function openPlans(rollouts: RolloutsPort, now: Date, noticeDays: number): Promise<OpenPlan[]> {
  const out: OpenPlan[] = [];
  for (const plan of await rollouts.listPlans()) {
    if (plan.noticesGivenAt) continue;
    const waves = await rollouts.getWaves(plan.id);
    const candidates: WaveCandidate[] = [];
    for (const wave of waves) {
      const due = Date.parse(wave.notBefore) - now.getTime();
      if (plan.status === 'active' && wave.status === 'pending' && due > 0 && due <= noticeDays * DAY_MS) candidates.push({ key: `wave-notice|${plan.id}|${wave.number}`, kind: 'wave-notice', plan, wave });
      if (FINISHED.has(wave.status)) candidates.push({ key: `wave-result|${plan.id}|${wave.number}`, kind: 'wave-result', plan, wave });
    }
    const quiet = now.getTime() - Date.parse(plan.updatedAt) >= QUIET_MS;
    out.push({ plan, candidates, settles: FINAL.has(plan.status) && quiet && !waves.some((w) => w.status === 'applying') });
  }
  return out;
}

/** The notice itself, listing the wave's owners: reads that wave's members (one query). */
export async function waveNotice(rollouts: RolloutsPort, { key, kind, plan, wave }: WaveCandidate, now: Date): Promise<OnceNotice> {
  const members = await rollouts.getWaveMembers(plan.id, wave.number);
  const owners = [...new Set(members.map((m) => m.owner ?? 'no owner tag'))].sort().join(', ');
  const base = { key, kind, resourceId: `plan ${plan.id} wave ${wave.number}`, subscriptionId: plan.subscriptions.length === 1 ? (plan.subscriptions[0] as string) : '', at: now.toISOString() };
  if (kind === 'wave-notice') return { ...base, status: `on ${wave.notBefore}`, detail: `${members.length} app(s) get client certificates Required; owners: ${owners}` };
  const counts = Object.entries(wave.counts ?? {}).map(([state, n]) => `${state} ${n}`).join(', ');
  return { ...base, status: wave.status, detail: `${counts || 'no members'}; owners: ${owners}` };
}
