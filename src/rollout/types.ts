import type { Reason, SiteRef, StandingRow, Status } from '../policy/index.js';

/** Which tags say production and owner (from the deployment's settings). */
export interface RolloutRules {
  productionTags: readonly string[];
  productionValues: readonly string[];
  ownerTags: readonly string[];
}

/**
 * The part of a stored finding a plan reads (a `Finding` is one): the site or slot's parts as
 * `parseSiteId` gives them, and its standing markers, read by policy's `isGuarded`.
 */
export interface PlanCandidate extends StandingRow, Omit<SiteRef, 'id'> {
  resourceId: string;
  reasons: readonly Reason[];
  publicNetworkAccess?: string;
  tags?: Readonly<Record<string, string>>;
}

/** 1 internet-exposed and production, 2 internet-exposed, 3 production, 4 the rest. */
export type Tier = 1 | 2 | 3 | 4;

export interface PlannedApp {
  /** Lowercased ARM id. */
  key: string;
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `site` or `site/slot`. */
  name: string;
  tier: Tier;
  owner?: string;
  internetExposed: boolean;
  production: boolean;
}

export interface PlannedWave {
  number: number;
  /** Nothing in the wave is flipped before this time (ISO 8601). */
  notBefore: string;
  apps: PlannedApp[];
}

/** An app the plan leaves out of every wave, and why. */
export interface ExcludedApp {
  key: string;
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `site` or `site/slot`. */
  name: string;
  status: Status;
  reason: string;
  owner?: string;
}

export interface RolloutPlan {
  id: string;
  createdAt: string;
  /** Lowercased subscription ids the plan covers. */
  subscriptions: string[];
  waveSize: number;
  /** Time between two waves, in ms. */
  everyMs: number;
  /** Whether the rollout timer applies each wave on its date. */
  auto: boolean;
  waves: PlannedWave[];
  excluded: ExcludedApp[];
}

export interface PlanOptions {
  id: string;
  now: Date;
  waveSize: number;
  firstWaveAt: Date;
  everyMs: number;
  auto: boolean;
  /** Lowercased subscription ids covered. */
  subscriptions: readonly string[];
}
