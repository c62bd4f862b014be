import type { HistoryPort } from '../enforcer/ports.js';
import { fromHistoryEntity, historyKeys, historyPartition, sameHistoryOutcome, toHistoryEntity } from './historyEntity.js';
import { isEntityConflict, isEntityNotFound, isPreconditionFailed } from './mapTableError.js';
import { readNewest } from './newestFirst.js';
import type { Table } from './tableAccess.js';
import type { StoredEntity } from './entityFields.js';

export function createHistoryTable(table: Table): HistoryPort {
  return {
    async append(entry) {
      const entity = toHistoryEntity(entry, table.name);
      // Replace, not insert: a retried delivery rewrites the same row instead of failing on 409.
      const written = await table.run('append history', (client, options) => client.upsertEntity(entity, 'Replace', options));
      return written.etag;
    },
    async insert(entry) {
      const entity = toHistoryEntity(entry, table.name);
      return table.run('insert history', async (client, options) => {
        for (;;) {
          try {
            return { etag: (await client.createEntity(entity, options)).etag };
          } catch (err) {
            if (!isEntityConflict(err)) throw err;
          }
          // The row exists: rewrite it only if it records the same outcome, and only the version read.
          let existing;
          try {
            existing = await client.getEntity<StoredEntity>(entity.partitionKey, entity.rowKey, options);
          } catch (err) {
            if (isEntityNotFound(err)) continue;
            throw err;
          }
          if (!sameHistoryOutcome(fromHistoryEntity(existing), entry)) return { taken: existing.etag ?? '' };
          try {
            return { etag: (await client.updateEntity(entity, 'Replace', { ...options, etag: existing.etag ?? '*' })).etag };
          } catch (err) {
            if (!isPreconditionFailed(err) && !isEntityNotFound(err)) throw err;
          }
        }
      });
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
