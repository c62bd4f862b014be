import { odata, type TableTransactionResponse, type TransactionAction } from '@azure/data-tables';
import type { FindingsPort } from '../enforcer/ports.js';
import type { Finding } from './types.js';
import { forEachLimited } from '../shared/forEachLimited.js';
import { planBatches } from './batches.js';
import { findingKeys, fromFindingEntity, subscriptionPartition, toFindingEntity } from './findingEntity.js';
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
   * Writes many findings in per-partition transactions (what a sweep writes). Validates all
   * before writing any; on failure some transactions may have landed, and a retry of the
   * whole call is safe. With `expect`, a row named there is written only if it is still that
   * version (or still absent); a transaction holding a changed row falls back to row-by-row
   * writes, and the changed rows come back in `conflicts`, unwritten.
   */
  putMany(findings: readonly Finding[], expect?: ReadonlyMap<string, RowExpectation>): Promise<PutManyResult>;
}

const PAGE_SIZE = 1000;
const PARALLEL_TRANSACTIONS = 4;

export function createFindingsTable(table: Table): FindingsStore {
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
    async put(finding, expect) {
      const entity = toFindingEntity(finding, table.name);
      return table.run('write finding', async (client, options) => {
        try {
          if (!expect) return (await client.upsertEntity(entity, 'Replace', options)).etag;
          if ('etag' in expect) return (await client.updateEntity(entity, 'Replace', { ...options, etag: expect.etag })).etag;
          return (await client.createEntity(entity, options)).etag;
        } catch (err) {
          if (isPreconditionFailed(err) || isEntityConflict(err) || (expect && 'etag' in expect && isEntityNotFound(err))) {
            throw new ConflictError(`finding ${finding.key} changed since it was read`, { cause: err });
          }
          throw err;
        }
      });
    },
    async putMany(findings, expect) {
      const keyOf = new Map<string, string>();
      const entities = findings.map((f) => {
        const entity = toFindingEntity(f, table.name);
        keyOf.set(rowId(entity), f.key);
        return entity;
      });
      const batches = planBatches(entities);
      const conflicts: string[] = [];
      const etags = new Map<string, string>();
      const expectationOf = (entity: FindingEntity) => expect?.get(keyOf.get(rowId(entity)) ?? '');
      // A transaction answers its operations in their order (updates and upserts name no row).
      const keep = (response: TableTransactionResponse, batch: readonly FindingEntity[]) => {
        if (response.subResponses.length !== batch.length) return;
        batch.forEach((entity, i) => {
          const etag = response.subResponses[i]?.etag;
          if (etag) etags.set(keyOf.get(rowId(entity)) ?? rowId(entity), etag);
        });
      };
      let written = 0;
      await forEachLimited(batches, PARALLEL_TRANSACTIONS, async (batch) => {
        const actions = batch.map((entity) => actionFor(entity, expectationOf(entity)));
        const response = await submit(table, `write ${batch.length} findings`, actions, !!expect);
        if (response) {
          written += batch.length;
          keep(response, batch);
          return;
        }
        // One changed row fails the whole transaction: write the others one by one.
        for (const entity of batch) {
          const alone = await submit(table, 'write finding', [actionFor(entity, expectationOf(entity))], true);
          if (alone) {
            written++;
            keep(alone, [entity]);
          } else conflicts.push(keyOf.get(rowId(entity)) ?? rowId(entity));
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
      const filter = options?.subscriptionId ? odata`PartitionKey eq ${subscriptionPartition(options.subscriptionId)}` : undefined;
      return listFindings(table, filter);
    },
  };
}

type FindingEntity = ReturnType<typeof toFindingEntity>;

const rowId = (entity: FindingEntity) => `${entity.partitionKey}\u0000${entity.rowKey}`;

function actionFor(entity: FindingEntity, expect: RowExpectation | undefined): TransactionAction {
  if (!expect) return ['upsert', entity, 'Replace'];
  return 'etag' in expect ? ['update', entity, 'Replace', { etag: expect.etag }] : ['create', entity];
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
