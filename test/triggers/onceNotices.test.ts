import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { EnforcerDeps } from '../../src/enforcer/index.js';
import type { RolloutMemberRecord, RolloutRecord, RolloutWaveRecord } from '../../src/model/index.js';
import { createTableStore, type TableStore } from '../../src/store/index.js';
import { addOnceNotices } from '../../src/triggers/onceNotices.js';
import { memoryWorld } from '../enforcer/memoryDeps.js';
import { SUB_A, siteId, uniquePrefix, useAzurite } from '../store/storeFixture.js';

const connection = useAzurite();
const NOW = new Date('2027-03-01T00:00:00.000Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function storeOn(prefix: string): TableStore {
  return createTableStore({ connectionString: connection(), prefix, allowInsecureConnection: true });
}

/** The enforcer's deps over the tables of `store` (exemptions and rollouts are what the tick reads). */
function depsOf(store: TableStore): EnforcerDeps {
  return { ...memoryWorld().deps, ...store, register: store.exemptionRegister };
}

/** A plan of `waves` waves of two members each, changed last at `updatedAt`. */
function plan(id: string, status: RolloutRecord['plan']['status'], updatedAt: number, waves: Array<RolloutWaveRecord['status']>): RolloutRecord {
  const member = (wave: number, i: number): RolloutMemberRecord => {
    const resourceId = siteId(SUB_A, 'rg', `${id}-w${wave}-${i}`);
    return { planId: id, wave, key: resourceId.toLowerCase(), resourceId, subscriptionId: SUB_A, resourceGroup: 'rg', name: `${id}-w${wave}-${i}`, owner: `team-${wave}`, state: 'remediated' };
  };
  return {
    plan: { id, createdAt: iso(NOW.getTime() - 30 * DAY), createdBy: 'test', subscriptions: [SUB_A], waveSize: 2, everyMs: DAY, auto: false, status, updatedAt: iso(updatedAt) },
    waves: waves.map((s, i) => ({ planId: id, number: i + 1, notBefore: iso(NOW.getTime() - (20 - i) * DAY), size: 2, status: s, ...(s === 'done' ? { counts: { remediated: 2 } } : {}) })),
    members: waves.flatMap((_, i) => [member(i + 1, 0), member(i + 1, 1)]),
  };
}

/** One notify tick's once notices; the HTTP requests it made to Azurite's table endpoint. */
async function tick(store: TableStore, now = NOW): Promise<{ added: number; requests: number }> {
  const endpoint = new URL(/TableEndpoint=([^;]+)/.exec(connection())?.[1] ?? '').host;
  let requests = 0;
  const count = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    if (String(request.getHeader('host') ?? request.host) === endpoint) requests++;
  };
  dc.subscribe('http.client.request.start', count);
  try {
    return { added: await addOnceNotices(depsOf(store), store.notifyOutbox, now), requests };
  } finally {
    dc.unsubscribe('http.client.request.start', count);
  }
}

const noticeRows = async (store: TableStore) => (await store.notifyOutbox.pending([])).map((i) => `${i.kind} ${i.resourceId}`).sort();

describe('once notices per notify tick', () => {
  it('with K finished plans, the second and later ticks cost the same few requests whatever K; each result is given once', async () => {
    const later: number[] = [];
    for (const k of [2, 12]) {
      const store = storeOn(uniquePrefix());
      for (let i = 0; i < k; i++) await store.rollouts.create(plan(`p${i}`, 'done', NOW.getTime() - 2 * DAY, ['done', 'done', 'done']));

      expect((await tick(store)).added).toBe(3 * k);
      const second = await tick(store);
      const third = await tick(store);

      expect([second.added, third.added]).toEqual([0, 0]);
      expect(third.requests).toBe(second.requests);
      later.push(second.requests);
      expect(await noticeRows(store)).toHaveLength(3 * k);
    }
    // Same for 2 and 12 plans: the exemption register and the plan rows, one query each (the old tick: 2 + K plan reads + 3K inserts).
    expect(later[1]).toBe(later[0]);
    expect(later[0]).toBeLessThanOrEqual(2);
  });

  it('a final plan is read again while a wave of it is applying, or it changed within the hour; then its last result is given once', async () => {
    const store = storeOn(uniquePrefix());
    await store.rollouts.create(plan('cancelled', 'cancelled', NOW.getTime() - 2 * DAY, ['done', 'applying', 'pending']));
    await store.rollouts.create(plan('just-done', 'done', NOW.getTime() - 60_000, ['done']));

    expect((await tick(store)).added).toBe(2);
    expect((await store.rollouts.listPlans()).map((p) => p.noticesGivenAt)).toEqual([undefined, undefined]);

    // The wave that was applying when its plan was cancelled finishes: its result is still given, once.
    const cancelled = plan('cancelled', 'cancelled', NOW.getTime() - 2 * DAY, ['done', 'partial', 'pending']);
    await store.rollouts.putWave({ ...(cancelled.waves[1] as RolloutWaveRecord), counts: { remediated: 1, failed: 1 } });
    const hourLater = new Date(NOW.getTime() + 2 * 3_600_000);
    expect((await tick(store, hourLater)).added).toBe(1);
    expect((await store.rollouts.listPlans()).map((p) => p.noticesGivenAt)).toEqual([hourLater.toISOString(), hourLater.toISOString()]);
    expect((await tick(store, hourLater)).added).toBe(0);

    expect(await noticeRows(store)).toEqual(['wave-result plan cancelled wave 1', 'wave-result plan cancelled wave 2', 'wave-result plan just-done wave 1']);
    const wave2 = (await store.notifyOutbox.pending([])).find((i) => i.resourceId === 'plan cancelled wave 2');
    expect(wave2).toMatchObject({ status: 'partial', detail: 'remediated 1, failed 1; owners: team-2' });
  });

  it('two instances ticking at once give each notice once between them', async () => {
    const prefix = uniquePrefix();
    const [one, two] = [storeOn(prefix), storeOn(prefix)];
    for (let i = 0; i < 4; i++) await one.rollouts.create(plan(`p${i}`, 'active', NOW.getTime() - 2 * DAY, ['done', 'done', 'pending']));
    await one.rollouts.create(plan('soon', 'active', NOW.getTime(), ['done', 'pending']));
    await one.rollouts.putWave({ planId: 'soon', number: 2, notBefore: iso(NOW.getTime() + 2 * DAY), size: 2, status: 'pending' });

    const [a, b] = await Promise.all([tick(one), tick(two)]);

    expect(a.added + b.added).toBe(4 * 2 + 2);
    expect(await noticeRows(one)).toHaveLength(10);
    expect((await noticeRows(one)).filter((r) => r.startsWith('wave-notice'))).toEqual(['wave-notice plan soon wave 2']);
    expect([(await tick(one)).added, (await tick(two)).added]).toEqual([0, 0]);
  });
});
