import { InvalidInputError } from '../errors.js';
import type { EnforcerDeps } from './deps.js';
import type { Mode, SubscriptionSettings } from '../model/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MODES: readonly Mode[] = ['off', 'audit', 'enforce'];
const CERT_MODES = ['Required', 'Optional', 'OptionalInteractiveUser'];

export interface SettingsChange {
  subscriptionId: string;
  mode: string;
  allowedModes?: string[];
  /** Who asks (CLI user, API caller); recorded in the settings history. */
  by: string;
}

/** What a subscription is under, whether set explicitly or by the deployment default. */
export interface EffectiveSettings {
  subscriptionId: string;
  mode: Mode;
  allowedModes: string[];
  explicit: boolean;
  updatedBy?: string;
  updatedAt?: string;
  /** The enforce baseline (see SubscriptionSettings): absent until the first complete sweep in enforce. */
  baselineAt?: string;
  baselineRunId?: string;
}

/** The one use case behind CLI and HTTP: validate, then write with who and when. */
export async function setSubscriptionSettings(deps: EnforcerDeps, change: SettingsChange): Promise<EffectiveSettings> {
  const subscriptionId = checkSubscriptionId(change.subscriptionId);
  if (!MODES.includes(change.mode as Mode)) throw new InvalidInputError(`mode must be one of ${MODES.join(', ')}; got ${JSON.stringify(change.mode)}`);
  const bad = (change.allowedModes ?? []).filter((m) => !CERT_MODES.includes(m));
  if (bad.length > 0) throw new InvalidInputError(`allowedModes may hold only ${CERT_MODES.join(', ')}; got ${bad.join(', ')}`);
  if (change.allowedModes && change.allowedModes.length === 0) throw new InvalidInputError('allowedModes, when given, must name at least one mode');
  const row: SubscriptionSettings = { subscriptionId, mode: change.mode as Mode, updatedBy: change.by, updatedAt: deps.clock().toISOString() };
  if (change.allowedModes) row.allowedModes = [...new Set(change.allowedModes)];
  // A baseline belongs to one stretch of enforce: kept while the subscription stays in enforce,
  // dropped when it leaves; coming back, the first complete sweep sets a new one.
  const before = row.mode === 'enforce' ? await deps.settings.get(subscriptionId) : undefined;
  if (before?.mode === 'enforce' && before.baselineAt) {
    row.baselineAt = before.baselineAt;
    if (before.baselineRunId) row.baselineRunId = before.baselineRunId;
  }
  await deps.settings.put(row);
  deps.log('info', `subscription ${subscriptionId} set to ${row.mode} by ${change.by}`);
  return effective(deps, subscriptionId, row);
}

export async function getSubscriptionSettings(deps: EnforcerDeps, subscriptionIdInput: string): Promise<EffectiveSettings> {
  const subscriptionId = checkSubscriptionId(subscriptionIdInput);
  return effective(deps, subscriptionId, await deps.settings.get(subscriptionId));
}

export async function listSubscriptionSettings(deps: EnforcerDeps): Promise<EffectiveSettings[]> {
  const rows: EffectiveSettings[] = [];
  for await (const row of deps.settings.list()) rows.push(effective(deps, row.subscriptionId, row));
  return rows;
}

export function checkSubscriptionId(value: string): string {
  if (!GUID.test(value ?? '')) throw new InvalidInputError(`subscription id must be a GUID; got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

function effective(deps: EnforcerDeps, subscriptionId: string, row: SubscriptionSettings | undefined): EffectiveSettings {
  if (!row) return { subscriptionId, mode: deps.remediation.defaultMode, allowedModes: deps.policy.allowedModes, explicit: false };
  return {
    subscriptionId,
    mode: row.mode,
    allowedModes: row.allowedModes ?? deps.policy.allowedModes,
    explicit: true,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
    ...(row.baselineAt ? { baselineAt: row.baselineAt } : {}),
    ...(row.baselineRunId ? { baselineRunId: row.baselineRunId } : {}),
  };
}
