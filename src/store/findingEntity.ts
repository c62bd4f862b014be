import type { Caller } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { normaliseId } from '../policy/index.js';
import type { Debt, Reason, Status } from '../policy/index.js';
import type { Finding, FindingSource } from '../model/index.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { checkEntity, truncateText, type EntityValue } from './entityLimits.js';
import { definedProperties, readBoolean, readJson, readString, reasonsJson, textsJson, withoutUndefined, type StoredEntity } from './entityFields.js';

export interface EntityKeys {
  partitionKey: string;
  rowKey: string;
}

const UNDER_SUBSCRIPTION = /^\/subscriptions\/([^/]+)(\/.+)$/;

/**
 * PK = subscription id, RK = the rest of the lowercased id: one subscription's sweep is one
 * partition. The rest starts with `/`, so every current row's RowKey starts `~2f`; the
 * resource's history rows share the partition under another prefix (see historyEntity).
 */
export function findingKeys(key: string): EntityKeys {
  const m = UNDER_SUBSCRIPTION.exec(normaliseId(key));
  if (!m) throw new InvalidInputError(`not a resource id under a subscription: ${JSON.stringify(key.slice(0, 200))}`);
  const [, subscription, rest] = m as unknown as [string, string, string];
  return { partitionKey: encodeKey(subscription), rowKey: encodeKey(rest) };
}

/** Every current row's RowKey lies in [CURRENT_ROWS_FROM, CURRENT_ROWS_TO): history rows do not. */
export const CURRENT_ROWS_FROM = encodeKey('/');
export const CURRENT_ROWS_TO = `${CURRENT_ROWS_FROM.slice(0, -1)}${String.fromCharCode(CURRENT_ROWS_FROM.charCodeAt(CURRENT_ROWS_FROM.length - 1) + 1)}`;

export function subscriptionPartition(subscriptionId: string): string {
  return encodeKey(subscriptionId.trim().toLowerCase());
}

export function toFindingEntity(finding: Finding, table: string): EntityKeys & Record<string, EntityValue> {
  const keys = findingKeys(finding.key);
  const properties = definedProperties({
    resourceId: finding.resourceId,
    subscriptionId: finding.subscriptionId,
    resourceGroup: finding.resourceGroup,
    site: finding.site,
    slot: finding.slot,
    kind: finding.kind,
    sku: finding.sku,
    status: finding.status,
    reasons: reasonsJson(finding.reasons),
    advice: textsJson(finding.advice, 'advice'),
    clientCertEnabled: finding.clientCertEnabled,
    clientCertMode: finding.clientCertMode,
    clientCertExclusionPaths: finding.clientCertExclusionPaths === undefined ? undefined : truncateText(finding.clientCertExclusionPaths),
    publicNetworkAccess: finding.publicNetworkAccess,
    tags: finding.tags && boundedTagsJson(finding.tags),
    lastCaller: finding.lastCaller && JSON.stringify(finding.lastCaller),
    lastEventId: finding.lastEventId,
    lastCorrelationId: finding.lastCorrelationId,
    firstNonCompliantAt: finding.firstNonCompliantAt,
    lastEvaluatedAt: finding.lastEvaluatedAt,
    lastChangedAt: finding.lastChangedAt,
    source: finding.source,
    remediatedAt: finding.remediatedAt,
    remediationCorrelationId: finding.remediationCorrelationId,
    debt: finding.debt && JSON.stringify(finding.debt),
    guardedSince: finding.guardedSince,
    observedAt: finding.observedAt,
    historyAt: finding.historyAt,
  });
  checkEntity(table, keys.partitionKey, keys.rowKey, properties);
  return { ...properties, ...keys };
}

/** Tags kept on the row: at most 16 KiB of JSON (ARM allows 50 tags of 512-character names and 256-character values). */
const MAX_TAGS_JSON = 16 * 1024;

function boundedTagsJson(tags: Record<string, string>): string {
  const kept: Record<string, string> = {};
  let size = 2;
  for (const [name, value] of Object.entries(tags)) {
    const add = JSON.stringify(name).length + JSON.stringify(value).length + 2;
    if (size + add > MAX_TAGS_JSON) break;
    kept[name] = value;
    size += add;
  }
  return JSON.stringify(kept);
}

export function fromFindingEntity(entity: StoredEntity): Finding {
  const text = (name: string): string | undefined => readString(entity, name);
  return withoutUndefined<Finding>({
    key: `/subscriptions/${decodeKey(entity.partitionKey ?? '')}${decodeKey(entity.rowKey ?? '')}`,
    resourceId: text('resourceId') ?? '',
    subscriptionId: text('subscriptionId') ?? '',
    resourceGroup: text('resourceGroup') ?? '',
    site: text('site') ?? '',
    slot: text('slot'),
    kind: text('kind'),
    sku: text('sku'),
    status: (text('status') ?? 'error') as Status,
    reasons: readJson<Reason[]>(entity, 'reasons', []),
    advice: readJson<string[]>(entity, 'advice', []),
    clientCertEnabled: readBoolean(entity, 'clientCertEnabled'),
    clientCertMode: text('clientCertMode'),
    clientCertExclusionPaths: text('clientCertExclusionPaths'),
    publicNetworkAccess: text('publicNetworkAccess'),
    tags: readJson<Record<string, string> | undefined>(entity, 'tags', undefined),
    lastCaller: readJson<Caller | undefined>(entity, 'lastCaller', undefined),
    lastEventId: text('lastEventId'),
    lastCorrelationId: text('lastCorrelationId'),
    firstNonCompliantAt: text('firstNonCompliantAt'),
    lastEvaluatedAt: text('lastEvaluatedAt') ?? '',
    lastChangedAt: text('lastChangedAt') ?? '',
    source: (text('source') ?? 'event') as FindingSource,
    remediatedAt: text('remediatedAt'),
    remediationCorrelationId: text('remediationCorrelationId'),
    debt: readJson<Debt | undefined>(entity, 'debt', undefined),
    guardedSince: text('guardedSince'),
    observedAt: text('observedAt'),
    historyAt: text('historyAt'),
    etag: typeof entity.etag === 'string' ? entity.etag : undefined,
  });
}
