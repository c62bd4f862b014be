import { z } from 'zod';
import { DEFAULT_POLICY } from '../policy/index.js';
import { apiSettingsSchema } from './apiSchema.js';
import { notifyChannelsSchema } from './notifySchema.js';
import { DEFAULT_ROLLOUT } from './rollout.js';

const CERT_MODES = ['Required', 'Optional', 'OptionalInteractiveUser'] as const;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
const csv = (fallback: readonly string[]) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.split(',').map((s) => s.trim()).filter(Boolean) : [...fallback]),
    z.array(z.string()),
  );
/** A storage queue or blob container name (the same rule for both): 3-63 lowercase letters, digits, single hyphens. */
const storageName = (kind: 'queue' | 'container', fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, `a ${kind === 'queue' ? 'storage queue' : 'blob container'} name: 3-63 lowercase letters, digits, single hyphens`)
      .default(fallback),
  );
/** A timer's schedule: six NCRONTAB fields. */
const ncrontab = (fallback: string) => z.preprocess(blankToUndefined, z.string().regex(/^(\S+\s+){5}\S+$/, 'six NCRONTAB fields').default(fallback));
const bool = (fallback: boolean) =>
  z.preprocess(blankToUndefined, z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] }).default(fallback));

/** Raw app settings → typed values. Names are exactly those in settings.ts. */
export const settingsSchema = z
  .object({
    MTLS_STORAGE_CONNECTION: optionalText,
    MTLS_STORAGE_TABLE_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    AzureWebJobsStorage: optionalText,
    MTLS_TABLE_PREFIX: z.preprocess(
      blankToUndefined,
      z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'letters and digits, starting with a letter, at most 40').default('Mtls'),
    ),
    MTLS_EVENT_QUEUE: storageName('queue', 'mtls-events'),
    MTLS_ARM_ENDPOINT: z.preprocess(blankToUndefined, z.url({ protocol: /^https$/ }).default('https://management.azure.com')),
    MTLS_ARM_CA_CERT_PATH: optionalText,
    MTLS_ARM_TOKEN: optionalText,
    AZURE_CLIENT_ID: optionalText,
    MTLS_ALLOWED_MODES: csv(DEFAULT_POLICY.allowedModes).pipe(
      z.array(z.enum(CERT_MODES, { error: `each mode must be one of ${CERT_MODES.join(', ')}` })).min(1),
    ),
    MTLS_EXCLUSION_PATHS_FAIL: bool(DEFAULT_POLICY.exclusionPathsFail),
    MTLS_NOT_APPLICABLE_KINDS: csv(DEFAULT_POLICY.notApplicableKinds),
    MTLS_TAG_EXEMPTIONS: bool(DEFAULT_POLICY.tagExemptions),
    MTLS_EXEMPTION_TAG: z.preprocess(blankToUndefined, z.string().min(1).max(512).default(DEFAULT_POLICY.exemptionTagName)),
    MTLS_DEFAULT_MODE: z.preprocess(blankToUndefined, z.enum(['off', 'audit', 'enforce']).default('audit')),
    MTLS_ENFORCER_OBJECT_ID: optionalText,
    MTLS_ENFORCER_APP_ID: optionalText,
    MTLS_FLAP_MAX_REVERTS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(50).default(3)),
    MTLS_FLAP_WINDOW_MINUTES: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_080).default(60)),
    MTLS_CLEAR_EXCLUSION_PATHS: bool(false),
    MTLS_LEASE_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int().min(10).max(600).default(60)),
    MTLS_EXEMPTION_MAX_DAYS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(3650).default(365)),
    MTLS_PRODUCTION_TAGS: csv(DEFAULT_ROLLOUT.productionTags),
    MTLS_PRODUCTION_VALUES: csv(DEFAULT_ROLLOUT.productionValues),
    MTLS_OWNER_TAGS: csv(DEFAULT_ROLLOUT.ownerTags),
    MTLS_ROLLOUT_NOTICE_DAYS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(365).default(DEFAULT_ROLLOUT.noticeDays)),
    MTLS_ROLLOUT_FAILURE_PERCENT: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(100).default(DEFAULT_ROLLOUT.failureThreshold * 100)),
    MTLS_ROLLOUT_SCHEDULE: ncrontab(DEFAULT_ROLLOUT.schedule),
    MTLS_SUBSCRIPTIONS: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? v.split(',').map((x) => x.trim()).filter(Boolean) : []),
      z.array(z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'each must be a subscription GUID')),
    ),
    MTLS_SWEEP_SCHEDULE: ncrontab('0 0 2 * * *'),
    MTLS_SWEEP_QUEUE: storageName('queue', 'mtls-sweep-jobs'),
    MTLS_STORAGE_BLOB_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    MTLS_REPORT_CONTAINER: storageName('container', 'reports'),
    MTLS_NOTIFY: notifyChannelsSchema,
    MTLS_NOTIFY_DIGEST_MINUTES: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(1440).default(5)),
    MTLS_DEADLETTER_CONTAINER: storageName('container', 'eventgrid-deadletter'),
    MTLS_STORAGE_QUEUE_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    MTLS_HOST_KEY: optionalText.pipe(z.string().min(16, 'at least 16 characters').optional()),
  })
  .extend(apiSettingsSchema.shape);

export type RawSettings = z.infer<typeof settingsSchema>;
