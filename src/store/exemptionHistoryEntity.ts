import type { ExemptionRegisterPort } from '../model/index.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { checkEntity, type EntityValue } from './entityLimits.js';
import { readString, type StoredEntity } from './entityFields.js';
import { exemptionPartition, recordFrom, registerProperties } from './exemptionEntity.js';
import type { EntityKeys } from './findingEntity.js';
import { invertedTime } from './newestFirst.js';

/** One row of the register's history: an add (or change) or a removal, with the whole record. */
export type RegisterChange = Awaited<ReturnType<ExemptionRegisterPort['history']>>[number];

/**
 * PK = the scope (history outlives the exemption, so it cannot live in the register's rows);
 * RK = inverted time, action, id: newest first, and a retried write rewrites its own row.
 */
export function exemptionHistoryKeys(change: RegisterChange): EntityKeys {
  const rowKey = `${invertedTime(change.at, 'exemption change')}_${change.action}_${encodeKey(change.record.id)}`;
  return { partitionKey: exemptionPartition(change.record.scope), rowKey };
}

export function toExemptionHistoryEntity(change: RegisterChange, table: string): EntityKeys & Record<string, EntityValue> {
  const keys = exemptionHistoryKeys(change);
  const properties = { ...registerProperties(change.record), id: change.record.id, action: change.action, at: change.at, by: change.by };
  checkEntity(table, keys.partitionKey, keys.rowKey, properties);
  return { ...properties, ...keys };
}

export function fromExemptionHistoryEntity(entity: StoredEntity): RegisterChange {
  const action = readString(entity, 'action') === 'removed' ? 'removed' : 'added';
  return {
    at: readString(entity, 'at') ?? '',
    by: readString(entity, 'by') ?? '',
    action,
    record: recordFrom(entity, decodeKey(entity.partitionKey ?? ''), readString(entity, 'id') ?? ''),
  };
}
