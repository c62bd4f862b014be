import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import type { ExemptionRecord } from '../../src/model/index.js';
import { parseSiteId, type SiteRef } from '../../src/policy/resourceId.js';
import { createTableStore, encodeKey, exemptionScopes, type TableStore } from '../../src/store/index.js';
import { proxyTables } from '../support/countingProxy.js';
import { newStore, siteId, SUB_A, SUB_B, useAzurite } from './storeFixture.js';

const connection = useAzurite();

function ref(id: string): SiteRef {
  const parsed = parseSiteId(id);
  if (!parsed) throw new Error(`bad test id ${id}`);
  return parsed;
}

const APP = siteId(SUB_A, 'Rg-One', 'App-1');
const SLOT = siteId(SUB_A, 'Rg-One', 'App-1', 'Staging');
const RG = `/subscriptions/${SUB_A}/resourcegroups/rg-one`;
const base = { owner: 'team-a', approver: 'ciso', reason: 'legacy client', category: 'waiver' as const, expiresAt: '2027-01-31T00:00:00.000Z' };

/** A full register record, as the use case hands it to the writer. */
function record(id: string, scopeDisplay: string, overrides: Partial<ExemptionRecord> = {}): ExemptionRecord {
  return { ...base, id, scope: scopeDisplay.toLowerCase(), scopeDisplay, createdAt: '2025-01-01T00:00:00.000Z', createdBy: 'alice', ...overrides };
}

async function register(store: TableStore, records: ExemptionRecord[]): Promise<void> {
  for (const r of records) await store.exemptionRegister.put(r);
}

/** Rows another tool (or a hand edit) left behind, which the writer itself would refuse. */
async function writeRaw(store: TableStore, scope: string, id: string, properties: Record<string, string>): Promise<void> {
  const client = TableClient.fromConnectionString(connection(), store.tables.exemptions, { allowInsecureConnection: true });
  await client.createTable();
  await client.upsertEntity({ partitionKey: encodeKey(scope.toLowerCase()), rowKey: encodeKey(id), ...properties }, 'Replace');
}

describe('exemptionScopes', () => {
  it('covers a site by itself, its resource group and its subscription', () => {
    // Prepare / Act / Assess
    expect(exemptionScopes(ref(APP))).toEqual([APP.toLowerCase(), RG, `/subscriptions/${SUB_A}`]);
  });

  it('covers a slot by itself, its site, its resource group and its subscription', () => {
    // Prepare / Act / Assess
    expect(exemptionScopes(ref(SLOT.toUpperCase()))).toEqual([SLOT.toLowerCase(), APP.toLowerCase(), RG, `/subscriptions/${SUB_A}`]);
  });
});

describe('exemptionsTable', () => {
  it('finds nothing in an empty register', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const found = await store.exemptions.forResource(ref(APP));

    // Assess
    expect(found).toEqual([]);
  });

  it('finds exemptions on the resource, its resource group and its subscription', async () => {
    // Prepare
    const store = newStore(connection());
    await register(store, [
      record('on-app', APP),
      record('on-rg', `/subscriptions/${SUB_A}/resourceGroups/RG-ONE`, { category: 'mitigated' }),
      record('on-sub', `/SUBSCRIPTIONS/${SUB_A.toUpperCase()}`),
    ]);

    // Act
    const found = await store.exemptions.forResource(ref(APP.toUpperCase()));

    // Assess
    expect(found).toEqual([
      { source: 'register', scope: APP.toLowerCase(), ...base },
      { source: 'register', scope: RG, ...base, category: 'mitigated' },
      { source: 'register', scope: `/subscriptions/${SUB_A}`, ...base },
    ]);
  });

  it("covers a slot by its site's exemption", async () => {
    // Prepare
    const store = newStore(connection());
    await register(store, [record('on-site', APP), record('on-slot', SLOT)]);

    // Act
    const found = await store.exemptions.forResource(ref(SLOT));

    // Assess
    expect(found.map((e) => e.scope)).toEqual([SLOT.toLowerCase(), APP.toLowerCase()]);
  });

  it('does not match other resources, groups, subscriptions or slots', async () => {
    // Prepare
    const store = newStore(connection());
    await register(store, [
      record('other-app', siteId(SUB_A, 'Rg-One', 'App-10')),
      record('slot-of-app', SLOT),
      record('other-slot-site', siteId(SUB_A, 'Rg-One', 'App-10', 'Staging')),
      record('other-rg', `/subscriptions/${SUB_A}/resourcegroups/rg-one-b`),
      record('other-sub', `/subscriptions/${SUB_B}`),
      record('same-app-other-sub', siteId(SUB_B, 'Rg-One', 'App-1')),
    ]);

    // Act
    const found = await store.exemptions.forResource(ref(APP));

    // Assess
    expect(found).toEqual([]);
  });

  it('reads a row missing fields as it is, leaving the verdict to the policy', async () => {
    // Prepare
    const store = newStore(connection());
    await writeRaw(store, `/subscriptions/${SUB_A}`, 'partial', { owner: 'platform' });

    // Act
    const found = await store.exemptions.forResource(ref(APP));

    // Assess
    expect(found).toEqual([{ source: 'register', scope: `/subscriptions/${SUB_A}`, owner: 'platform' }]);
  });

  it('marks a row with an unknown category or an unreadable expiry as malformed', async () => {
    // Prepare
    const store = newStore(connection());
    await writeRaw(store, APP, 'bad', { ...base, category: 'forever', expiresAt: 'someday' });

    // Act
    const [found] = await store.exemptions.forResource(ref(APP));

    // Assess
    expect(found?.category).toBeUndefined();
    expect(found?.malformed).toMatch(/bad: category "forever" .*; expiry "someday" is not a date/);
  });

  it('reads many resources at once as it reads each alone, in one query per 15 scopes', async () => {
    // Prepare
    const store = newStore(connection());
    const sites = Array.from({ length: 16 }, (_, i) => siteId(SUB_A, `Rg-${i % 3}`, `App-${i}`));
    const refs = [...sites.map(ref), ref(SLOT), ref(siteId(SUB_B, 'Rg-Two', 'App-9'))];
    await register(store, [
      record('on-sub', `/subscriptions/${SUB_A}`),
      record('on-group', `/subscriptions/${SUB_A}/resourceGroups/Rg-1`),
      record('on-site', sites[5] as string),
      record('on-parent-site', APP),
      record('elsewhere', `/subscriptions/${SUB_B}/resourceGroups/Rg-Other`),
    ]);
    const { proxy, connectionString } = await proxyTables(connection());
    try {
      const viaProxy = createTableStore({ connectionString, prefix: store.tables.exemptions.replace(/Exemptions$/, ''), allowInsecureConnection: true });

      // Act
      const many = await viaProxy.exemptions.forResources?.(refs);
      const requests = proxy.requests.length;
      const alone = await Promise.all(refs.map((r) => store.exemptions.forResource(r)));

      // Assess
      const ids = (found: Array<{ scope: string }> | undefined) => (found ?? []).map((e) => e.scope).sort();
      expect(refs.map((r) => ids(many?.get(r.key)))).toEqual(alone.map(ids));
      expect(ids(many?.get(ref(SLOT).key))).toEqual([APP.toLowerCase(), `/subscriptions/${SUB_A}`].sort());
      expect(ids(many?.get(sites[4]?.toLowerCase() as string))).toEqual([`/subscriptions/${SUB_A}/resourcegroups/rg-1`, `/subscriptions/${SUB_A}`].sort());
      // 16 sites + 1 slot + 1 site elsewhere: 16 + 2 + 3 + 4 distinct scopes = 25 -> 2 queries (plus the table's creation check).
      expect(requests).toBeLessThanOrEqual(3);
      expect(proxy.requests.filter((r) => r.method === 'GET').length).toBe(2);
    } finally {
      await proxy.stop();
    }
  });
});
