import type { ExemptionRecord } from '../model/index.js';
import { normaliseId, type SiteRef } from '../policy/index.js';
import type { Exemption, ExemptionCategory } from '../policy/index.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { checkEntity, truncateText, type EntityValue } from './entityLimits.js';
import { definedProperties, readString, withoutUndefined, type StoredEntity } from './entityFields.js';
import type { EntityKeys } from './findingEntity.js';

export type { ExemptionRecord };

export const CATEGORIES: readonly string[] = ['waiver', 'mitigated'] satisfies ExemptionCategory[];

/**
 * The scopes that can cover a site or slot. A resource-id scope covers the resource and
 * everything under it, so a slot is covered by itself, its site, its resource group and its
 * subscription; a site by itself, its group and its subscription.
 */
export function exemptionScopes(ref: SiteRef): string[] {
  const subscription = `/subscriptions/${ref.subscriptionId.toLowerCase()}`;
  const group = `${subscription}/resourcegroups/${ref.resourceGroup.toLowerCase()}`;
  const own = normaliseId(ref.key);
  if (ref.slot === undefined) return [own, group, subscription];
  return [own, `${group}/providers/microsoft.web/sites/${ref.site.toLowerCase()}`, group, subscription];
}

/** PK = the lowercased scope, so each lookup is a single-partition query. */
export function exemptionPartition(scope: string): string {
  return encodeKey(normaliseId(scope));
}

/** The record's own fields as properties (scope and id live in the keys); shared with the history rows. */
export function registerProperties(record: ExemptionRecord): Record<string, EntityValue> {
  return definedProperties({
    scopeDisplay: record.scopeDisplay,
    owner: record.owner,
    approver: record.approver,
    reason: record.reason === undefined ? undefined : truncateText(record.reason),
    category: record.category,
    expiresAt: record.expiresAt,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
  });
}

/** The register's row layout: PK = scope, RK = id. */
export function toExemptionEntity(record: ExemptionRecord, table: string): EntityKeys & Record<string, EntityValue> {
  const keys = { partitionKey: exemptionPartition(record.scope), rowKey: encodeKey(record.id) };
  const properties = registerProperties(record);
  checkEntity(table, keys.partitionKey, keys.rowKey, properties);
  return { ...properties, ...keys };
}

/** A row the policy can judge; a bad category or expiry marks it malformed (it exempts nothing). */
export function fromExemptionEntity(entity: StoredEntity): Exemption {
  const category = readString(entity, 'category');
  const expiresAt = readString(entity, 'expiresAt');
  const problems: string[] = [];
  if (category !== undefined && !CATEGORIES.includes(category)) problems.push(`category "${category}" is neither waiver nor mitigated`);
  if (expiresAt !== undefined && Number.isNaN(Date.parse(expiresAt))) problems.push(`expiry "${expiresAt}" is not a date`);
  return withoutUndefined<Exemption>({
    source: 'register',
    scope: decodeKey(entity.partitionKey ?? ''),
    owner: readString(entity, 'owner'),
    approver: readString(entity, 'approver'),
    reason: readString(entity, 'reason'),
    category: category !== undefined && CATEGORIES.includes(category) ? (category as ExemptionCategory) : undefined,
    expiresAt,
    malformed: problems.length > 0 ? `register entry ${decodeKey(entity.rowKey ?? '')}: ${problems.join('; ')}` : undefined,
  });
}

/** A register row as the CLI and API list it. */
export function fromRegisterEntity(entity: StoredEntity): ExemptionRecord {
  return recordFrom(entity, decodeKey(entity.partitionKey ?? ''), decodeKey(entity.rowKey ?? ''));
}

/**
 * The record fields of a register or history row. A row written by another tool is shown as
 * stored (missing texts empty, an unknown category as is) so a person can see and fix it;
 * evaluation reads the same row through fromExemptionEntity, which marks it malformed.
 */
export function recordFrom(entity: StoredEntity, scope: string, id: string): ExemptionRecord {
  const text = (name: string): string => readString(entity, name) ?? '';
  return {
    id,
    scope,
    scopeDisplay: readString(entity, 'scopeDisplay') ?? scope,
    owner: text('owner'),
    approver: text('approver'),
    reason: text('reason'),
    category: text('category') as ExemptionRecord['category'],
    expiresAt: text('expiresAt'),
    createdAt: text('createdAt'),
    createdBy: text('createdBy'),
  };
}
