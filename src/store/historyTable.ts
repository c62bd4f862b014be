import { odata } from '@azure/data-tables';
import type { HistoryPort } from '../enforcer/ports.js';
import { InvalidInputError } from '../errors.js';
import type { HistoryEntry } from './types.js';
import { fromHistoryEntity, historyPartition, toHistoryEntity } from './historyEntity.js';
import type { Table } from './tableAccess.js';

const MAX_PAGE_SIZE = 1000;

export function createHistoryTable(table: Table): HistoryPort {
  return {
    async append(entry) {
      const entity = toHistoryEntity(entry, table.name);
      // Replace, not insert: a retried delivery rewrites the same row instead of failing on 409.
      await table.run('append history', (client, options) => client.upsertEntity(entity, 'Replace', options));
    },
    async list(key, limit) {
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new InvalidInputError(`history limit must be a positive integer, got ${limit}`);
      const filter = odata`PartitionKey eq ${historyPartition(key)}`;
      const entries: HistoryEntry[] = [];
      const pageSize = Math.min(limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
      for await (const page of table.pages('list history', filter, pageSize)) {
        for (const entity of page) {
          entries.push(fromHistoryEntity(entity));
          if (entries.length === limit) return entries;
        }
      }
      return entries;
    },
  };
}
