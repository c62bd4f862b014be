import { odata } from '@azure/data-tables';
import { InvalidInputError } from '../errors.js';
import type { StoredEntity } from './entityFields.js';
import type { Table } from './tableAccess.js';

/** Largest epoch milliseconds a Date can hold; `MAX - ms` is never negative. */
const MAX_MS = 8_640_000_000_000_000;
/** Digits of 2 × MAX_MS, so every inverted time has the same width and sorts as text. */
export const TIME_WIDTH = 17;
const MAX_PAGE_SIZE = 1000;
/** Rows beyond the limit fetched in the same page, so a few rows of the limit's instant need no second request. */
const TIE_ALLOWANCE = 4;

/**
 * A RowKey prefix that sorts newest first (Table Storage returns a partition in ascending row
 * order), and is the same for the same instant however `at` is spelled.
 */
export function invertedTime(at: string, what: string): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new InvalidInputError(`${what} time is not a date: ${JSON.stringify(at)}`);
  return String(MAX_MS - ms).padStart(TIME_WIDTH, '0');
}

export function checkLimit(limit: number | undefined, what: string): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new InvalidInputError(`${what} limit must be a positive integer, got ${limit}`);
}

/**
 * One partition of an append-only table, newest first, at most `limit` rows. Rows of the same
 * instant (e.g. an evaluation and the remediation it caused, both at the event's time) come last
 * written first, by the service's Timestamp; the RowKey alone would order them by cause id.
 */
export function readNewest<T>(table: Table, what: string, partitionKey: string, limit: number | undefined, read: (entity: StoredEntity) => T): Promise<T[]> {
  return readNewestIn(table, what, odata`PartitionKey eq ${partitionKey}`, () => 0, limit, read);
}

/**
 * The same for the rows `filter` selects (one RowKey range of a partition), their inverted time
 * starting at `timeAt(rowKey)` in the RowKey.
 */
export async function readNewestIn<T>(
  table: Table,
  what: string,
  filter: string,
  timeAt: (rowKey: string) => number,
  limit: number | undefined,
  read: (entity: StoredEntity) => T,
): Promise<T[]> {
  checkLimit(limit, what);
  const instant = (entity: StoredEntity | undefined): string => {
    const rowKey = entity?.rowKey ?? '';
    return rowKey.slice(timeAt(rowKey), timeAt(rowKey) + TIME_WIDTH);
  };
  const rows: StoredEntity[] = [];
  const pageSize = Math.min((limit ?? MAX_PAGE_SIZE) + TIE_ALLOWANCE, MAX_PAGE_SIZE);
  scan: for await (const page of table.pages(`list ${what}`, filter, pageSize)) {
    for (const entity of page) {
      // Past the limit, only rows of the last kept row's instant can still belong in the answer.
      if (limit !== undefined && rows.length >= limit && instant(entity) !== instant(rows[rows.length - 1])) break scan;
      rows.push(entity);
    }
  }
  rows.sort((a, b) => instant(a).localeCompare(instant(b)) || written(b) - written(a));
  return rows.slice(0, limit).map(read);
}

function written(entity: StoredEntity): number {
  const ms = Date.parse(typeof entity.timestamp === 'string' ? entity.timestamp : '');
  return Number.isNaN(ms) ? 0 : ms;
}
