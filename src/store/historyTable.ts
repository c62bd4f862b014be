import type { HistoryPort } from '../enforcer/ports.js';
import { fromHistoryEntity, historyPartition, toHistoryEntity } from './historyEntity.js';
import { readNewest } from './newestFirst.js';
import type { Table } from './tableAccess.js';

export function createHistoryTable(table: Table): HistoryPort {
  return {
    async append(entry) {
      const entity = toHistoryEntity(entry, table.name);
      // Replace, not insert: a retried delivery rewrites the same row instead of failing on 409.
      await table.run('append history', (client, options) => client.upsertEntity(entity, 'Replace', options));
    },
    async list(key, limit) {
      return readNewest(table, 'history', historyPartition(key), limit, fromHistoryEntity);
    },
  };
}
