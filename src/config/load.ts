import { z } from 'zod';
import type { Policy } from '../policy/index.js';
import { InvalidInputError } from '../errors.js';
import { settingsSchema, type RawSettings } from './schema.js';
import type { NotifyChannel } from './notifySchema.js';
import { toApiAccessConfig, type ApiAccessConfig } from './apiSchema.js';
import type { RolloutConfig } from './rollout.js';

export interface Config {
  storage: { connectionString?: string; tableUrl?: string; tablePrefix: string; eventQueue: string };
  arm: { endpoint: string; caCertPath?: string; staticToken?: string; managedIdentityClientId?: string };
  policy: Policy;
  remediation: RemediationConfig;
  host: { key?: string };
  sweep: { subscriptions: string[]; schedule: string; queue: string; queueUrl?: string };
  rollout: RolloutConfig;
  /** Where sweep reports are stored: a container of the storage account (its blob URL with managed identity). */
  reports: { container: string; blobUrl?: string; deadLetterContainer: string };
  /** Where notifications go, and how often at most per channel (0: at once). */
  notify: { channels: NotifyChannel[]; digestMs: number };
  /** Who may call the HTTP API, with which roles. */
  api: ApiAccessConfig;
}

export type Mode = 'off' | 'audit' | 'enforce';

export interface RemediationConfig {
  defaultMode: Mode;
  /** The enforcer's own identity: events it caused never trigger a write (loop guard). */
  self: { objectId?: string; appId?: string };
  flapMaxReverts: number;
  flapWindowMs: number;
  clearExclusionPaths: boolean;
  /** How long a lease (withLease) is held at most unless renewed: one setting for every lease user (a rollout wave renews it every third). */
  leaseTtlMs: number;
  exemptionMaxDays: number;
}

/** Raised when settings are missing or wrong; its message names every problem at once. */
export class ConfigError extends InvalidInputError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Read and validate every setting; the only place that reads the environment. `requireStorage:
 * false` is for commands that keep their records in memory (`sweep --no-store`).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, options: { requireStorage?: boolean } = {}): Config {
  const parsed = settingsSchema.safeParse(env);
  const problems = parsed.success ? [] : describeIssues(parsed.error);
  if (options.requireStorage !== false && ![env.MTLS_STORAGE_CONNECTION, env.MTLS_STORAGE_TABLE_URL, env.AzureWebJobsStorage].some((v) => v?.trim())) {
    problems.push('MTLS_STORAGE_CONNECTION: set MTLS_STORAGE_CONNECTION, MTLS_STORAGE_TABLE_URL or AzureWebJobsStorage');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return toConfig(parsed.data);
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.') || '(settings)';
    return `${name}: ${issue.message}`;
  });
}

function toConfig(s: RawSettings): Config {
  const connectionString = s.MTLS_STORAGE_CONNECTION ?? (s.MTLS_STORAGE_TABLE_URL ? undefined : s.AzureWebJobsStorage);
  const blobUrl = blobUrlOf(s);
  return {
    storage: {
      ...(connectionString ? { connectionString } : {}),
      ...(s.MTLS_STORAGE_TABLE_URL ? { tableUrl: s.MTLS_STORAGE_TABLE_URL } : {}),
      tablePrefix: s.MTLS_TABLE_PREFIX,
      eventQueue: s.MTLS_EVENT_QUEUE,
    },
    arm: {
      endpoint: s.MTLS_ARM_ENDPOINT.replace(/\/+$/, ''),
      ...(s.MTLS_ARM_CA_CERT_PATH ? { caCertPath: s.MTLS_ARM_CA_CERT_PATH } : {}),
      ...(s.MTLS_ARM_TOKEN ? { staticToken: s.MTLS_ARM_TOKEN } : {}),
      ...(s.AZURE_CLIENT_ID ? { managedIdentityClientId: s.AZURE_CLIENT_ID } : {}),
    },
    policy: {
      allowedModes: s.MTLS_ALLOWED_MODES,
      exclusionPathsFail: s.MTLS_EXCLUSION_PATHS_FAIL,
      notApplicableKinds: s.MTLS_NOT_APPLICABLE_KINDS,
      tagExemptions: s.MTLS_TAG_EXEMPTIONS,
      exemptionTagName: s.MTLS_EXEMPTION_TAG,
    },
    remediation: {
      defaultMode: s.MTLS_DEFAULT_MODE,
      self: {
        ...(s.MTLS_ENFORCER_OBJECT_ID ? { objectId: s.MTLS_ENFORCER_OBJECT_ID } : {}),
        // A user-assigned managed identity's client id is the enforcer's app id unless set otherwise.
        ...((s.MTLS_ENFORCER_APP_ID ?? s.AZURE_CLIENT_ID) ? { appId: (s.MTLS_ENFORCER_APP_ID ?? s.AZURE_CLIENT_ID) as string } : {}),
      },
      flapMaxReverts: s.MTLS_FLAP_MAX_REVERTS,
      flapWindowMs: s.MTLS_FLAP_WINDOW_MINUTES * 60_000,
      clearExclusionPaths: s.MTLS_CLEAR_EXCLUSION_PATHS,
      leaseTtlMs: s.MTLS_LEASE_SECONDS * 1000,
      exemptionMaxDays: s.MTLS_EXEMPTION_MAX_DAYS,
    },
    sweep: {
      subscriptions: s.MTLS_SUBSCRIPTIONS.map((x) => x.toLowerCase()),
      schedule: s.MTLS_SWEEP_SCHEDULE,
      queue: s.MTLS_SWEEP_QUEUE,
      ...(s.MTLS_STORAGE_QUEUE_URL ? { queueUrl: s.MTLS_STORAGE_QUEUE_URL } : {}),
    },
    notify: { channels: s.MTLS_NOTIFY, digestMs: s.MTLS_NOTIFY_DIGEST_MINUTES * 60_000 },
    reports: { container: s.MTLS_REPORT_CONTAINER, deadLetterContainer: s.MTLS_DEADLETTER_CONTAINER, ...(blobUrl ? { blobUrl } : {}) },
    host: s.MTLS_HOST_KEY ? { key: s.MTLS_HOST_KEY } : {},
    rollout: {
      productionTags: s.MTLS_PRODUCTION_TAGS,
      productionValues: s.MTLS_PRODUCTION_VALUES,
      ownerTags: s.MTLS_OWNER_TAGS,
      noticeDays: s.MTLS_ROLLOUT_NOTICE_DAYS,
      failureThreshold: s.MTLS_ROLLOUT_FAILURE_PERCENT / 100,
      schedule: s.MTLS_ROLLOUT_SCHEDULE,
    },
    api: toApiAccessConfig(s),
  };
}

/** The blob endpoint with managed identity: MTLS_STORAGE_BLOB_URL, else the table URL's account. */
function blobUrlOf(s: RawSettings): string | undefined {
  if (s.MTLS_STORAGE_BLOB_URL) return s.MTLS_STORAGE_BLOB_URL.replace(/\/+$/, '');
  return s.MTLS_STORAGE_TABLE_URL?.replace(/\/+$/, '').replace('.table.', '.blob.');
}
