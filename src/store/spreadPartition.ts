import { createHash } from 'node:crypto';

/**
 * A short hash of a key as its PartitionKey: point reads only, so no query needs related rows
 * together, and 256 partitions spread the load of many writers.
 */
export function spreadPartition(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 2);
}
