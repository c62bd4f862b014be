import { describe, expect, it } from 'vitest';
import type { RolloutMemberRecord, RolloutRecord, RolloutsPort } from '../../src/model/index.js';
import { createMemoryStore } from '../../src/store/index.js';
import { newStore, SUB_A, siteId, useAzurite } from './storeFixture.js';

const connection = useAzurite();

function member(name: string, extra: Partial<RolloutMemberRecord> = {}): RolloutMemberRecord {
  const resourceId = siteId(SUB_A, 'Rg-One', name);
  return { planId: 'plan-a', wave: 1, key: resourceId.toLowerCase(), resourceId, subscriptionId: SUB_A, resourceGroup: 'Rg-One', name, tier: 1, owner: 'team-a', internetExposed: true, production: true, state: 'pending', ...extra };
}

function record(id = 'plan-a', createdAt = '2026-12-01T00:00:00.000Z'): RolloutRecord {
  return {
    plan: { id, createdAt, createdBy: 'cli:test', subscriptions: [SUB_A], waveSize: 2, everyMs: 30 * 86_400_000, auto: true, status: 'active', updatedAt: createdAt },
    waves: [
      { planId: id, number: 1, notBefore: '2026-12-08T00:00:00.000Z', size: 2, status: 'pending' },
      { planId: id, number: 2, notBefore: '2027-01-07T00:00:00.000Z', size: 1, status: 'pending' },
    ],
    members: [
      member('a', { planId: id }),
      member('b', { planId: id, tier: 2, production: false, owner: undefined }),
      member('c', { planId: id, wave: 2, tier: 4, internetExposed: false, production: false }),
      member('free', { planId: id, wave: 0, state: 'excluded', status: 'unsupported-plan', detail: 'needs Basic or higher', tier: undefined, internetExposed: undefined, production: undefined }),
    ],
  };
}

const clean = (r: RolloutRecord | undefined) => r && { ...r, members: [...r.members].sort((a, b) => a.key.localeCompare(b.key)) };

function contract(name: string, make: () => RolloutsPort) {
  describe(name, () => {
    it('reads back a created plan exactly: plan, waves in order, members (excluded apps with wave 0)', async () => {
      const rollouts = make();
      const created = record();
      created.members.forEach((m) => { if (m.owner === undefined) delete m.owner; });

      await rollouts.create(created);

      expect(clean(await rollouts.get('plan-a'))).toEqual(clean(created));
      expect(await rollouts.get('plan-b')).toBeUndefined();
    });

    it('lists plans newest first', async () => {
      const rollouts = make();
      await rollouts.create(record('older', '2026-11-01T00:00:00.000Z'));
      await rollouts.create(record('newer', '2026-12-01T00:00:00.000Z'));

      expect((await rollouts.listPlans()).map((p) => p.id)).toEqual(['newer', 'older']);
    });

    it('rewrites plan, wave and member rows in place', async () => {
      const rollouts = make();
      const created = record();
      await rollouts.create(created);

      await rollouts.putPlan({ ...created.plan, status: 'paused', statusReason: 'wave 1: 1 of 2 failed (50 %), over 10 %' });
      await rollouts.putWave({ ...(created.waves[0] as RolloutRecord['waves'][number]), status: 'partial', counts: { remediated: 1, 'remediation-denied': 1 }, finishedAt: '2026-12-08T01:00:00.000Z' });
      await rollouts.putMembers([{ ...member('a'), state: 'remediated', guarded: true, updatedAt: '2026-12-08T01:00:00.000Z' }]);
      const read = await rollouts.get('plan-a');

      expect(read?.plan).toMatchObject({ status: 'paused', statusReason: 'wave 1: 1 of 2 failed (50 %), over 10 %' });
      expect(read?.waves.map((w) => w.status)).toEqual(['partial', 'pending']);
      expect(read?.waves[0]?.counts).toEqual({ remediated: 1, 'remediation-denied': 1 });
      expect(read?.members).toHaveLength(4);
      expect(read?.members.find((m) => m.name === 'a')).toMatchObject({ state: 'remediated', guarded: true });
    });

    it('reads a plan\'s waves alone and one wave\'s members; marks its notices given without touching the rest of the row', async () => {
      const rollouts = make();
      await rollouts.create(record());

      expect((await rollouts.getWaves('plan-a')).map((w) => [w.number, w.status])).toEqual([[1, 'pending'], [2, 'pending']]);
      expect((await rollouts.getWaveMembers('plan-a', 1)).map((m) => m.name).sort()).toEqual(['a', 'b']);
      expect((await rollouts.getWaveMembers('plan-a', 2)).map((m) => m.name)).toEqual(['c']);
      expect(await rollouts.getWaves('plan-b')).toEqual([]);

      await rollouts.markNoticesGiven('plan-a', '2027-01-08T00:00:00.000Z');
      await rollouts.markNoticesGiven('plan-b', '2027-01-08T00:00:00.000Z');

      expect((await rollouts.listPlans()).map((p) => [p.id, p.status, p.noticesGivenAt])).toEqual([['plan-a', 'active', '2027-01-08T00:00:00.000Z']]);
      expect((await rollouts.get('plan-a'))?.plan.noticesGivenAt).toBe('2027-01-08T00:00:00.000Z');
    });

    it('refuses a plan id that cannot be a key', async () => {
      await expect(make().get('bad/id')).rejects.toThrow(/plan id/);
    });
  });
}

contract('Rollouts table (Azurite)', () => newStore(connection()).rollouts);
contract('Rollouts in memory', () => createMemoryStore().rollouts);
