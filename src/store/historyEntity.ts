import type { Caller } from '../events/types.js';
import { InvalidInputError } from '../errors.js';
import { normaliseId } from '../policy/resourceId.js';
import type { Reason, Status } from '../policy/types.js';
import type { FindingSource, HistoryEntry } from './types.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { checkEntity, truncateText, type EntityValue } from './entityLimits.js';
import { definedProperties, readJson, readString, reasonsJson, withoutUndefined, type StoredEntity } from './entityFields.js';
import type { EntityKeys } from './findingEntity.js';

/** Largest epoch milliseconds a Date can hold; `MAX - ms` is never negative. */
const MAX_MS = 8_640_000_000_000_000;
/** Digits of 2 × MAX_MS, so every inverted time has the same width and sorts as text. */
const TIME_WIDTH = 17;

/** One resource's history is one partition, read newest first. */
export function historyPartition(key: string): string {
  return encodeKey(normaliseId(key));
}

/**
 * RK = inverted time + `_` + cause: ascending row order is newest first, and the same
 * (at, causeId) always lands on the same row, which makes appends idempotent.
 */
export function historyKeys(entry: Pick<HistoryEntry, 'key' | 'at' | 'causeId'>): EntityKeys {
  const ms = Date.parse(entry.at);
  if (Number.isNaN(ms)) throw new InvalidInputError(`history entry time is not a date: ${JSON.stringify(entry.at)}`);
  const inverted = String(MAX_MS - ms).padStart(TIME_WIDTH, '0');
  return { partitionKey: historyPartition(entry.key), rowKey: `${inverted}_${encodeKey(entry.causeId)}` };
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
  });
}
