import type { ProcessedEventsPort } from '../enforcer/ports.js';
import { InvalidInputError } from '../errors.js';
import { encodeKey } from './encodeKey.js';
import type { EntityKeys } from './findingEntity.js';
import { isEntityNotFound } from './mapTableError.js';
import { spreadPartition } from './spreadPartition.js';
import type { Table } from './tableAccess.js';

/**
 * PK = first two hex digits of the id's SHA-256: event ids share prefixes (GUIDs of one
 * publisher, timestamps), and 256 partitions spread the write load evenly. RK = the id itself.
 */
export function processedEventKeys(eventId: string): EntityKeys {
  if (eventId === '') throw new InvalidInputError('event id is empty');
  return { partitionKey: spreadPartition(eventId), rowKey: encodeKey(eventId) };
}

export function createProcessedEventsTable(table: Table): ProcessedEventsPort {
  return {
    async seen(eventId) {
      const { partitionKey, rowKey } = processedEventKeys(eventId);
      return table.run('read processed event', async (client, options) => {
        try {
          await client.getEntity(partitionKey, rowKey, { ...options, queryOptions: { select: ['processedAt'] } });
          return true;
        } catch (err) {
          if (isEntityNotFound(err)) return false;
          throw err;
        }
      });
    },
    async mark(eventId, at) {
      const entity = { ...processedEventKeys(eventId), processedAt: at };
      await table.run('mark event processed', (client, options) => client.upsertEntity(entity, 'Replace', options));
    },
  };
}
