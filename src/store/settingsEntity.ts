import type { Mode, SettingsPort, SubscriptionSettings } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { parseIsoDate } from '../policy/index.js';
import { encodeKey } from './encodeKey.js';
import { checkEntity, type EntityValue } from './entityLimits.js';
import { definedProperties, readJson, readString, withoutUndefined, type StoredEntity } from './entityFields.js';
import type { EntityKeys } from './findingEntity.js';
import { isGuid } from './guid.js';
import { invertedTime } from './newestFirst.js';

/** One row of the settings history: who changed a subscription's mode, when, from what to what. */
export type SettingsChange = Awaited<ReturnType<SettingsPort['history']>>[number];

/** Every current row shares one partition: the table is small, and `list()` is one query. */
export const SETTINGS_PARTITION = 'subscription';

const MODES: readonly string[] = ['off', 'audit', 'enforce'] satisfies Mode[];
const CERT_MODES: readonly string[] = ['Required', 'Optional', 'OptionalInteractiveUser'];

/** The lowercased subscription id, which is the settings row's key. */
export function subscriptionKey(subscriptionId: string): string {
  const id = typeof subscriptionId === 'string' ? subscriptionId.trim() : '';
  if (!isGuid(id)) throw new InvalidInputError(`subscription id must be a GUID; got ${JSON.stringify(subscriptionId)}`);
  return id.toLowerCase();
}

/** Validates a row before anything is written; returns it with the subscription id lowercased. */
export function checkSettings(settings: SubscriptionSettings): SubscriptionSettings {
  const subscriptionId = subscriptionKey(settings.subscriptionId);
  const problems: string[] = [];
  if (!MODES.includes(settings.mode)) problems.push(`mode must be one of ${MODES.join(', ')}; got ${JSON.stringify(settings.mode)}`);
  const allowed = settings.allowedModes;
  if (allowed !== undefined) {
    const bad = Array.isArray(allowed) ? allowed.filter((m) => !CERT_MODES.includes(m)) : [allowed];
    if (bad.length > 0) problems.push(`allowedModes may hold only ${CERT_MODES.join(', ')}; got ${JSON.stringify(bad)}`);
    else if (allowed.length === 0) problems.push('allowedModes, when given, must name at least one mode');
  }
  if (typeof settings.updatedBy !== 'string' || settings.updatedBy.trim() === '') problems.push('updatedBy (who changes the settings) is required');
  if (!parseIsoDate(settings.updatedAt ?? '')) problems.push(`updatedAt must be an ISO 8601 date; got ${JSON.stringify(settings.updatedAt)}`);
  if (problems.length > 0) throw new InvalidInputError(`invalid settings for subscription ${subscriptionId}: ${problems.join('; ')}`);
  return { ...settings, subscriptionId };
}

export function toSettingsEntity(settings: SubscriptionSettings, table: string): EntityKeys & Record<string, EntityValue> {
  const keys = { partitionKey: SETTINGS_PARTITION, rowKey: encodeKey(settings.subscriptionId) };
  const properties = definedProperties({
    mode: settings.mode,
    allowedModes: settings.allowedModes && JSON.stringify(settings.allowedModes),
    updatedBy: settings.updatedBy,
    updatedAt: settings.updatedAt,
    // A baseline belongs to one stretch of enforce: a row in another mode never carries one.
    baselineAt: settings.mode === 'enforce' ? settings.baselineAt : undefined,
    baselineRunId: settings.mode === 'enforce' ? settings.baselineRunId : undefined,
  });
  checkEntity(table, keys.partitionKey, keys.rowKey, properties);
  return { ...properties, ...keys };
}

export function fromSettingsEntity(entity: StoredEntity): SubscriptionSettings {
  return withoutUndefined<SubscriptionSettings>({
    subscriptionId: entity.rowKey ?? '',
    mode: readMode(entity, 'mode') ?? 'audit',
    allowedModes: readJson<string[] | undefined>(entity, 'allowedModes', undefined),
    updatedBy: readString(entity, 'updatedBy') ?? '',
    updatedAt: readString(entity, 'updatedAt') ?? '',
    baselineAt: readString(entity, 'baselineAt'),
    baselineRunId: readString(entity, 'baselineRunId'),
  });
}

/** Whether a baseline may be set on `row` now (see SettingsPort.recordBaseline). */
export function acceptsBaseline(row: SubscriptionSettings | undefined, expect: { updatedAt: string }): row is SubscriptionSettings {
  return !!row && row.mode === 'enforce' && !row.baselineAt && Date.parse(row.updatedAt) === Date.parse(expect.updatedAt);
}

/** One subscription's settings history is one partition. */
export function settingsHistoryPartition(subscriptionId: string): string {
  return encodeKey(subscriptionKey(subscriptionId));
}

/** RK = inverted time: newest first, and one row per (subscription, at), so a retried put rewrites its row. */
export function settingsHistoryKeys(subscriptionId: string, at: string): EntityKeys {
  return { partitionKey: settingsHistoryPartition(subscriptionId), rowKey: invertedTime(at, 'settings change') };
}

export function toSettingsHistoryEntity(subscriptionId: string, change: SettingsChange, table: string): EntityKeys & Record<string, EntityValue> {
  const keys = settingsHistoryKeys(subscriptionId, change.at);
  const properties = definedProperties({
    at: change.at,
    by: change.by,
    from: change.from,
    to: change.to,
    allowedModes: change.allowedModes && JSON.stringify(change.allowedModes),
  });
  checkEntity(table, keys.partitionKey, keys.rowKey, properties);
  return { ...properties, ...keys };
}

export function fromSettingsHistoryEntity(entity: StoredEntity): SettingsChange {
  return withoutUndefined<SettingsChange>({
    at: readString(entity, 'at') ?? '',
    by: readString(entity, 'by') ?? '',
    from: readMode(entity, 'from'),
    to: readMode(entity, 'to') ?? 'audit',
    allowedModes: readJson<string[] | undefined>(entity, 'allowedModes', undefined),
  });
}

/**
 * A row edited by hand may hold anything: an unknown mode reads as undefined, which callers turn
 * into `audit` — record only, neither silently ignoring nor silently writing to apps.
 */
function readMode(entity: StoredEntity, name: string): Mode | undefined {
  const value = readString(entity, name);
  return value !== undefined && MODES.includes(value) ? (value as Mode) : undefined;
}
