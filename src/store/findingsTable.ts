import { odata, type TransactionAction } from '@azure/data-tables';
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
}

export interface FindingsStore extends FindingsPort {
  /**
   * Upserts many findings in per-partition transactions (what a sweep writes). Validates all
   * before writing any; on failure some transactions may have landed, and a retry of the
   * whole call is safe (upserts).
   */
  putMany(findings: readonly Finding[]): Promise<PutManyResult>;
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
      await table.run('write finding', async (client, options) => {
        try {
          if (!expect) await client.upsertEntity(entity, 'Replace', options);
          else if ('etag' in expect) await client.updateEntity(entity, 'Replace', { ...options, etag: expect.etag });
          else await client.createEntity(entity, options);
        } catch (err) {
          if (isPreconditionFailed(err) || isEntityConflict(err) || (expect && 'etag' in expect && isEntityNotFound(err))) {
            throw new ConflictError(`finding ${finding.key} changed since it was read`, { cause: err });
          }
          throw err;
        }
      });
    },
    async putMany(findings) {
      const batches = planBatches(findings.map((f) => toFindingEntity(f, table.name)));
      await forEachLimited(batches, PARALLEL_TRANSACTIONS, async (batch) => {
        const actions = batch.map((entity): TransactionAction => ['upsert', entity, 'Replace']);
        await table.run(`write ${batch.length} findings`, (client, options) => client.submitTransaction(actions, options));
      });
      return { written: batches.reduce((n, b) => n + b.length, 0), transactions: batches.length };
    },
    list(options) {
      const filter = options?.subscriptionId ? odata`PartitionKey eq ${subscriptionPartition(options.subscriptionId)}` : undefined;
      return listFindings(table, filter);
    },
  };
}

async function* listFindings(table: Table, filter: string | undefined): AsyncGenerator<Finding> {
  for await (const page of table.pages('list findings', filter, PAGE_SIZE)) {
    for (const entity of page) yield fromFindingEntity(entity);
  }
}
