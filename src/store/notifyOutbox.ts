import { odata, type TransactionAction } from '@azure/data-tables';
import { planBatches } from './batches.js';
import { readString } from './entityFields.js';
import { subscriptionPartition } from './findingEntity.js';
import { isEntityConflict, isEntityNotFound } from './mapTableError.js';
import { NOTICES_PARTITION, onceNoticeEntities, fromOutboxEntity, OUTBOX_ROWS_FROM, OUTBOX_ROWS_TO, RUNS_PARTITION, toRunNoticeEntity, type OnceNotice, type OutboxItem, type RunNotice } from './outboxEntity.js';
import type { Table } from './tableAccess.js';

/** The sender's own rows (window, deliveries) live in one partition of the Findings table no subscription can have. */
const SENDER_PARTITION = '~notify';

/** A delivery's record: one per send batch and channel, the idempotency key of what was sent. */
export interface DeliveryRecord {
  status: 'sent' | 'failed';
  at: string;
  tries: number;
  items: number;
  error?: string;
}

/** The notification outbox (rows written with the findings, see outboxEntity.ts) and the sender's state. */
export interface NotifyOutbox {
  /** Unsent outbox rows of these subscriptions, oldest partition order. */
  pending(subscriptionIds: readonly string[]): Promise<OutboxItem[]>;
  /** A finished sweep run's notice (idempotent per run). */
  addRunNotice(notice: RunNotice): Promise<void>;
  /** A notice given once ever (false when it was already). */
  addOnceNotice(notice: OnceNotice): Promise<boolean>;
  /** Marks rows as claimed by a send batch, so a restart resends exactly that batch. */
  claim(items: readonly OutboxItem[], batch: string): Promise<void>;
  /** Deletes rows every channel is done with. */
  remove(items: readonly OutboxItem[]): Promise<void>;
  delivery(batch: string, channel: string): Promise<DeliveryRecord | undefined>;
  recordDelivery(batch: string, channel: string, record: DeliveryRecord): Promise<void>;
  /** When the last digest window opened (ISO), if ever. */
  lastWindow(): Promise<string | undefined>;
  setLastWindow(at: string): Promise<void>;
}

export function createNotifyOutbox(table: Table): NotifyOutbox {
  const state = async (rowKey: string): Promise<Record<string, unknown> | undefined> =>
    table.run('read notification state', async (client, options) => {
      try {
        return await client.getEntity(SENDER_PARTITION, rowKey, options);
      } catch (err) {
        if (isEntityNotFound(err)) return undefined;
        throw err;
      }
    });
  const put = (rowKey: string, properties: Record<string, string | number>) =>
    table.run('write notification state', (client, options) => client.upsertEntity({ partitionKey: SENDER_PARTITION, rowKey, ...properties }, 'Replace', options)).then(() => undefined);
  const transact = async (items: readonly OutboxItem[], what: string, action: (item: OutboxItem) => TransactionAction) => {
    for (const batch of planBatches(items)) await table.run(what, (client, options) => client.submitTransaction(batch.map(action), options));
  };
  return {
    async pending(subscriptionIds) {
      const out: OutboxItem[] = [];
      const partitions = [RUNS_PARTITION, NOTICES_PARTITION, ...new Set(subscriptionIds.map((s) => subscriptionPartition(s)))];
      for (const partition of partitions) {
        const filter = odata`PartitionKey eq ${partition} and RowKey ge ${OUTBOX_ROWS_FROM} and RowKey lt ${OUTBOX_ROWS_TO}`;
        for await (const page of table.pages('list notification outbox', filter, 1000)) out.push(...page.map(fromOutboxEntity));
      }
      return out;
    },
    addRunNotice: (notice) => table.run('write run notice', (client, options) => client.upsertEntity(toRunNoticeEntity(notice), 'Replace', options)).then(() => undefined),
    async addOnceNotice(notice) {
      const { marker, row } = onceNoticeEntities(notice);
      // One transaction: the marker's create fails (409) once noticed, and the notice row goes with it.
      return table.run('write exemption notice', async (client, options) => {
        try {
          await client.submitTransaction([['create', marker], ['upsert', row, 'Replace']], options);
          return true;
        } catch (err) {
          if (isEntityConflict(err)) return false;
          throw err;
        }
      });
    },
    claim: (items, batch) => transact(items, 'claim outbox rows', (i) => ['update', { partitionKey: i.partitionKey, rowKey: i.rowKey, batch }, 'Merge']),
    remove: (items) => transact(items, 'delete outbox rows', (i) => ['delete', { partitionKey: i.partitionKey, rowKey: i.rowKey }]),
    async delivery(batch, channel) {
      const row = await state(`d_${batch}_${channel}`);
      if (!row) return undefined;
      return { status: readString(row, 'status') === 'sent' ? 'sent' : 'failed', at: readString(row, 'at') ?? '', tries: Number(row.tries ?? 0), items: Number(row.items ?? 0), ...(readString(row, 'error') ? { error: readString(row, 'error') as string } : {}) };
    },
    recordDelivery: (batch, channel, record) => put(`d_${batch}_${channel}`, { ...record }),
    async lastWindow() {
      return readString((await state('window')) ?? {}, 'at');
    },
    setLastWindow: (at) => put('window', { at }),
  };
}
