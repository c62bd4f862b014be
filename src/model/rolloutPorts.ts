import type { Status } from '../policy/index.js';
import type { Tier } from '../rollout/index.js';

/** active: waves run (by hand, or on their date with auto); paused: none runs until resumed. */
export type PlanStatus = 'active' | 'paused' | 'cancelled' | 'superseded' | 'done';
/** partial: some members failed (denied, errors); failed: none could be worked. */
export type WaveStatus = 'pending' | 'applying' | 'done' | 'partial' | 'failed' | 'superseded';
/**
 * A member's state: `pending` until its wave runs; then what its wave found or did. `excluded`
 * rows (wave 0) are the apps the plan lists apart (exempt, unsupported plan, not applicable).
 */
export type MemberState =
  | 'pending'
  | 'remediated'
  | 'done-by-owner'
  | 'skipped-exempt'
  | 'not-applicable'
  | 'deleted'
  | 'unsupported-plan'
  | 'remediation-denied'
  | 'failed'
  | 'superseded'
  | 'excluded';

export interface RolloutPlanRecord {
  id: string;
  createdAt: string;
  createdBy: string;
  /** Lowercased subscription ids the plan covers. */
  subscriptions: string[];
  waveSize: number;
  everyMs: number;
  /** The rollout timer applies each wave on its date. */
  auto: boolean;
  status: PlanStatus;
  /** Why it is paused, cancelled or superseded (e.g. the failure threshold a wave passed). */
  statusReason?: string;
  updatedAt: string;
  /**
   * Set by the notify timer once the plan can give no more notices and every one was given (see
   * src/triggers/waveNotices.ts): from then on its tick reads this row of the plan and nothing more.
   * Only a hint: a plan rewritten without it is read again, and the outbox's markers still keep
   * each notice to once.
   */
  noticesGivenAt?: string;
}

export interface RolloutWaveRecord {
  planId: string;
  number: number;
  notBefore: string;
  size: number;
  status: WaveStatus;
  appliedBy?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Members by state after the wave ran. */
  counts?: Partial<Record<MemberState, number>>;
}

export interface RolloutMemberRecord {
  planId: string;
  /** 0 for an app listed apart (state `excluded`). */
  wave: number;
  /** Lowercased ARM id. */
  key: string;
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Absent for excluded apps. */
  tier?: Tier;
  owner?: string;
  internetExposed?: boolean;
  production?: boolean;
  state: MemberState;
  /** The finding's status that put an app apart, or the last status a wave read. */
  status?: Status;
  /** Why: the exclusion reason, the denied action, the error. */
  detail?: string;
  /** Compliant after its wave's re-scan: from then on a regression is drift, reverted at once. */
  guarded?: boolean;
  updatedAt?: string;
}

export interface RolloutRecord {
  plan: RolloutPlanRecord;
  waves: RolloutWaveRecord[];
  members: RolloutMemberRecord[];
}

/** Table `Rollouts`: per plan (one partition) the plan row, a row per wave and a row per member. */
export interface RolloutsPort {
  /** Writes a whole new plan (plan row last: a plan is listed only once complete). */
  create(record: RolloutRecord): Promise<void>;
  get(planId: string): Promise<RolloutRecord | undefined>;
  /** Every plan row, newest first. */
  listPlans(): Promise<RolloutPlanRecord[]>;
  /** A plan's wave rows alone, in order (empty for no such plan). */
  getWaves(planId: string): Promise<RolloutWaveRecord[]>;
  /** The member rows of one wave of a plan. */
  getWaveMembers(planId: string, wave: number): Promise<RolloutMemberRecord[]>;
  /** Sets the plan row's `noticesGivenAt` and nothing else of it (no-op for no such plan). */
  markNoticesGiven(planId: string, at: string): Promise<void>;
  putPlan(plan: RolloutPlanRecord): Promise<void>;
  putWave(wave: RolloutWaveRecord): Promise<void>;
  putMembers(members: readonly RolloutMemberRecord[]): Promise<void>;
}
