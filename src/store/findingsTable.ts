import { odata, type TableTransactionResponse, type TransactionAction } from '@azure/data-tables';
import type { FindingsPort } from '../model/index.js';
import type { Finding, HistoryEntry } from '../model/index.js';
import { forEachLimited } from '../shared/index.js';
import { planUnitBatches } from './batches.js';
import { CURRENT_ROWS_FROM, CURRENT_ROWS_TO, findingKeys, fromFindingEntity, subscriptionPartition, toFindingEntity } from './findingEntity.js';
import { toHistoryEntity } from './historyEntity.js';
import { toOutboxEntity } from './outboxEntity.js';
import { isEntityConflict, isEntityNotFound, isPreconditionFailed } from './mapTableError.js';
import { ConflictError } from '../errors.js';
import type { Table } from './tableAccess.js';

export interface PutManyResult {
  written: number;
  transactions: number;
  /** Keys whose row was not written because it changed (or appeared) since it was read. */
  conflicts: string[];
  /** The version (ETag) each written row now has, by key, where the service answered one. */
  etags: Map<string, string>;
}

/** What a row must still be for a conditional write: that version, or absent. */
export type RowExpectation = { etag: string } | { absent: true };

export interface FindingsStore extends FindingsPort {
  /**
   * Writes many findings, each with its history row (from `history`, by key) in the same
   * transaction, in per-partition transactions (what a sweep writes). Validates all before
   * writing any; on failure some transactions may have landed, and a retry of the whole call is
   * safe. With `expect`, a row named there is written only if it is still that version (or still
   * absent); a transaction holding a changed row falls back to one transaction per finding, and
   * the changed rows come back in `conflicts`, unwritten, their history rows with them.
   */
  putMany(findings: readonly Finding[], expect?: ReadonlyMap<string, RowExpectation>, history?: ReadonlyMap<string, HistoryEntry>): Promise<PutManyResult>;
}

const PAGE_SIZE = 1000;
const PARALLEL_TRANSACTIONS = 4;

type Entity = ReturnType<typeof toFindingEntity>;
/** A finding's row and its history row, if any: one unit of one transaction. */
interface Unit {
  key: string;
  rows: Entity[];
}

export function createFindingsTable(table: Table, options: { outbox?: boolean } = {}): FindingsStore {
  const unitOf = (finding: Finding, history: HistoryEntry | undefined, name: string): Unit => unitRows(finding, history, name, options.outbox === true);
  return {
    async get(key) {
      const { partitionKey, rowKey } = findingKeys(key);
      return table.run('read finding', async (client, options) => {
        try {
          return fromFindingEntity(await client.getEntity(partitionKey, rowKey, options));
        } catch (err) {
          if (isEntityNotFound(err)) return undefined;
          throw err;
        }
      });
    },
    async put(finding, expect, history) {
      const unit = unitOf(finding, history, table.name);
      const response = await submit(table, history ? 'write finding and history' : 'write finding', actionsFor(unit, expect), !!expect);
      if (!response) throw new ConflictError(`finding ${finding.key} changed since it was read`);
      return response.subResponses[0]?.etag;
    },
    async putMany(findings, expect, history) {
      const units = findings.map((f) => unitOf(f, history?.get(f.key), table.name));
      const byHead = new Map(units.map((u) => [u.rows[0] as Entity, u]));
      const batches = planUnitBatches(units.map((u) => u.rows)).map((batch) => batch.map((rows) => byHead.get(rows[0] as Entity) as Unit));
      const conflicts: string[] = [];
      const etags = new Map<string, string>();
      // A transaction answers its operations in their order; each unit's finding row comes first.
      const keep = (response: TableTransactionResponse, batch: readonly Unit[]) => {
        let at = 0;
        for (const unit of batch) {
          const etag = response.subResponses[at]?.etag;
          if (etag) etags.set(unit.key, etag);
          at += unit.rows.length;
        }
      };
      let written = 0;
      await forEachLimited(batches, PARALLEL_TRANSACTIONS, async (batch) => {
        const actions = batch.flatMap((unit) => actionsFor(unit, expect?.get(unit.key)));
        const response = await submit(table, `write ${batch.length} findings`, actions, !!expect);
        if (response) {
          written += batch.length;
          keep(response, batch);
          return;
        }
        // One changed row fails the whole transaction: write the others one by one (each with its history).
        for (const unit of batch) {
          const alone = await submit(table, 'write finding', actionsFor(unit, expect?.get(unit.key)), true);
          if (alone) {
            written++;
            keep(alone, [unit]);
          } else conflicts.push(unit.key);
        }
      });
      return { written, transactions: batches.length, conflicts, etags };
    },
    list(options) {
      if (options?.keyPrefix) {
        // A key prefix under one subscription is a RowKey range of one partition (encodeKey keeps prefixes).
        const { partitionKey, rowKey } = findingKeys(options.keyPrefix);
        const upper = rowKey.slice(0, -1) + String.fromCharCode(rowKey.charCodeAt(rowKey.length - 1) + 1);
        return listFindings(table, odata`PartitionKey eq ${partitionKey} and RowKey ge ${rowKey} and RowKey lt ${upper}`);
      }
      // Current rows only: history rows share the partitions under another RowKey prefix.
      const current = odata`RowKey ge ${CURRENT_ROWS_FROM} and RowKey lt ${CURRENT_ROWS_TO}`;
      const filter = options?.subscriptionId ? odata`PartitionKey eq ${subscriptionPartition(options.subscriptionId)} and ` + current : current;
      return listFindings(table, filter);
    },
  };
}

function unitRows(finding: Finding, history: HistoryEntry | undefined, table: string, withOutbox: boolean): Unit {
  const rows = [toFindingEntity(finding, table)];
  if (history) rows.push(toHistoryEntity(history, table));
  // A change people are told about carries its outbox row in the same transaction (outboxEntity.ts).
  const outbox = withOutbox && history ? toOutboxEntity(history) : undefined;
  if (outbox) rows.push(outbox as Entity);
  return { key: finding.key, rows };
}

/**
 * The finding's write (conditional on `expect`) and its history row's: the history row is written
 * only if the finding's condition holds, as both are one transaction. (Replace, so a retried
 * recording rewrites the same row instead of failing on 409.)
 */
function actionsFor(unit: Unit, expect: RowExpectation | undefined): TransactionAction[] {
  const [finding, ...history] = unit.rows as [Entity, ...Entity[]];
  const first: TransactionAction = !expect ? ['upsert', finding, 'Replace'] : 'etag' in expect ? ['update', finding, 'Replace', { etag: expect.etag }] : ['create', finding];
  return [first, ...history.map((row): TransactionAction => ['upsert', row, 'Replace'])];
}

/** Submit one transaction; false when `conditional` and a row in it changed since it was read. */
function submit(table: Table, what: string, actions: TransactionAction[], conditional: boolean): Promise<TableTransactionResponse | false> {
  return table.run(what, async (client, options) => {
    try {
      return await client.submitTransaction(actions, options);
    } catch (err) {
      if (conditional && isChangedRow(err)) return false;
      throw err;
    }
  });
}

/** The row changed since it was read: ETag mismatch, created meanwhile, or deleted meanwhile. */
function isChangedRow(err: unknown): boolean {
  return isPreconditionFailed(err) || isEntityConflict(err) || isEntityNotFound(err);
}

async function* listFindings(table: Table, filter: string | undefined): AsyncGenerator<Finding> {
  for await (const page of table.pages('list findings', filter, PAGE_SIZE)) {
    for (const entity of page) yield fromFindingEntity(entity);
  }
}
