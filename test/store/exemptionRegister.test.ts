import { describe, expect, it } from 'vitest';
import type { ExemptionRecord } from '../../src/model/index.js';
import { InvalidInputError } from '../../src/errors.js';
import { collect, newStore, siteId, SUB_A, useAzurite } from './storeFixture.js';

const connection = useAzurite();

const APP = siteId(SUB_A, 'Rg-One', 'App-1');
const RG = `/subscriptions/${SUB_A}/resourceGroups/Rg-One`;

function record(overrides: Partial<ExemptionRecord> = {}): ExemptionRecord {
  const scopeDisplay = overrides.scopeDisplay ?? APP;
  return {
    id: 'legacy-client',
    scope: scopeDisplay.toLowerCase(),
    scopeDisplay,
    owner: 'team-a',
    approver: 'ciso',
    reason: 'legacy client cannot present a certificate',
    category: 'waiver',
    expiresAt: '2027-01-31T00:00:00.000Z',
    createdAt: '2025-01-01T10:00:00.000Z',
    createdBy: 'alice',
    ...overrides,
  };
}

describe('exemptionRegister', () => {
  it('lists exactly the records it wrote, across scopes', async () => {
    // Prepare
    const store = newStore(connection());
    const onApp = record();
    const onRg = record({ id: 'team-wide', scopeDisplay: RG, scope: RG.toLowerCase(), category: 'mitigated' });

    // Act
    await store.exemptionRegister.put(onApp);
    await store.exemptionRegister.put(onRg);
    const all = await collect(store.exemptionRegister.list());

    // Assess
    expect(all.sort((a, b) => a.scope.localeCompare(b.scope))).toStrictEqual([onRg, onApp]);
  });

  it('stores the scope lowercased whatever the case it was given in', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    await store.exemptionRegister.put(record({ scope: APP.toUpperCase() }));
    const [read] = await collect(store.exemptionRegister.list());

    // Assess
    expect(read?.scope).toBe(APP.toLowerCase());
    expect(read?.scopeDisplay).toBe(APP);
  });

  it('replaces an exemption of the same scope and id, and records both changes', async () => {
    // Prepare
    const store = newStore(connection());
    await store.exemptionRegister.put(record());
    const changed = record({ expiresAt: '2027-06-30T00:00:00.000Z', createdAt: '2025-02-01T10:00:00.000Z', createdBy: 'bob' });

    // Act
    await store.exemptionRegister.put(changed);

    // Assess
    expect(await collect(store.exemptionRegister.list())).toStrictEqual([changed]);
    const history = await store.exemptionRegister.history(APP);
    expect(history.map((h) => [h.action, h.by, h.record.expiresAt])).toEqual([
      ['added', 'bob', '2027-06-30T00:00:00.000Z'],
      ['added', 'alice', '2027-01-31T00:00:00.000Z'],
    ]);
  });

  it('removes an exemption and keeps it in the history, newest first', async () => {
    // Prepare
    const store = newStore(connection());
    const added = record();
    await store.exemptionRegister.put(added);

    // Act
    const removed = await store.exemptionRegister.remove(APP.toUpperCase(), added.id, 'carol', '2025-03-01T10:00:00.000Z');

    // Assess
    expect(removed).toBe(true);
    expect(await collect(store.exemptionRegister.list())).toEqual([]);
    expect(await store.exemptionRegister.history(APP)).toStrictEqual([
      { at: '2025-03-01T10:00:00.000Z', by: 'carol', action: 'removed', record: added },
      { at: added.createdAt, by: 'alice', action: 'added', record: added },
    ]);
  });

  it('answers false for an exemption that does not exist, recording nothing', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const removed = await store.exemptionRegister.remove(APP, 'nothing', 'carol', '2025-03-01T10:00:00.000Z');

    // Assess
    expect(removed).toBe(false);
    expect(await store.exemptionRegister.history(APP)).toEqual([]);
  });

  it('writes one history row for a retried put and for a retried removal', async () => {
    // Prepare
    const store = newStore(connection());
    const added = record();

    // Act
    await store.exemptionRegister.put(added);
    await store.exemptionRegister.put(added);
    const first = await store.exemptionRegister.remove(APP, added.id, 'carol', '2025-03-01T10:00:00.000Z');
    const retry = await store.exemptionRegister.remove(APP, added.id, 'carol', '2025-03-01T10:00:00.000Z');

    // Assess
    expect([first, retry]).toEqual([true, false]);
    expect((await store.exemptionRegister.history(APP)).map((h) => h.action)).toEqual(['removed', 'added']);
  });

  it('survives concurrent removals of one exemption: it is gone, the removal recorded once', async () => {
    // Prepare
    const store = newStore(connection());
    await store.exemptionRegister.put(record());

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => store.exemptionRegister.remove(APP, 'legacy-client', 'carol', '2025-03-01T10:00:00.000Z')));

    // Assess
    expect(results).toContain(true);
    expect(await collect(store.exemptionRegister.list())).toEqual([]);
    expect((await store.exemptionRegister.history(APP)).map((h) => h.action)).toEqual(['removed', 'added']);
  });

  it('keeps history of an expired exemption, limited on request', async () => {
    // Prepare
    const store = newStore(connection());
    for (const [i, day] of ['01', '02', '03'].entries()) {
      await store.exemptionRegister.put(record({ id: `e${i}`, expiresAt: '2024-01-01T00:00:00.000Z', createdAt: `2023-06-${day}T00:00:00.000Z` }));
    }

    // Act
    const history = await store.exemptionRegister.history(APP, 2);

    // Assess
    expect(history.map((h) => h.record.id)).toEqual(['e2', 'e1']);
  });

  it.each([
    ['a scope under a site, not the site', { scopeDisplay: `${APP}/config/web` }, /exemption scope must be/],
    ['a scope of another resource type', { scopeDisplay: `${RG}/providers/Microsoft.Storage/storageAccounts/st1` }, /exemption scope must be/],
    ['a subscription that is not a GUID', { scopeDisplay: '/subscriptions/prod' }, /exemption scope must be/],
    ['a display scope naming another scope', { scopeDisplay: RG, scope: APP.toLowerCase() }, /scopeDisplay .* names another scope/],
    ['an unknown category', { category: 'forever' as 'waiver' }, /category must be waiver or mitigated; got "forever"/],
    ['a blank owner', { owner: ' ' }, /owner is required/],
    ['no approver', { approver: '' }, /approver is required/],
    ['no reason', { reason: '' }, /reason is required/],
    ['an expiry that is not a date', { expiresAt: '2027-02-30' }, /expiresAt must be an ISO 8601 date; got "2027-02-30"/],
    ['an empty id', { id: '' }, /id is required/],
  ] as Array<[string, Partial<ExemptionRecord>, RegExp]>)('rejects %s and writes nothing', async (_, overrides, message) => {
    // Prepare
    const store = newStore(connection());
    const bad = record(overrides);

    // Act
    const attempt = store.exemptionRegister.put({ ...bad, scope: overrides.scope ?? bad.scopeDisplay.toLowerCase() });

    // Assess
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(message);
    expect(await collect(store.exemptionRegister.list())).toEqual([]);
  });

  it('names every problem of a record at once', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const attempt = store.exemptionRegister.put(record({ owner: '', approver: '', expiresAt: 'soon' }));

    // Assess
    await expect(attempt).rejects.toThrow(/owner is required; approver is required; expiresAt must be/);
  });

  it('accepts subscription, resource group, site and slot scopes', async () => {
    // Prepare
    const store = newStore(connection());
    const scopes = [`/subscriptions/${SUB_A}`, RG, APP, siteId(SUB_A, 'Rg-One', 'App-1', 'staging'), `${APP}/`];

    // Act
    for (const [i, scope] of scopes.entries()) await store.exemptionRegister.put(record({ id: `e${i}`, scopeDisplay: scope, scope: scope.toLowerCase() }));

    // Assess
    expect(await collect(store.exemptionRegister.list())).toHaveLength(scopes.length);
  });

  it('rejects a removal or history request with a bad scope, id, author or time', async () => {
    // Prepare
    const store = newStore(connection());

    // Act / Assess
    await expect(store.exemptionRegister.remove('/subscriptions/prod', 'x', 'carol', '2025-03-01')).rejects.toThrow(/exemption scope must be/);
    await expect(store.exemptionRegister.remove(APP, '', 'carol', '2025-03-01')).rejects.toThrow(/id is required/);
    await expect(store.exemptionRegister.remove(APP, 'x', '', '2025-03-01')).rejects.toThrow(/by\) is required/);
    await expect(store.exemptionRegister.remove(APP, 'x', 'carol', 'later')).rejects.toThrow(/removal time/);
    await expect(store.exemptionRegister.history('/nowhere')).rejects.toBeInstanceOf(InvalidInputError);
  });
});
