import { NOTIFICATION_KINDS } from '../config/index.js';
import type { HistoryEntry } from '../model/index.js';
import { definedProperties, readString, type StoredEntity } from './entityFields.js';
import type { EntityValue } from './entityLimits.js';
import { historyKeys } from './historyEntity.js';
import { encodeKey, MAX_KEY_LENGTH } from './encodeKey.js';

/** What a notification says happened (the channel filters on it): one list, with the MTLS_NOTIFY schema that validates `kinds`. */
export { NOTIFICATION_KINDS };
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Notices given once ever (expiring exemptions, rollout waves), with a marker per notice given (same partition: one transaction writes both). */
export const NOTICES_PARTITION = '~notices';

/** Sweep-run notices have no subscription: their outbox rows share one partition no subscription can have. */
export const RUNS_PARTITION = '~runs';

/** The history actions people are told about; any other change writes no outbox row. */
const KIND_OF: Partial<Record<HistoryEntry['action'], NotificationKind>> = {
  'would-remediate': 'drift-detected',
  remediated: 'drift-reverted',
  flapping: 'flapping',
  'remediation-denied': 'remediation-denied',
};

/**
 * Outbox rows sit in the finding's partition (PK = subscription) under RowKey `o` + the history
 * row's RowKey, so they go in the same entity group transaction as the finding and its history
 * row: a change is recorded with its notification or not at all, and a retried recording rewrites
 * the same row. The sender deletes them once every channel has sent (or given up on) them.
 */
export const OUTBOX_ROWS_FROM = 'oh_';
export const OUTBOX_ROWS_TO = 'oh`';

export interface OutboxItem {
  partitionKey: string;
  rowKey: string;
  kind: NotificationKind;
  resourceId: string;
  subscriptionId: string;
  at: string;
  status: string;
  caller?: string;
  detail?: string;
  /** The send batch that claimed it (set by the sender before sending). */
  batch?: string;
}

export function toOutboxEntity(entry: HistoryEntry): (Record<string, EntityValue> & { partitionKey: string; rowKey: string }) | undefined {
  const kind = KIND_OF[entry.action];
  if (!kind) return undefined;
  const keys = historyKeys(entry);
  const rowKey = `o${keys.rowKey}`;
  if (rowKey.length > MAX_KEY_LENGTH) return undefined;
  const caller = entry.undoneCaller ?? entry.caller;
  const properties = definedProperties({
    kind,
    resourceId: entry.resourceId,
    subscriptionId: /\/subscriptions\/([^/]+)/i.exec(entry.resourceId)?.[1]?.toLowerCase(),
    at: entry.at,
    status: entry.status,
    caller: caller ? (caller.name ?? caller.objectId ?? caller.appId) : undefined,
    detail: entry.detail?.slice(0, 500),
  });
  return { ...properties, partitionKey: keys.partitionKey, rowKey };
}

/** A finished sweep run's notice: one row per run (a second finisher rewrites the same row). */
export interface RunNotice {
  runId: string;
  state: string;
  at: string;
  /** "92.5 % compliant, 3 new, 1 fixed since the last run" */
  detail: string;
}

export function toRunNoticeEntity(notice: RunNotice): Record<string, EntityValue> & { partitionKey: string; rowKey: string } {
  return { partitionKey: RUNS_PARTITION, rowKey: `${OUTBOX_ROWS_FROM}${notice.runId}`, kind: 'sweep-finished', resourceId: notice.runId, subscriptionId: '', at: notice.at, status: notice.state, detail: notice.detail.slice(0, 500) };
}

/** A notice given once ever (an exemption expiring soon, a rollout wave's notice or result): the row and its "given" marker, for one transaction. */
export interface OnceNotice {
  /** What makes the notice unique, e.g. `exemption|<scope>|<id>` or `wave-notice|<plan>|<n>`. */
  key: string;
  kind: NotificationKind;
  resourceId: string;
  /** Empty when it spans subscriptions (every channel hears it). */
  subscriptionId: string;
  status: string;
  caller?: string;
  detail?: string;
  at: string;
}

const onceNoticeId = (key: string): string => encodeKey(key.toLowerCase()).slice(0, 900);

/** The RowKey of a once notice's "given" marker (partition NOTICES_PARTITION). */
export function onceNoticeMarkerKey(key: string): string {
  return `n_${onceNoticeId(key)}`;
}

export function onceNoticeEntities(notice: OnceNotice): { marker: { partitionKey: string; rowKey: string }; row: Record<string, EntityValue> & { partitionKey: string; rowKey: string } } {
  const id = onceNoticeId(notice.key);
  const properties = definedProperties({ kind: notice.kind, resourceId: notice.resourceId, subscriptionId: notice.subscriptionId, at: notice.at, status: notice.status, caller: notice.caller?.slice(0, 200), detail: notice.detail?.slice(0, 1000) });
  return { marker: { partitionKey: NOTICES_PARTITION, rowKey: onceNoticeMarkerKey(notice.key) }, row: { ...properties, partitionKey: NOTICES_PARTITION, rowKey: `${OUTBOX_ROWS_FROM}${id}` } };
}

export function fromOutboxEntity(entity: StoredEntity): OutboxItem {
  const text = (name: string) => readString(entity, name);
  return {
    partitionKey: entity.partitionKey ?? '',
    rowKey: entity.rowKey ?? '',
    kind: (text('kind') ?? 'drift-detected') as NotificationKind,
    resourceId: text('resourceId') ?? '',
    subscriptionId: text('subscriptionId') ?? '',
    at: text('at') ?? '',
    status: text('status') ?? '',
    ...(text('caller') ? { caller: text('caller') as string } : {}),
    ...(text('detail') ? { detail: text('detail') as string } : {}),
    ...(text('batch') ? { batch: text('batch') as string } : {}),
  };
}
