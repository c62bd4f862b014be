import type { ExemptionRecord, ExemptionRegisterPort } from '../model/index.js';
import { ConflictError } from '../errors.js';
import { decodeKey, encodeKey } from './encodeKey.js';
import { checkExemptionRecord, checkExemptionRemoval } from './checkExemptionRecord.js';
import { exemptionPartition, fromRegisterEntity, toExemptionEntity } from './exemptionEntity.js';
import { fromExemptionHistoryEntity, toExemptionHistoryEntity, type RegisterChange } from './exemptionHistoryEntity.js';
import { isEntityNotFound, isPreconditionFailed } from './mapTableError.js';
import { readNewest } from './newestFirst.js';
import { registerScope } from './registerScope.js';
import { readRow, type Table } from './tableAccess.js';

const PAGE_SIZE = 1000;
/** A removal that keeps losing to concurrent changes of the same exemption gives up after this many reads. */
const REMOVE_ATTEMPTS = 3;

/** The register's writer: every change goes to the history table first, then to the register. */
export function createExemptionRegister(register: Table, history: Table): ExemptionRegisterPort {
  return {
    async put(input) {
      const record = checkExemptionRecord(input);
      const entity = toExemptionEntity(record, register.name);
      await appendChange(history, { at: record.createdAt, by: record.createdBy, action: 'added', record });
      await register.run('write exemption', (client, options) => client.upsertEntity(entity, 'Replace', options));
    },
    async remove(scope, id, by, at) {
      const keys = { partitionKey: exemptionPartition(checkExemptionRemoval(scope, id, by, at)), rowKey: encodeKey(id) };
      return removeExemption(register, history, keys, by, at);
    },
    list() {
      return listRegister(register);
    },
    async history(scope, limit) {
      return readNewest(history, 'exemption history', exemptionPartition(registerScope(scope)), limit, fromExemptionHistoryEntity);
    },
  };
}

/**
 * Records the removal (with the record as it was) and deletes the row only if it is still that
 * version; a concurrent change makes it read again, so history names what was really removed.
 */
async function removeExemption(register: Table, history: Table, keys: { partitionKey: string; rowKey: string }, by: string, at: string): Promise<boolean> {
  for (let attempt = 0; attempt < REMOVE_ATTEMPTS; attempt++) {
    const row = await readRow(register, 'read exemption', keys.partitionKey, keys.rowKey);
    if (!row) return false;
    await appendChange(history, { at, by, action: 'removed', record: fromRegisterEntity(row) });
    const outcome = await register.run('remove exemption', async (client, options) => {
      try {
        await client.deleteEntity(keys.partitionKey, keys.rowKey, { ...options, etag: row.etag });
        return 'deleted';
      } catch (err) {
        if (isEntityNotFound(err)) return 'deleted'; // a concurrent removal won: it is gone either way
        if (isPreconditionFailed(err)) return 'changed';
        throw err;
      }
    });
    if (outcome === 'deleted') return true;
  }
  throw new ConflictError(`exemption ${JSON.stringify(decodeKey(keys.rowKey))} kept changing while being removed: try again`);
}

function appendChange(history: Table, change: RegisterChange): Promise<unknown> {
  const entity = toExemptionHistoryEntity(change, history.name);
  // Replace, not insert: a retried put or remove rewrites its own history row.
  return history.run('append exemption history', (client, options) => client.upsertEntity(entity, 'Replace', options));
}

async function* listRegister(table: Table): AsyncGenerator<ExemptionRecord> {
  for await (const page of table.pages('list exemptions', undefined, PAGE_SIZE)) {
    for (const entity of page) yield fromRegisterEntity(entity);
  }
}
