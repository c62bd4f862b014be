import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { parseSiteId, type SiteRef } from '../../src/policy/resourceId.js';
import { toExemptionEntity, type ExemptionRecord, type TableStore } from '../../src/store/index.js';
import { newStore, siteId, SUB_A, SUB_B, useAzurite } from './storeFixture.js';

const connection = useAzurite();

function ref(id: string): SiteRef {
  const parsed = parseSiteId(id);
  if (!parsed) throw new Error(`bad test id ${id}`);
  return parsed;
}

/** Writes register rows the way the register's writer will (the adapter itself is read-only). */
async function register(store: TableStore, records: ExemptionRecord[]): Promise<void> {
  const client = TableClient.fromConnectionString(connection(), store.tables.exemptions, { allowInsecureConnection: true });
  await client.createTable();
  for (const record of records) await client.upsertEntity(toExemptionEntity(record, store.tables.exemptions), 'Replace');
}

const APP = siteId(SUB_A, 'Rg-One', 'App-1');
const base = { owner: 'team-a', approver: 'ciso', reason: 'legacy client', category: 'waiver' as const, expiresAt: '2027-01-31T00:00:00.000Z' };

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
      { ...base, id: 'on-app', scope: APP },
      { ...base, id: 'on-rg', scope: `/subscriptions/${SUB_A}/resourceGroups/RG-ONE`, category: 'mitigated' },
      { id: 'on-sub', scope: `/SUBSCRIPTIONS/${SUB_A.toUpperCase()}`, owner: 'platform' },
    ]);

    // Act
    const found = await store.exemptions.forResource(ref(APP.toUpperCase()));

    // Assess
    expect(found).toEqual([
      { source: 'register', scope: APP.toLowerCase(), ...base },
      { source: 'register', scope: `/subscriptions/${SUB_A}/resourcegroups/rg-one`, ...base, category: 'mitigated' },
      { source: 'register', scope: `/subscriptions/${SUB_A}`, owner: 'platform' },
    ]);
  });

  it('does not match other resources, groups, subscriptions or slots', async () => {
    // Prepare
    const store = newStore(connection());
    await register(store, [
      { ...base, id: 'other-app', scope: siteId(SUB_A, 'Rg-One', 'App-10') },
      { ...base, id: 'slot-of-app', scope: siteId(SUB_A, 'Rg-One', 'App-1', 'staging') },
      { ...base, id: 'other-rg', scope: `/subscriptions/${SUB_A}/resourcegroups/rg-one-b` },
      { ...base, id: 'other-sub', scope: `/subscriptions/${SUB_B}` },
      { ...base, id: 'same-app-other-sub', scope: siteId(SUB_B, 'Rg-One', 'App-1') },
    ]);

    // Act
    const found = await store.exemptions.forResource(ref(APP));

    // Assess
    expect(found).toEqual([]);
  });

  it('marks a row with an unknown category or an unreadable expiry as malformed', async () => {
    // Prepare
    const store = newStore(connection());
    await register(store, [{ ...base, id: 'bad', scope: APP, category: 'forever' as 'waiver', expiresAt: 'someday' }]);

    // Act
    const [found] = await store.exemptions.forResource(ref(APP));

    // Assess
    expect(found?.category).toBeUndefined();
    expect(found?.malformed).toMatch(/bad: category "forever" .*; expiry "someday" is not a date/);
  });
});
