import { odata, type TransactionAction } from '@azure/data-tables';
import type { RolloutMemberRecord, RolloutRecord, RolloutsPort } from '../model/index.js';
import { planBatches } from './batches.js';
import type { StoredEntity } from './entityFields.js';
import { isEntityNotFound } from './mapTableError.js';
import { fromMemberEntity, fromPlanEntity, fromWaveEntity, isMemberRow, isWaveRow, MEMBER_ROWS, PLAN_ROW, planKey, toMemberEntity, toPlanEntity, toWaveEntity, WAVE_ROWS } from './rolloutEntity.js';
import type { Table } from './tableAccess.js';

/** PK = plan id; RK `!plan`, `wave-00001`..., `app-<encoded resource id>`. Every write an idempotent upsert. */
export function createRolloutsTable(table: Table): RolloutsPort {
  const upsertAll = async (entities: ReturnType<typeof toMemberEntity>[]) => {
    for (const batch of planBatches(entities)) {
      const actions: TransactionAction[] = batch.map((e) => ['upsert', e, 'Replace']);
      await table.run('write rollout rows', (client, options) => client.submitTransaction(actions, options));
    }
  };
  const rowsOf = async (what: string, filter: string): Promise<StoredEntity[]> => {
    const rows: StoredEntity[] = [];
    for await (const page of table.pages(what, filter, 1000)) rows.push(...page);
    return rows;
  };
  return {
    async create(record) {
      await upsertAll([...record.members.map((m) => toMemberEntity(m, table.name)), ...record.waves.map((w) => toWaveEntity(w, table.name))]);
      await upsertAll([toPlanEntity(record.plan, table.name)]);
    },
    async get(planId) {
      const rows = await rowsOf('read rollout plan', odata`PartitionKey eq ${planKey(planId)}`);
      const head = rows.find((r) => r.rowKey === PLAN_ROW);
      if (!head) return undefined;
      const waves = rows.filter((r) => isWaveRow(r.rowKey)).map(fromWaveEntity).sort((a, b) => a.number - b.number);
      const members = rows.filter((r) => isMemberRow(r.rowKey)).map(fromMemberEntity);
      return { plan: fromPlanEntity(head), waves, members };
    },
    async listPlans() {
      const heads = await rowsOf('list rollout plans', odata`RowKey eq ${PLAN_ROW}`);
      return heads.map(fromPlanEntity).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    },
    async getWaves(planId) {
      const rows = await rowsOf('read rollout waves', odata`PartitionKey eq ${planKey(planId)} and RowKey ge ${WAVE_ROWS.from} and RowKey lt ${WAVE_ROWS.to}`);
      return rows.map(fromWaveEntity).sort((a, b) => a.number - b.number);
    },
    async getWaveMembers(planId, wave) {
      const rows = await rowsOf('read rollout wave members', odata`PartitionKey eq ${planKey(planId)} and RowKey ge ${MEMBER_ROWS.from} and RowKey lt ${MEMBER_ROWS.to} and wave eq ${wave}`);
      return rows.map(fromMemberEntity);
    },
    async markNoticesGiven(planId, at) {
      // Merge, not the whole row: a plan changed since it was read keeps its change.
      await table.run('mark rollout notices given', async (client, options) => {
        try {
          await client.updateEntity({ partitionKey: planKey(planId), rowKey: PLAN_ROW, noticesGivenAt: at }, 'Merge', options);
        } catch (err) {
          if (!isEntityNotFound(err)) throw err;
        }
      });
    },
    async putPlan(plan) {
      const e = toPlanEntity(plan, table.name);
      await table.run('write rollout plan', (client, options) => client.upsertEntity(e, 'Replace', options));
    },
    async putWave(wave) {
      const e = toWaveEntity(wave, table.name);
      await table.run('write rollout wave', (client, options) => client.upsertEntity(e, 'Replace', options));
    },
    async putMembers(members: readonly RolloutMemberRecord[]) {
      await upsertAll(members.map((m) => toMemberEntity(m, table.name)));
    },
  };
}

