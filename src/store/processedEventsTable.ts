import { odata, type TransactionAction } from '@azure/data-tables';
import type { EventMark, ProcessedEventsPort } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { parseIsoDate } from '../policy/index.js';
import { chunk } from '../shared/index.js';
import { forEachLimited } from '../shared/index.js';
import { planBatches } from './batches.js';
import { encodeKey } from './encodeKey.js';
import type { EntityKeys } from './findingEntity.js';
import type { Table } from './tableAccess.js';

/** Table Storage allows 15 comparisons in one filter: the PartitionKey's, and 14 RowKeys. */
const ROWS_PER_QUERY = 14;
const PARALLEL_REQUESTS = 4;

/**
 * PK = the minute (UTC) of the event's own time, RK = the event id. Event Grid redelivers an event
 * with its time unchanged, so a redelivery finds its row; and the events of one delivery mostly
 * share a minute, so a delivery is checked with one query and marked with one transaction, not
 * two requests per event. Table Storage serves a query naming several RowKeys of one partition as
 * a scan of that partition: a minute keeps the scan to one minute of a tenant's site writes (and
 * a partition takes about 2,000 writes a second, far above them).
 */
export function processedEventKeys(event: EventMark): EntityKeys {
  if (event.eventId === '') throw new InvalidInputError('event id is empty');
  const time = parseIsoDate(event.eventTime ?? '');
  if (!time) throw new InvalidInputError(`event ${JSON.stringify(event.eventId)} has no ISO 8601 time: ${JSON.stringify(event.eventTime)}`);
  return { partitionKey: time.toISOString().slice(0, 16), rowKey: encodeKey(event.eventId) };
}

export function createProcessedEventsTable(table: Table): ProcessedEventsPort {
  return {
    async seen(events) {
      const found = new Set<string>();
      const queries = [...byPartition(events)].flatMap(([partitionKey, rows]) => chunk([...rows], ROWS_PER_QUERY).map((piece) => ({ partitionKey, rows: new Map(piece) })));
      await forEachLimited(queries, PARALLEL_REQUESTS, async ({ partitionKey, rows }) => {
        const anyRow = [...rows.keys()].map((rowKey) => odata`RowKey eq ${rowKey}`).join(' or ');
        for await (const page of table.pages('read processed events', `${odata`PartitionKey eq ${partitionKey}`} and (${anyRow})`, ROWS_PER_QUERY)) {
          for (const entity of page) {
            const eventId = rows.get(String(entity.rowKey));
            if (eventId !== undefined) found.add(eventId);
          }
        }
      });
      return found;
    },
    async mark(events, at) {
      // planBatches groups by partition and keeps each row once.
      const entities = events.map((event) => ({ ...processedEventKeys(event), processedAt: at }));
      await forEachLimited(planBatches(entities), PARALLEL_REQUESTS, async (batch) => {
        const actions: TransactionAction[] = batch.map((entity) => ['upsert', entity, 'Replace']);
        await table.run(`mark ${batch.length} event(s) processed`, (client, options) => client.submitTransaction(actions, options));
      });
    },
  };
}

/** Partition → (row key → event id), each event once; checks every event before any request. */
function byPartition(events: readonly EventMark[]): Map<string, Map<string, string>> {
  const partitions = new Map<string, Map<string, string>>();
  for (const event of events) {
    const { partitionKey, rowKey } = processedEventKeys(event);
    const rows = partitions.get(partitionKey) ?? new Map<string, string>();
    rows.set(rowKey, event.eventId);
    partitions.set(partitionKey, rows);
  }
  return partitions;
}
