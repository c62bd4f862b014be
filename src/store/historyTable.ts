import type { HistoryPort } from '../enforcer/ports.js';
import { fromHistoryEntity, historyKeys, historyPartition, toHistoryEntity } from './historyEntity.js';
import { isEntityNotFound, isPreconditionFailed } from './mapTableError.js';
import { readNewest } from './newestFirst.js';
import type { Table } from './tableAccess.js';

export function createHistoryTable(table: Table): HistoryPort {
  return {
    async append(entry) {
      const entity = toHistoryEntity(entry, table.name);
      // Replace, not insert: a retried delivery rewrites the same row instead of failing on 409.
      const written = await table.run('append history', (client, options) => client.upsertEntity(entity, 'Replace', options));
      return written.etag;
    },
    async retract(entry, etag) {
      const { partitionKey, rowKey } = historyKeys(entry);
      await table.run('retract history', async (client, options) => {
        try {
          await client.deleteEntity(partitionKey, rowKey, { ...options, etag });
        } catch (err) {
          // Gone already, or rewritten since: either way the row is not ours to remove.
          if (!isEntityNotFound(err) && !isPreconditionFailed(err)) throw err;
        }
      });
    },
    async list(key, limit) {
      return readNewest(table, 'history', historyPartition(key), limit, fromHistoryEntity);
    },
  };
}
