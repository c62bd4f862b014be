import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/errors.js';
import type { ExemptionRecord, HistoryEntry, SubscriptionSettings } from '../../../src/model/index.js';
import { parseSiteId, type SiteRef } from '../../../src/policy/index.js';
import type { MemoryStore } from '../../../src/store/index.js';
import { collect, sampleFinding, sampleHistory, siteId, SUB_A, SUB_B } from '../storeFixture.js';

/** What both stores offer: the memory store's shape (the Table Storage one adds its table names). */
export type ContractStore = MemoryStore;

const APP = siteId(SUB_A, 'Rg-One', 'app-1');
const OTHER = siteId(SUB_A, 'Rg-One', 'app-2');
const RG = `/subscriptions/${SUB_A}/resourceGroups/Rg-One`;

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

function exemption(overrides: Partial<ExemptionRecord> = {}): ExemptionRecord {
  const scopeDisplay = overrides.scopeDisplay ?? APP;
  return {
    id: 'legacy-client', scope: scopeDisplay.toLowerCase(), scopeDisplay, owner: 'team-a', approver: 'ciso',
    reason: 'legacy client cannot present a certificate', category: 'waiver', expiresAt: '2027-01-31T00:00:00.000Z',
    createdAt: '2025-01-01T10:00:00.000Z', createdBy: 'alice', ...overrides,
  };
}

function settings(overrides: Partial<SubscriptionSettings> = {}): SubscriptionSettings {
  return { subscriptionId: SUB_A, mode: 'enforce', updatedBy: 'alice', updatedAt: '2025-02-01T10:00:00.000Z', ...overrides };
}

const entryOf = (key: string, overrides: Partial<HistoryEntry> = {}): HistoryEntry => sampleHistory({ key, resourceId: key === APP.toLowerCase() ? APP : OTHER, ...overrides });

/**
 * One contract, run against the memory store and the Table Storage adapters (over Azurite): what
 * the use cases may rely on whichever store they are given. Where the two disagree, the memory
 * store is wrong (it stands in for the tables in dry runs and tests).
 */
export function describeStoreContract(name: string, makeStore: () => ContractStore): void {
  describe(`store contract: ${name}`, () => {
    describe('findings and their history rows', () => {
      it('reads back the finding written, with the version the write returned, whatever the case of the key', async () => {
        const store = makeStore();
        const finding = sampleFinding({ slot: 'Staging', sku: 'PremiumV3' });

        const etag = await store.findings.put(finding, { absent: true });

        const read = await store.findings.get(finding.key.toUpperCase());
        expect(read).toStrictEqual({ ...finding, etag: expect.any(String) });
        expect(read?.etag).toBe(etag);
        expect(await store.findings.get(OTHER.toLowerCase())).toBeUndefined();
      });

      it('refuses a write on a stale version or onto a row that exists, writing neither the finding nor its history row', async () => {
        const store = makeStore();
        const finding = sampleFinding();
        const first = await store.findings.put(finding, { absent: true }, entryOf(finding.key, { causeId: 'first' }));
        await store.findings.put({ ...finding, status: 'compliant', reasons: [] }, { etag: first as string }, entryOf(finding.key, { causeId: 'second', at: '2025-01-03T00:00:00.000Z' }));

        const stale = store.findings.put({ ...finding, status: 'error' }, { etag: first as string }, entryOf(finding.key, { causeId: 'stale', at: '2025-01-04T00:00:00.000Z' }));
        const again = store.findings.put({ ...finding, status: 'error' }, { absent: true }, entryOf(finding.key, { causeId: 'again', at: '2025-01-05T00:00:00.000Z' }));

        await expect(stale).rejects.toBeInstanceOf(ConflictError);
        await expect(again).rejects.toBeInstanceOf(ConflictError);
        expect((await store.findings.get(finding.key))?.status).toBe('compliant');
        expect((await store.history.list(finding.key)).map((h) => h.causeId)).toEqual(['second', 'first']);
      });

      it('lists history newest first, at most the limit, of one resource only, whatever the case of the key', async () => {
        const store = makeStore();
        const key = APP.toLowerCase();
        const times = ['2025-03-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z', '2025-03-01T00:00:00.001Z', '1969-07-20T20:17:40.000Z'];
        for (const [i, at] of times.entries()) await store.findings.put(sampleFinding(), undefined, entryOf(key, { at, causeId: `evt-${i}` }));
        await store.findings.put(sampleFinding({ resourceId: OTHER, key: OTHER.toLowerCase() }), undefined, entryOf(OTHER.toLowerCase()));

        const all = await store.history.list(APP.toUpperCase());
        const two = await store.history.list(key, 2);

        expect(all.map((h) => h.at)).toEqual([...times].sort().reverse());
        expect(all.every((h) => h.resourceId === APP)).toBe(true);
        expect(two.map((h) => h.causeId)).toEqual(['evt-2', 'evt-0']);
      });

      it('keeps one row for an entry rewritten, and lists rows of one instant last written first', async () => {
        const store = makeStore();
        const key = APP.toLowerCase();
        const write = (entry: HistoryEntry) => store.findings.put(sampleFinding(), undefined, entry);
        await write(entryOf(key, { causeId: 'evt-1#remediated', action: 'remediated' }));
        await pause(); // the table orders an instant's rows by the service's Timestamp
        await write(entryOf(key, { causeId: 'evt-1', action: 'evaluated' }));
        await pause();
        await write(entryOf(key, { causeId: 'evt-1#flapping', action: 'flapping' }));
        await pause();
        await write(entryOf(key, { causeId: 'evt-1', action: 'evaluated', detail: 'a retry rewrites its row' }));

        const rows = await store.history.list(key);
        const [latest] = await store.history.list(key, 1);

        expect(rows.map((h) => h.causeId)).toEqual(['evt-1', 'evt-1#flapping', 'evt-1#remediated']);
        expect(rows[0]?.detail).toBe('a retry rewrites its row');
        expect(latest?.causeId).toBe('evt-1');
      });

      it('putMany writes the rows that are still as read, with their history rows, and returns the changed ones as conflicts', async () => {
        const store = makeStore();
        const a = sampleFinding();
        const b = sampleFinding({ resourceId: OTHER, key: OTHER.toLowerCase(), site: 'app-2' });
        const fresh = sampleFinding({ resourceId: siteId(SUB_A, 'Rg-One', 'app-3'), key: siteId(SUB_A, 'Rg-One', 'app-3').toLowerCase(), site: 'app-3' });
        await store.findings.putMany([a, b]);
        const readB = await store.findings.get(b.key);
        await store.findings.put({ ...a, status: 'compliant', reasons: [] });
        const expect_ = new Map([[a.key, { etag: 'W/"stale"' }], [b.key, { etag: readB?.etag as string }], [fresh.key, { absent: true as const }]] as const);
        const history = new Map([a, b, fresh].map((f) => [f.key, entryOf(f.key, { resourceId: f.resourceId, causeId: `sweep-${f.site}` })] as const));

        const result = await store.findings.putMany([a, b, fresh].map((f) => ({ ...f, status: 'error' as const })), expect_, history);

        expect(result.conflicts).toEqual([a.key]);
        expect((await store.findings.get(a.key))?.status).toBe('compliant');
        for (const f of [b, fresh]) {
          const stored = await store.findings.get(f.key);
          expect(stored?.status).toBe('error');
          expect(result.etags?.get(f.key)).toBe(stored?.etag);
          expect((await store.history.list(f.key)).map((h) => h.causeId)).toEqual([`sweep-${f.site}`]);
        }
        expect(await store.history.list(a.key)).toEqual([]);
      });

      it('putMany keeps the last version of a row given twice', async () => {
        const store = makeStore();
        const first = sampleFinding({ status: 'noncompliant' });

        await store.findings.putMany([first, { ...first, status: 'compliant', reasons: [] }]);

        expect((await store.findings.get(first.key))?.status).toBe('compliant');
      });

      it('lists findings (not their history rows) by subscription, whatever its case, and by key prefix', async () => {
        const store = makeStore();
        const ids = [siteId(SUB_A, 'rg', 'app', 'a'), siteId(SUB_A, 'rg', 'app'), siteId(SUB_A, 'rg', 'app-1', 'b'), siteId(SUB_B, 'rg', 'app', 'a')];
        const rows = ids.map((resourceId) => sampleFinding({ resourceId, key: resourceId.toLowerCase(), subscriptionId: resourceId.includes(SUB_B) ? SUB_B : SUB_A }));
        await store.findings.putMany(rows, undefined, new Map(rows.map((f) => [f.key, entryOf(f.key, { resourceId: f.resourceId })] as const)));

        const inA = await collect(store.findings.list({ subscriptionId: SUB_A.toUpperCase() }));
        const slots = await collect(store.findings.list({ keyPrefix: `${siteId(SUB_A, 'rg', 'app').toLowerCase()}/slots/` }));
        const all = await collect(store.findings.list());

        expect(inA.map((f) => f.resourceId).sort()).toEqual(ids.slice(0, 3).sort());
        expect(slots.map((f) => f.resourceId)).toEqual([ids[0]]);
        expect(all).toHaveLength(4);
      });
    });

    describe('settings', () => {
      it('reads back the row whatever the case of the id, and records each change old → new, newest first', async () => {
        const store = makeStore();
        expect(await store.settings.get(SUB_A)).toBeUndefined();
        await store.settings.put(settings({ mode: 'audit', updatedBy: 'alice', updatedAt: '2025-02-01T10:00:00.000Z' }));
        const change = settings({ subscriptionId: SUB_A.toUpperCase(), mode: 'enforce', updatedBy: 'bob', updatedAt: '2025-02-03T10:00:00.000Z', allowedModes: ['Required', 'Optional'] });

        await store.settings.put(change);
        await store.settings.put(change); // a retry of a put that landed

        expect(await store.settings.get(SUB_A.toUpperCase())).toStrictEqual({ ...change, subscriptionId: SUB_A });
        expect(await store.settings.history(SUB_A)).toStrictEqual([
          { at: '2025-02-03T10:00:00.000Z', by: 'bob', from: 'audit', to: 'enforce', allowedModes: ['Required', 'Optional'] },
          { at: '2025-02-01T10:00:00.000Z', by: 'alice', to: 'audit' },
        ]);
        expect(await store.settings.history(SUB_A, 1)).toHaveLength(1);
        expect((await collect(store.settings.list())).map((s) => s.subscriptionId)).toEqual([SUB_A]);
      });

      it('sets the enforce baseline once, on the row read, only in enforce', async () => {
        const store = makeStore();
        await store.settings.put(settings({ subscriptionId: SUB_B, mode: 'audit' }));
        await store.settings.put(settings());
        const read = { updatedAt: '2025-02-01T10:00:00.000Z' };

        const outcomes = [
          await store.settings.recordBaseline(SUB_A, { at: '2025-02-02T02:00:00.000Z', runId: 'run-0' }, { updatedAt: '2020-01-01T00:00:00.000Z' }),
          await store.settings.recordBaseline(SUB_A, { at: '2025-02-02T02:00:00.000Z', runId: 'run-1' }, read),
          await store.settings.recordBaseline(SUB_A, { at: '2025-02-03T02:00:00.000Z', runId: 'run-2' }, read),
          await store.settings.recordBaseline(SUB_B, { at: '2025-02-02T02:00:00.000Z', runId: 'run-1' }, read),
        ];

        expect(outcomes).toEqual([false, true, false, false]);
        expect(await store.settings.get(SUB_A)).toMatchObject({ baselineAt: '2025-02-02T02:00:00.000Z', baselineRunId: 'run-1' });
        expect(await store.settings.get(SUB_B)).not.toHaveProperty('baselineAt');
      });
    });

    describe('exemption register', () => {
      it('stores scopes lowercased, replaces by scope and id, records each change once, newest first', async () => {
        const store = makeStore();
        const added = exemption({ scope: APP.toUpperCase() });
        await store.exemptionRegister.put(added);
        await store.exemptionRegister.put(added); // a retry
        await store.exemptionRegister.put(exemption({ owner: 'team-b', createdAt: '2025-01-02T10:00:00.000Z', createdBy: 'bob' }));

        const listed = await collect(store.exemptionRegister.list());
        const history = await store.exemptionRegister.history(APP.toUpperCase());

        expect(listed).toStrictEqual([exemption({ owner: 'team-b', createdAt: '2025-01-02T10:00:00.000Z', createdBy: 'bob' })]);
        expect(history.map((h) => `${h.action} ${h.by} ${h.record.owner}`)).toEqual(['added bob team-b', 'added alice team-a']);
      });

      it('removes once (a retried removal answers false), keeps the removal in history, and evaluation no longer sees it', async () => {
        const store = makeStore();
        const onGroup = exemption({ id: 'team-wide', scopeDisplay: RG, scope: RG.toLowerCase() });
        await store.exemptionRegister.put(onGroup);
        const ref = parseSiteId(APP) as SiteRef;
        const before = await store.exemptions.forResource(ref);

        const first = await store.exemptionRegister.remove(RG.toUpperCase(), 'team-wide', 'carol', '2025-03-01T10:00:00.000Z');
        const retry = await store.exemptionRegister.remove(RG, 'team-wide', 'carol', '2025-03-01T10:00:00.000Z');

        expect(before.map((e) => e.scope)).toEqual([RG.toLowerCase()]);
        expect([first, retry]).toEqual([true, false]);
        expect(await store.exemptions.forResource(ref)).toEqual([]);
        expect((await store.exemptionRegister.history(RG)).map((h) => `${h.action} ${h.by}`)).toEqual(['removed carol', 'added alice']);
      });
    });

    describe('leases', () => {
      it('gives a lease to one holder until it expires (held at its last instant) or its holder releases it', async () => {
        const store = makeStore();
        const now = new Date('2025-01-01T00:00:00.000Z');
        const at = (ms: number) => new Date(now.getTime() + ms);

        expect(await store.leases.tryAcquire('x', 'a', now, 1000)).toBe(true);
        expect(await store.leases.tryAcquire('x', 'b', at(1000), 1000)).toBe(false);
        expect(await store.leases.tryAcquire('y', 'b', now, 1000)).toBe(true);
        expect(await store.leases.tryAcquire('x', 'a', at(500), 1000)).toBe(true); // its holder extends it
        expect(await store.leases.tryAcquire('x', 'b', at(1001), 1000)).toBe(false);
        expect(await store.leases.tryAcquire('x', 'b', at(1501), 1000)).toBe(true);
        await store.leases.release('x', 'a'); // a no longer holds it: nothing
        expect(await store.leases.tryAcquire('x', 'a', at(1501), 1000)).toBe(false);
        await store.leases.release('x', 'b');
        expect(await store.leases.tryAcquire('x', 'a', at(1501), 1000)).toBe(true);
      });
    });

    describe('processed events', () => {
      it('has seen exactly the events marked, by case-sensitive id; marking again is harmless', async () => {
        const store = makeStore();
        const event = (eventId: string) => ({ eventId, eventTime: '2025-01-02T03:00:59.123Z' });
        await store.processedEvents.mark([event('e-1'), event('e/2#?')], '2025-01-02T03:01:00.000Z');
        await store.processedEvents.mark([event('e-1')], '2025-01-02T03:02:00.000Z');

        const seen = await store.processedEvents.seen([event('e-1'), event('E-1'), event('e/2#?'), event('e-3')]);

        expect([...seen].sort()).toEqual(['e-1', 'e/2#?']);
      });
    });

    describe('sweeps', () => {
      it('records a run, its subscriptions pending, then each result once; planning again resets no finished one', async () => {
        const store = makeStore();
        const run = { id: '09000000000000000-a', startedAt: '2025-01-01T02:00:00.000Z', trigger: 'timer', subscriptionIds: [SUB_B, SUB_A], subscriptionNames: { [SUB_A]: 'Alpha' } };
        await store.sweeps.createRun(run);
        const done = { subscriptionId: SUB_A, subscriptionName: 'Alpha', status: 'done' as const, mode: 'audit', evaluated: 3, historyRows: 1, deleted: 0, counts: { compliant: 3 }, durationMs: 12, armCalls: 2, finishedAt: '2025-01-01T02:00:01.000Z' };

        await store.sweeps.recordSubscription(run.id, { ...done, evaluated: 2 });
        await store.sweeps.recordSubscription(run.id, done); // a redelivery rewrites
        await store.sweeps.createRun(run);

        const read = await store.sweeps.getRun(run.id);
        expect(read && { ...read, subscriptions: [...read.subscriptions].sort((x, y) => x.subscriptionId.localeCompare(y.subscriptionId)) }).toStrictEqual({
          id: run.id, startedAt: run.startedAt, trigger: 'timer',
          subscriptions: [done, { subscriptionId: SUB_B, status: 'pending' }],
        });
        expect(await store.sweeps.getRun('09000000000000000-z')).toBeUndefined();
      });

      it('lists the latest runs newest first (run ids sort newest first as text), at most the limit', async () => {
        const store = makeStore();
        const ids = ['08999999999999999-b', '09000000000000000-a', '08999999999999999-B', '08999999999999998-z'];
        for (const id of ids) await store.sweeps.createRun({ id, startedAt: '2025-01-01T02:00:00.000Z', trigger: 'cli', subscriptionIds: [SUB_A] });

        const latest = await store.sweeps.latestRuns(3);

        expect(latest.map((r) => r.id)).toEqual(['08999999999999998-z', '08999999999999999-B', '08999999999999999-b']);
      });
    });
  });
}
