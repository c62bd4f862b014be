import type { RolloutMemberRecord, RolloutRecord, RolloutsPort } from '../model/index.js';
import { planKey } from './rolloutEntity.js';

/** The `Rollouts` table's contract held in memory (dry runs, `--no-store`, tests of the use cases). */
export function createMemoryRollouts(): RolloutsPort {
  const plans = new Map<string, RolloutRecord>();
  const get = (planId: string): RolloutRecord => {
    const record = plans.get(planKey(planId));
    if (!record) throw new Error(`no rollout plan ${planId}`);
    return record;
  };
  return {
    async create(record) {
      plans.set(planKey(record.plan.id), structuredClone(record));
    },
    async get(planId) {
      const record = plans.get(planKey(planId));
      return record && structuredClone(record);
    },
    async listPlans() {
      return [...plans.values()].map((r) => structuredClone(r.plan)).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    },
    async getWaves(planId) {
      return structuredClone(plans.get(planKey(planId))?.waves ?? []);
    },
    async getWaveMembers(planId, wave) {
      return structuredClone((plans.get(planKey(planId))?.members ?? []).filter((m) => m.wave === wave));
    },
    async markNoticesGiven(planId, at) {
      const record = plans.get(planKey(planId));
      if (record) record.plan = { ...record.plan, noticesGivenAt: at };
    },
    async putPlan(plan) {
      get(plan.id).plan = structuredClone(plan);
    },
    async putWave(wave) {
      const record = get(wave.planId);
      record.waves = [...record.waves.filter((w) => w.number !== wave.number), structuredClone(wave)].sort((a, b) => a.number - b.number);
    },
    async putMembers(members: readonly RolloutMemberRecord[]) {
      for (const m of members) {
        const record = get(m.planId);
        record.members = [...record.members.filter((x) => x.key !== m.key), structuredClone(m)];
      }
    },
  };
}
