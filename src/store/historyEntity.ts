import type { Caller } from '../events/types.js';
import { normaliseId } from '../policy/resourceId.js';
import type { Reason, Status } from '../policy/types.js';
import type { FindingSource, HistoryEntry, ObservedCert } from './types.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { checkEntity, truncateText, type EntityValue } from './entityLimits.js';
import { definedProperties, observedCertJson, readJson, readString, reasonsJson, withoutUndefined, type StoredEntity } from './entityFields.js';
import type { EntityKeys } from './findingEntity.js';
import { invertedTime, TIME_WIDTH } from './newestFirst.js';

/** One resource's history is one partition, read newest first. */
export function historyPartition(key: string): string {
  return encodeKey(normaliseId(key));
}

/**
 * RK = inverted time + `_` + cause: ascending row order is newest first, and the same
 * (at, causeId) always lands on the same row, which makes appends idempotent.
 */
export function historyKeys(entry: Pick<HistoryEntry, 'key' | 'at' | 'causeId'>): EntityKeys {
  return { partitionKey: historyPartition(entry.key), rowKey: `${invertedTime(entry.at, 'history entry')}_${encodeKey(entry.causeId)}` };
}

export function toHistoryEntity(entry: HistoryEntry, table: string): EntityKeys & Record<string, EntityValue> {
  const keys = historyKeys(entry);
  const properties = definedProperties({
    resourceId: entry.resourceId,
    at: entry.at,
    action: entry.action,
    status: entry.status,
    previousStatus: entry.previousStatus,
    reasons: reasonsJson(entry.reasons),
    caller: entry.caller && JSON.stringify(entry.caller),
    correlationId: entry.correlationId,
    source: entry.source,
    detail: entry.detail === undefined ? undefined : truncateText(entry.detail),
    before: entry.before && observedCertJson(entry.before, 'before'),
    after: entry.after && observedCertJson(entry.after, 'after'),
    undoneCaller: entry.undoneCaller && JSON.stringify(entry.undoneCaller),
  });
  checkEntity(table, keys.partitionKey, keys.rowKey, properties);
  return { ...properties, ...keys };
}

export function fromHistoryEntity(entity: StoredEntity): HistoryEntry {
  const text = (name: string): string | undefined => readString(entity, name);
  return withoutUndefined<HistoryEntry>({
    key: decodeKey(entity.partitionKey ?? ''),
    resourceId: text('resourceId') ?? '',
    at: text('at') ?? '',
    causeId: decodeKey((entity.rowKey ?? '').slice(TIME_WIDTH + 1)),
    action: (text('action') ?? 'evaluated') as HistoryEntry['action'],
    status: (text('status') ?? 'error') as Status,
    previousStatus: text('previousStatus') as Status | undefined,
    reasons: readJson<Reason[]>(entity, 'reasons', []),
    caller: readJson<Caller | undefined>(entity, 'caller', undefined),
    correlationId: text('correlationId'),
    source: (text('source') ?? 'event') as FindingSource,
    detail: text('detail'),
    before: readJson<ObservedCert | undefined>(entity, 'before', undefined),
    after: readJson<ObservedCert | undefined>(entity, 'after', undefined),
    undoneCaller: readJson<Caller | undefined>(entity, 'undoneCaller', undefined),
  });
}

/** Whether two rows record the same outcome (status, action, reason codes): a rewrite of one by the other loses nothing. */
export function sameHistoryOutcome(a: HistoryEntry, b: HistoryEntry): boolean {
  const codes = (e: HistoryEntry) => e.reasons.map((r) => r.code).sort().join(',');
  return a.status === b.status && a.action === b.action && codes(a) === codes(b);
}
