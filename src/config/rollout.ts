/** How rollout plans rank debt and pace waves (src/rollout reads the tags; the CLI and timer the rest). */
export interface RolloutConfig {
  productionTags: string[];
  productionValues: string[];
  ownerTags: string[];
  noticeDays: number;
  /** A wave whose failures exceed this share (0..1) pauses its plan. */
  failureThreshold: number;
  schedule: string;
}

/**
 * The one place the rollout defaults are written: the settings' defaults (MTLS_PRODUCTION_TAGS,
 * MTLS_PRODUCTION_VALUES, MTLS_OWNER_TAGS, MTLS_ROLLOUT_NOTICE_DAYS, MTLS_ROLLOUT_FAILURE_PERCENT
 * as a share, MTLS_ROLLOUT_SCHEDULE), and what deps built without `rollout` go by.
 */
export const DEFAULT_ROLLOUT: Readonly<RolloutConfig> = {
  productionTags: ['environment', 'env'],
  productionValues: ['prod', 'production'],
  ownerTags: ['owner', 'team'],
  noticeDays: 7,
  failureThreshold: 0.1,
  schedule: '0 0 * * * *',
};

/** How `rollout plan` paces waves when not told: apps per wave (--wave-size) and time between waves (--every). */
export const DEFAULT_PLAN_PACE = { waveSize: 50, every: '7d' } as const;

