import { odata } from '@azure/data-tables';
import type { HistoryPort } from '../model/index.js';
import { fromHistoryEntity, historyRange, historyTimeOffset } from './historyEntity.js';
import { readNewestIn } from './newestFirst.js';
import type { Table } from './tableAccess.js';

/** A resource's history, read from its rows in the `Findings` table (written with the finding: see findingsTable). */
export function createFindingHistory(table: Table): HistoryPort {
  return {
    async list(key, limit) {
      const { partitionKey, from, to } = historyRange(key);
      const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${from} and RowKey lt ${to}`;
      return readNewestIn(table, 'history', filter, historyTimeOffset, limit, fromHistoryEntity);
    },
  };
}
