import { odata, type TransactionAction } from '@azure/data-tables';
import type { RolloutMemberRecord, RolloutRecord, RolloutsPort } from '../model/index.js';
import { planBatches } from './batches.js';
import type { StoredEntity } from './entityFields.js';
import { fromMemberEntity, fromPlanEntity, fromWaveEntity, isMemberRow, isWaveRow, PLAN_ROW, planKey, toMemberEntity, toPlanEntity, toWaveEntity } from './rolloutEntity.js';
import type { Table } from './tableAccess.js';

/** PK = plan id; RK `!plan`, `wave-00001`..., `app-<encoded resource id>`. Every write an idempotent upsert. */
export function createRolloutsTable(table: Table): RolloutsPort {
  const upsertAll = async (entities: ReturnType<typeof toMemberEntity>[]) => {
    for (const batch of planBatches(entities)) {
      const actions: TransactionAction[] = batch.map((e) => ['upsert', e, 'Replace']);
      await table.run('write rollout rows', (client, options) => client.submitTransaction(actions, options));
    }
  };
  return {
    async create(record) {
      await upsertAll([...record.members.map((m) => toMemberEntity(m, table.name)), ...record.waves.map((w) => toWaveEntity(w, table.name))]);
      await upsertAll([toPlanEntity(record.plan, table.name)]);
    },
    async get(planId) {
      const rows: StoredEntity[] = [];
      for await (const page of table.pages('read rollout plan', odata`PartitionKey eq ${planKey(planId)}`, 1000)) rows.push(...page);
      const head = rows.find((r) => r.rowKey === PLAN_ROW);
      if (!head) return undefined;
      const waves = rows.filter((r) => isWaveRow(r.rowKey)).map(fromWaveEntity).sort((a, b) => a.number - b.number);
      const members = rows.filter((r) => isMemberRow(r.rowKey)).map(fromMemberEntity);
      return { plan: fromPlanEntity(head), waves, members };
    },
    async listPlans() {
      const heads: StoredEntity[] = [];
      for await (const page of table.pages('list rollout plans', odata`RowKey eq ${PLAN_ROW}`, 1000)) heads.push(...page);
      return heads.map(fromPlanEntity).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
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

