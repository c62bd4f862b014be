import { normaliseId, type SiteRef } from '../policy/resourceId.js';
import type { Exemption, ExemptionCategory } from '../policy/types.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { checkEntity, truncateText, type EntityValue } from './entityLimits.js';
import { definedProperties, readString, withoutUndefined, type StoredEntity } from './entityFields.js';
import type { EntityKeys } from './findingEntity.js';

/** The register's own fields; `id` names one exemption among those of the same scope. */
export interface ExemptionRecord {
  id: string;
  scope: string;
  owner?: string;
  approver?: string;
  reason?: string;
  category?: ExemptionCategory;
  expiresAt?: string;
}

const CATEGORIES: readonly string[] = ['waiver', 'mitigated'] satisfies ExemptionCategory[];

/** The scopes that can cover a site or slot: itself, its resource group, its subscription. */
export function exemptionScopes(ref: SiteRef): string[] {
  const subscription = `/subscriptions/${ref.subscriptionId.toLowerCase()}`;
  return [normaliseId(ref.key), `${subscription}/resourcegroups/${ref.resourceGroup.toLowerCase()}`, subscription];
}

/** PK = the lowercased scope, so each lookup is a single-partition query. */
export function exemptionPartition(scope: string): string {
  return encodeKey(normaliseId(scope));
}

/** The register's row layout (a writer lives elsewhere; tests and tools use this). */
export function toExemptionEntity(record: ExemptionRecord, table: string): EntityKeys & Record<string, EntityValue> {
  const keys = { partitionKey: exemptionPartition(record.scope), rowKey: encodeKey(record.id) };
  const properties = definedProperties({
    owner: record.owner,
    approver: record.approver,
    reason: record.reason === undefined ? undefined : truncateText(record.reason),
    category: record.category,
    expiresAt: record.expiresAt,
  });
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
