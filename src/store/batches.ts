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
  const partitions = new Map<string, Map<string, E>>();
  for (const entity of entities) {
    const rows = partitions.get(entity.partitionKey) ?? new Map<string, E>();
    rows.delete(entity.rowKey);
    rows.set(entity.rowKey, entity);
    partitions.set(entity.partitionKey, rows);
  }
  const batches: E[][] = [];
  for (const rows of partitions.values()) {
    let batch: E[] = [];
    let bytes = 0;
    for (const entity of rows.values()) {
      const size = Buffer.byteLength(JSON.stringify(entity)) + PER_OPERATION_OVERHEAD;
      if (batch.length > 0 && (batch.length === MAX_BATCH_OPERATIONS || bytes + size > MAX_BATCH_BYTES)) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(entity);
      bytes += size;
    }
    if (batch.length > 0) batches.push(batch);
  }
  return batches;
}
