import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generatedSubscriptionId } from '../../tools/arm-emulator/src/emulator/index.js';
import { proxyTables, type CountingProxy, type SeenRequest } from '../support/countingProxy.js';
import { ALICE, HOST_KEY, startStack, type Stack } from '../support/stack.js';

/**
 * A delivery of many events is worked as one: one dedupe query (per 14 events), one mark
 * transaction, one settings read, the register for all its resources together, and findings
 * written in transactions. Seen on the wire, through a recording proxy in front of Azurite.
 */
const SITES = 16;
const SUB = generatedSubscriptionId(0);
let stack: Stack;
let tables: CountingProxy;
const published: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const proxied = await proxyTables(inject('azurite').connectionString);
  tables = proxied.proxy;
  stack = await startStack({ subscribe: false, emulator: { eventSink: (e) => published.push(e) }, env: { MTLS_STORAGE_CONNECTION: proxied.connectionString } });
  stack.emu.state.generate({ subscriptions: 1, sitesPerSubscription: SITES + 1, slotEvery: 0, nonCompliantFraction: 0 });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await tables?.stop();
});

const siteIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg-${(from + i) % 10}/providers/Microsoft.Web/sites/app-0-${from + i}`);

/** Users turn certificates off on `ids`; returns the events Azure would send for it. */
function drift(ids: string[]): Array<Record<string, unknown>> {
  const from = published.length;
  for (const id of ids) stack.emu.userWrite(id, { clientCertEnabled: false }, ALICE);
  return published.slice(from);
}

async function deliver(events: Array<Record<string, unknown>>): Promise<{ outcomes: Array<{ outcome: string; status?: string }>; requests: SeenRequest[] }> {
  const before = tables.requests.length;
  const res = await fetch(stack.host.webhookUrl, { method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json', 'x-functions-key': HOST_KEY, 'aeg-event-type': 'Notification' } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { outcomes: Array<{ outcome: string; status?: string }> };
  return { outcomes: body.outcomes, requests: tables.requests.slice(before) };
}

const isWrite = (r: SeenRequest) => r.method !== 'GET';
const to = (table: string) => (r: SeenRequest) => r.path.includes(`${String(stack.env.MTLS_TABLE_PREFIX)}${table}`);

describe('a delivery of many events is worked as one (Event Grid batch → local host → Azurite)', () => {
  it('records every drift with a fraction of the table requests one event at a time would take', async () => {
    // Prepare: one event first, so every table exists and the connections are open.
    await deliver(drift(siteIds(SITES, 1)));
    const events = drift(siteIds(0, SITES));

    // Act
    const { outcomes, requests } = await deliver(events);

    // Assess
    expect(outcomes.map((o) => `${o.outcome}:${o.status}`)).toEqual(Array(SITES).fill('recorded:noncompliant'));
    for (const id of siteIds(0, SITES)) expect((await stack.deps.findings.get(id.toLowerCase()))?.status).toBe('noncompliant');
    // Dedupe: no point read per event; ⌈n/14⌉ queries per minute of event time the delivery spans (usually one).
    const perMinute = new Map<string, number>();
    for (const e of events) perMinute.set(String(e.eventTime).slice(0, 16), (perMinute.get(String(e.eventTime).slice(0, 16)) ?? 0) + 1);
    const queries = [...perMinute.values()].reduce((sum, n) => sum + Math.ceil(n / 14), 0);
    expect(requests.filter(to('ProcessedEvents')).map((r) => r.method)).toEqual(Array(queries).fill('GET'));
    expect(requests.filter(to('Settings')).length).toBe(1);
    // The register: 16 sites + 10 groups + the subscription = 27 scopes, 15 to a query.
    expect(requests.filter(to('Exemptions')).length).toBe(2);
    // Each finding is read once; its history row goes in the finding's transaction, no request of its own.
    expect(requests.filter(to('Findings')).filter((r) => !isWrite(r)).length).toBe(SITES);
    for (const id of siteIds(0, SITES)) expect((await stack.deps.history.list(id.toLowerCase(), 1)).map((h) => h.status)).toEqual(['noncompliant']);
    // Findings written and events marked in transactions: one event at a time took 9 requests each (144).
    const batches = requests.filter((r) => r.method === 'POST' && r.path.endsWith('$batch')).length;
    const findingWrites = requests.filter(to('Findings')).filter(isWrite).length;
    expect(batches).toBeGreaterThan(perMinute.size);
    expect(findingWrites).toBeLessThan(SITES);
    // However the writes were grouped, far below the 144 requests of one event at a time.
    expect(requests.length).toBeLessThanOrEqual(queries + 1 + 2 + 2 * SITES + perMinute.size);
  });

  it('answers the same delivery again as duplicates, writing nothing', async () => {
    // Prepare
    const events = drift(siteIds(0, 4));
    await deliver(events);

    // Act
    const { outcomes, requests } = await deliver(events);

    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(requests.filter(isWrite)).toEqual([]);
    expect(requests.filter(to('ProcessedEvents')).length).toBeLessThanOrEqual(2); // one query per minute of event time
  });

  it('applies a settings change from the next delivery on', async () => {
    // Prepare
    const ids = siteIds(4, 2);
    await deliver(drift([ids[0] as string]));
    await stack.deps.settings.put({ subscriptionId: SUB, mode: 'off', updatedAt: new Date().toISOString(), updatedBy: 'test' });

    // Act
    const { outcomes } = await deliver(drift([ids[1] as string]));

    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['skipped']);
  });
});
