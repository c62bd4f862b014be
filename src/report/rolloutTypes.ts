/** A rollout plan as shown (CLI, HTTP API, report): its waves with their apps, and the apps listed apart. */
export interface RolloutAppView {
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `site` or `site/slot`. */
  name: string;
  /** 1 internet-exposed and production, 2 internet-exposed, 3 production, 4 the rest (absent: listed apart). */
  tier?: number;
  owner?: string;
  internetExposed?: boolean;
  production?: boolean;
  /** pending, remediated, done-by-owner, skipped-exempt, deleted, unsupported-plan, remediation-denied, failed, superseded, excluded. */
  state: string;
  /** The finding's status (why it is listed apart, or what the wave's re-scan read). */
  status?: string;
  /** The exclusion reason, the refusal, the error. */
  detail?: string;
  guarded?: boolean;
}

export interface RolloutWaveView {
  number: number;
  notBefore: string;
  status: string;
  size: number;
  finishedAt?: string;
  counts?: Record<string, number>;
  apps: RolloutAppView[];
}

export interface RolloutPlanView {
  id: string;
  status: string;
  statusReason?: string;
  createdAt: string;
  createdBy: string;
  subscriptions: string[];
  waveSize: number;
  /** e.g. `7d` or `12h`. */
  every: string;
  auto: boolean;
  waves: RolloutWaveView[];
  excluded: RolloutAppView[];
}

/** One subscription's debt as each recent sweep counted it, oldest first (the burn-down). */
export interface BurnDownInput {
  subscriptionId: string;
  subscriptionName?: string;
  points: Array<{ runId: string; startedAt: string; debt: number }>;
}

/** What the report's rollout section reads. */
export interface RolloutReportInput {
  burnDown: BurnDownInput[];
  /** Active and paused plans, newest first. */
  plans: RolloutPlanView[];
}

/** Where an app stands in the newest plan naming it (joined onto the report's rows). */
export interface AppRollout {
  planId: string;
  wave: number;
  notBefore?: string;
  state: string;
  owner?: string;
}

/** The report's rollout section, as data (every format renders this). */
export interface RolloutSection {
  burnDown: BurnDownInput[];
  /** Active and paused plans, newest first. */
  plans: Array<{ id: string; status: string; statusReason?: string; createdAt: string; auto: boolean; waves: number; apps: number; appsDone: number }>;
  nextWave?: { planId: string; number: number; notBefore: string; size: number; owners: string[] };
  lastWave?: { planId: string; number: number; status: string; finishedAt: string; counts: Record<string, number> };
}
