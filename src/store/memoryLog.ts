/**
 * An append-only table's partition held in memory, as the Table Storage adapters keep one: a row
 * per key (writing a key again replaces its row), read newest first by time, rows of the same
 * instant last written first (the tables order those by the service's Timestamp).
 */
export interface MemoryLog<T> {
  /** Write the row `key` names (the key should hold the row's instant as the table's RowKey does). */
  put(key: string, item: T): void;
  get(key: string): T | undefined;
  /** The rows `select` keeps, newest first, at most `limit`. */
  newest(select: (item: T) => boolean, limit?: number): T[];
}

export function createMemoryLog<T>(at: (item: T) => string): MemoryLog<T> {
  const rows = new Map<string, { item: T; written: number }>();
  let written = 0;
  return {
    put(key, item) {
      rows.set(key, { item: structuredClone(item), written: ++written });
    },
    get(key) {
      const row = rows.get(key);
      return row && structuredClone(row.item);
    },
    newest(select, limit) {
      const mine = [...rows.values()].filter((r) => select(r.item));
      mine.sort((a, b) => Date.parse(at(b.item)) - Date.parse(at(a.item)) || b.written - a.written);
      return mine.slice(0, limit ?? mine.length).map((r) => structuredClone(r.item));
    },
  };
}

/** The same instant however it is spelled, as the tables' inverted-time RowKeys make it. */
export function instantKey(at: string): string {
  return String(Date.parse(at));
}
