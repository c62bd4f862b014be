import type { Caller } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import type { Reason, Status } from '../policy/index.js';
import type { FindingSource, HistoryEntry, ObservedCert } from '../model/index.js';
import { decodeKey, encodeKey, MAX_KEY_LENGTH } from './encodeKey.js';
import { checkEntity, truncateText, type EntityValue } from './entityLimits.js';
import { definedProperties, observedCertJson, readJson, readString, reasonsJson, withoutUndefined, type StoredEntity } from './entityFields.js';
import { findingKeys, type EntityKeys } from './findingEntity.js';
import { invertedTime, TIME_WIDTH } from './newestFirst.js';

/**
 * History rows live in the `Findings` table beside their finding, so one transaction writes both:
 * PK = subscription (as the finding's), RK = `h_` + the finding's RowKey + `~_` + inverted time +
 * `_` + cause. Current rows' RowKeys start `~2f` (the encoded `/` of the id's tail), so the two
 * never mix; encodeKey never writes `~_`, so one resource's rows are one RowKey range (a slot's
 * rows do not fall in its site's), ascending row order is newest first, and the same
 * (at, causeId) always lands on the same row, which makes writes idempotent.
 */
export const HISTORY_ROW_PREFIX = 'h_';
const AFTER_RESOURCE = '~_';

/** The RowKey range holding one resource's history rows. */
export function historyRange(key: string): { partitionKey: string; from: string; to: string } {
  const { partitionKey, rowKey } = findingKeys(key);
  const from = `${HISTORY_ROW_PREFIX}${rowKey}${AFTER_RESOURCE}`;
  return { partitionKey, from, to: `${from.slice(0, -1)}${String.fromCharCode(from.charCodeAt(from.length - 1) + 1)}` };
}

export function historyKeys(entry: Pick<HistoryEntry, 'key' | 'at' | 'causeId'>): EntityKeys {
  const { partitionKey, from } = historyRange(entry.key);
  const rowKey = `${from}${invertedTime(entry.at, 'history entry')}_${encodeKey(entry.causeId)}`;
  if (rowKey.length > MAX_KEY_LENGTH) throw new InvalidInputError(`history row key too long for Table Storage: ${rowKey.length} characters (max ${MAX_KEY_LENGTH})`);
  return { partitionKey, rowKey };
}

/** Where in a history RowKey its inverted time starts. */
export function historyTimeOffset(rowKey: string): number {
  return rowKey.indexOf(AFTER_RESOURCE) + AFTER_RESOURCE.length;
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
  const rowKey = entity.rowKey ?? '';
  const text = (name: string): string | undefined => readString(entity, name);
  return withoutUndefined<HistoryEntry>({
    key: historyResourceKey(entity.partitionKey ?? '', rowKey),
    resourceId: text('resourceId') ?? '',
    at: text('at') ?? '',
    causeId: decodeKey(rowKey.slice(historyTimeOffset(rowKey) + TIME_WIDTH + 1)),
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

function historyResourceKey(partitionKey: string, rowKey: string): string {
  const tail = rowKey.slice(HISTORY_ROW_PREFIX.length, rowKey.indexOf(AFTER_RESOURCE));
  return `/subscriptions/${decodeKey(partitionKey)}${decodeKey(tail)}`;
}
