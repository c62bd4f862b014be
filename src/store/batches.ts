import type { EntityKeys } from './findingEntity.js';

/** Table Storage: a transaction holds at most 100 operations on one partition, at most 4 MiB. */
export const MAX_BATCH_OPERATIONS = 100;
/** Below 4 MiB, leaving room for the multipart envelope our estimate does not see. */
const MAX_BATCH_BYTES = 3.5 * 1024 * 1024;
const PER_OPERATION_OVERHEAD = 512;

/**
 * Splits entities into legal transactions: grouped by partition, at most 100 operations and
 * ~3.5 MiB each. A row may appear only once in a transaction, so a repeated row keeps its last
 * version (what sequential upserts would have left).
 */
export function planBatches<E extends EntityKeys>(entities: readonly E[]): E[][] {
  return planUnitBatches(entities.map((e) => [e])).map((units) => units.flat());
}

/**
 * The same for units of rows of one partition that must land together (a finding and its history
 * row): a unit is never split across transactions. Units are known by their first row; a repeated
 * one keeps its last version.
 */
export function planUnitBatches<E extends EntityKeys>(units: readonly (readonly E[])[]): E[][][] {
  const partitions = new Map<string, Map<string, readonly E[]>>();
  for (const unit of units) {
    const head = unit[0];
    if (!head) continue;
    const rows = partitions.get(head.partitionKey) ?? new Map<string, readonly E[]>();
    rows.delete(head.rowKey);
    rows.set(head.rowKey, unit);
    partitions.set(head.partitionKey, rows);
  }
  const batches: E[][][] = [];
  for (const rows of partitions.values()) {
    let batch: E[][] = [];
    let operations = 0;
    let bytes = 0;
    for (const unit of rows.values()) {
      const size = unit.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)) + PER_OPERATION_OVERHEAD, 0);
      if (batch.length > 0 && (operations + unit.length > MAX_BATCH_OPERATIONS || bytes + size > MAX_BATCH_BYTES)) {
        batches.push(batch);
        batch = [];
        operations = 0;
        bytes = 0;
      }
      batch.push([...unit]);
      operations += unit.length;
      bytes += size;
    }
    if (batch.length > 0) batches.push(batch);
  }
  return batches;
}
