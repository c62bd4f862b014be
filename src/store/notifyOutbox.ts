import { odata, type TransactionAction } from '@azure/data-tables';
import { planBatches, planUnitBatches } from './batches.js';
import { readString } from './entityFields.js';
import { subscriptionPartition } from './findingEntity.js';
import { isEntityConflict, isEntityNotFound } from './mapTableError.js';
import { NOTICES_PARTITION, onceNoticeEntities, onceNoticeMarkerKey, fromOutboxEntity, OUTBOX_ROWS_FROM, OUTBOX_ROWS_TO, RUNS_PARTITION, toRunNoticeEntity, type OnceNotice, type OutboxItem, type RunNotice } from './outboxEntity.js';
import type { EntityValue } from './entityLimits.js';
import type { EntityKeys } from './findingEntity.js';
import type { Table } from './tableAccess.js';

/** The sender's own rows (window, deliveries) live in one partition of the Findings table no subscription can have. */
const SENDER_PARTITION = '~notify';

/** Table Storage allows 15 comparisons in a filter: the partition's, and this many RowKeys. */
const MARKERS_PER_QUERY = 14;

/** A once notice's marker and row, written together. */
type NoticeRow = EntityKeys & Record<string, EntityValue>;

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
  /** Which of these once-notice keys were given already (their marker exists): one query per 14 keys. */
  givenOnceNotices(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Notices given once ever, each insert-if-absent (its marker's create and its row in one
   * transaction, up to 50 notices a transaction): returns how many were new. A transaction that
   * meets a marker written meanwhile (another instance) is retried one notice at a time.
   */
  addOnceNotices(notices: readonly OnceNotice[]): Promise<number>;
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
  // One transaction: each unit's first row, its marker, is created (409 once noticed, and the whole batch with it), its notice row upserted.
  const insertIfAbsent = (units: readonly (readonly NoticeRow[])[]): Promise<boolean> =>
    table.run('write once notices', async (client, options) => {
      try {
        await client.submitTransaction(units.flatMap((unit) => unit.map((e, i): TransactionAction => (i === 0 ? ['create', e] : ['upsert', e, 'Replace']))), options);
        return true;
      } catch (err) {
        if (isEntityConflict(err)) return false;
        throw err;
      }
    });
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
    async givenOnceNotices(keys) {
      const keysOf = new Map<string, string[]>();
      for (const key of keys) keysOf.set(onceNoticeMarkerKey(key), [...(keysOf.get(onceNoticeMarkerKey(key)) ?? []), key]);
      const markers = [...keysOf.keys()];
      const given = new Set<string>();
      for (let i = 0; i < markers.length; i += MARKERS_PER_QUERY) {
        const rowKeys = markers.slice(i, i + MARKERS_PER_QUERY).map((m) => odata`RowKey eq ${m}`).join(' or ');
        const filter = `${odata`PartitionKey eq ${NOTICES_PARTITION}`} and (${rowKeys})`;
        for await (const page of table.pages('read once-notice markers', filter, 1000)) {
          for (const entity of page) for (const key of keysOf.get(entity.rowKey ?? '') ?? []) given.add(key);
        }
      }
      return given;
    },
    async addOnceNotices(notices) {
      const units: NoticeRow[][] = notices.map((n) => onceNoticeEntities(n)).map(({ marker, row }) => [marker, row]);
      let added = 0;
      for (const batch of planUnitBatches(units)) {
        if (await insertIfAbsent(batch)) added += batch.length;
        // A marker of the batch was written meanwhile: each notice alone, so the others still go.
        else if (batch.length > 1) for (const unit of batch) if (await insertIfAbsent([unit])) added++;
      }
      return added;
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
