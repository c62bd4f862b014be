import type { Reason, Status } from '../policy/index.js';
import type { Finding } from '../model/index.js';
import type { NonCompliance } from './nonCompliance.js';
import type { AppRollout, RolloutReportInput, RolloutSection } from './rolloutTypes.js';

export type ReportFormat = 'json' | 'csv' | 'markdown' | 'html';
export type AppKind = 'web app' | 'function app' | 'logic app' | 'other';
export type Target = 'site' | 'slot';
export type RunStatus = 'complete' | 'incomplete' | 'running';
export type SubscriptionRunStatus = 'done' | 'failed' | 'pending' | 'off';

/** An exemption from the register, as the report needs it. */
export interface ExemptionInput {
  scopeDisplay: string;
  owner: string;
  expiresAt: string;
  reason: string;
  category: string;
  /** Who approved it (the API's caller identity, or the CLI's actor). */
  approver?: string;
}

export interface SubscriptionRunInput {
  subscriptionId: string;
  /** Display name, from the listing that planned the run. */
  subscriptionName?: string;
  status: SubscriptionRunStatus;
  error?: string;
  evaluated?: number;
  /** Non-compliant apps the sweep of this subscription counted (absent: it recorded no counts). */
  noncompliant?: number;
  /** Of those, baseline debt; absent on runs recorded before sweeps counted it (unknown). */
  debt?: number;
}

export interface RunInput {
  id: string;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  subscriptions: SubscriptionRunInput[];
}

export interface SubscriptionModeInput {
  mode: string;
  allowedModes: string[];
  /** Who set them last (an identity from the API, or the CLI's actor). */
  updatedBy?: string;
}

/** One past sweep run, for the trend: its state and its per-status counts summed over subscriptions. */
export interface TrendRunInput {
  runId: string;
  startedAt: string;
  status: RunStatus;
  counts: Record<string, number>;
}

/** One column of the trend: compliance of the resources a run evaluated. */
export interface TrendPoint {
  runId: string;
  startedAt: string;
  status: RunStatus;
  compliant: number;
  /** Non-compliant or flapping. */
  failing: number;
  /** Every other status (exempt, unsupported plan, not applicable, error, deleted). */
  other: number;
  /** compliant / (compliant + failing), in percent with one decimal; null when neither was seen. */
  compliancePercent: number | null;
}

export interface ReportInput {
  findings: Finding[];
  /** The last sweep runs, oldest first, the report's own run last: compliance across sweeps. */
  trend?: TrendRunInput[];
  /** Findings as of the last sweep, for new/fixed; without it the report makes no such claim. */
  previous?: Finding[];
  exemptions?: ExemptionInput[];
  run?: RunInput;
  subscriptionModes?: Record<string, SubscriptionModeInput>;
  /** Display names by subscription id, for subscriptions the run does not name (earlier runs named them). */
  subscriptionNames?: Record<string, string>;
  /** Rollout plans and the debt of their subscriptions across the sweeps: the report's rollout section. */
  rollout?: RolloutReportInput;
}

export interface StatusCounts {
  total: number;
  /** Every status, in a fixed order, zeros included: stable JSON and columns. */
  byStatus: Record<Status, number>;
}

export interface SubscriptionCounts extends StatusCounts {
  subscriptionId: string;
  subscriptionName?: string;
  mode?: string;
  allowedModes?: string[];
  /** Who set the mode last. */
  modeSetBy?: string;
}

export interface DriftAge {
  /** `firstNonCompliantAt` as stored. */
  since: string;
  /** Whole hours of drift (floor). */
  hours: number;
  /** Whole days of drift (floor). */
  days: number;
  /** e.g. `3d 4h`. */
  label: string;
}

/** One finding with what the report derives from it. */
export interface ReportApp
  extends Pick<Finding, 'key' | 'resourceId' | 'subscriptionId' | 'resourceGroup' | 'site' | 'slot' | 'kind' | 'sku' | 'status' | 'reasons' | 'clientCertEnabled' | 'clientCertMode' | 'lastEvaluatedAt'> {
  subscriptionName?: string;
  appKind: AppKind;
  target: Target;
  /** The portal's name for the setting ("Ignore" whenever disabled). */
  portalMode: string;
  exclusionPaths: string[];
  drift?: DriftAge;
  lastCaller?: string;
  /** Its place in the newest rollout plan naming it (with a rollout section only). */
  rollout?: AppRollout;
}

/** A resource that started or stopped failing between the last sweep and now. */
export interface ReportChange {
  resourceId: string;
  subscriptionId: string;
  subscriptionName?: string;
  site: string;
  slot?: string;
  before: Status | 'absent';
  now: Status | 'absent';
  /** The failing reasons: current ones for a new failure, the former ones for a fix. */
  reasons: Reason[];
}

export interface ExpiringExemption extends ExemptionInput {
  hoursLeft: number;
  daysLeft: number;
}

export interface AllowedModesChoice {
  subscriptionId: string;
  subscriptionName?: string;
  mode: string;
  allowedModes: Array<{ api: string; portal: string }>;
}

/** How far the report can be trusted: only `complete` may be shown as green. */
export type RunState = 'complete' | 'incomplete' | 'running' | 'unknown';

/** A subscription of the run as reports show it: its non-compliance split instead of the raw counts. */
export interface ReportRunSubscription extends Omit<SubscriptionRunInput, 'noncompliant' | 'debt'> {
  /** Absent when the subscription recorded no counts (pending, failed). */
  nonCompliance?: NonCompliance;
}

export interface ReportRun extends Omit<RunInput, 'subscriptions'> {
  subscriptions: ReportRunSubscription[];
  /** Summed over the subscriptions that recorded counts; absent when none did. */
  nonCompliance?: NonCompliance;
  failed: string[];
  pending: string[];
}

export interface Report {
  generatedAt: string;
  runState: RunState;
  run?: ReportRun;
  /** Banners every format shows first (incomplete or running sweep, failed subscriptions). */
  warnings: string[];
  totals: StatusCounts;
  bySubscription: SubscriptionCounts[];
  byKind: Record<AppKind, StatusCounts>;
  byTarget: Record<Target, StatusCounts>;
  /** Every finding, ordered by resource id. */
  apps: ReportApp[];
  /** Non-compliant and flapping apps, longest drift first. */
  attention: ReportApp[];
  /** Absent when no previous sweep was given. */
  changes?: { new: ReportChange[]; fixed: ReportChange[] };
  expiringExemptions: ExpiringExemption[];
  unsupportedPlan: ReportApp[];
  errors: ReportApp[];
  nonDefaultModes: AllowedModesChoice[];
  /** Compliance across the last sweeps, oldest first; absent when no run was given. */
  trend?: TrendPoint[];
  /** Burn-down, open plans, next and last wave; absent when no rollout plan exists. */
  rollout?: RolloutSection;
}
