import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, HOST_KEY, startStack, type Stack } from '../support/stack.js';

const SUB = 'd1d1d1d1-0000-4000-8000-000000000001';
const SITE = siteId(SUB, 'rg-shop', 'shop-frontend');
const SLOT = siteId(SUB, 'rg-shop', 'shop-frontend', 'canary');
const key = (id: string) => id.toLowerCase();

let stack: Stack;
const published: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  stack = await startStack({
    emulator: { eventSink: (e) => published.push(e) },
    seed: {
      subscriptions: [
        {
          id: SUB,
          sites: [{ resourceGroup: 'rg-shop', name: 'shop-frontend', clientCertEnabled: true, clientCertMode: 'Required', slots: [{ name: 'canary', clientCertEnabled: true, clientCertMode: 'Required' }] }],
        },
      ],
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.host.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-functions-key': HOST_KEY, ...headers } });
}

describe('drift detection end to end (emulator → Event Grid webhook → local host → Azurite)', () => {
  it('records a user turning client certificates off as noncompliant, with the caller and a history row', async () => {
    const started = performance.now();

    stack.emu.userWrite(SITE, { clientCertEnabled: false }, ALICE);
    await stack.settle();

    const elapsed = performance.now() - started;
    const finding = await stack.deps.findings.get(key(SITE));
    expect(finding?.status).toBe('noncompliant');
    // Never recorded compliant before (no sweep has run): baseline debt, the safe side.
    expect(finding?.reasons.map((r) => r.code)).toEqual(['client-cert-disabled', 'baseline-debt']);
    expect(finding?.debt?.since).toBe(finding?.firstNonCompliantAt);
    expect(finding?.lastCaller).toMatchObject({ objectId: ALICE.objectId, name: ALICE.name, appId: ALICE.appId });
    expect(finding?.firstNonCompliantAt).toBeDefined();
    const history = await stack.deps.history.list(key(SITE));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ status: 'noncompliant', caller: { name: ALICE.name } });
    console.info(`write-to-finding on the local stack: ${elapsed.toFixed(1)} ms`);
  });

  it('records turning them back on as compliant, keeping the history', async () => {
    stack.emu.userWrite(SITE, { clientCertEnabled: true, clientCertMode: 'Required' }, ALICE);
    await stack.settle();

    const finding = await stack.deps.findings.get(key(SITE));
    expect(finding?.status).toBe('compliant');
    expect(finding?.firstNonCompliantAt).toBeUndefined();
    const history = await stack.deps.history.list(key(SITE));
    expect(history.map((h) => h.status)).toEqual(['compliant', 'noncompliant']);
  });

  it('writes one history row for a delivery sent three times', async () => {
    stack.emu.userWrite(SITE, { clientCertMode: 'Optional' }, ALICE);
    await stack.settle();
    const event = published.at(-1) as Record<string, unknown>;
    const before = await stack.deps.history.list(key(SITE));

    for (let i = 0; i < 3; i++) {
      const res = await post('/runtime/webhooks/eventgrid', JSON.stringify([event]), { 'aeg-event-type': 'Notification' });
      expect(res.status).toBe(200);
    }

    const after = await stack.deps.history.list(key(SITE));
    expect(after).toHaveLength(before.length);
    expect((await stack.deps.findings.get(key(SITE)))?.reasons.map((r) => r.code)).toEqual(['mode-not-required']);
  });

  it('processes a fresh delivery once and answers its redeliveries as duplicates', async () => {
    const record = stack.emu.fleet.getSite(SUB, 'rg-shop', 'shop-frontend');
    if (record) record.properties.clientCertEnabled = false; // a change that raises no event of its own
    const event = { ...(published.at(-1) as Record<string, unknown>), id: 'fresh-dedupe-1' };
    const before = await stack.deps.history.list(key(SITE));

    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post('/runtime/webhooks/eventgrid', JSON.stringify([event]));
      outcomes.push(((await res.json()) as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome ?? '');
    }

    expect(outcomes).toEqual(['recorded', 'duplicate', 'duplicate']);
    expect(await stack.deps.history.list(key(SITE))).toHaveLength(before.length + 1);
  });

  it('evaluates the slot, not its parent, on a slot write', async () => {
    const siteBefore = await stack.deps.findings.get(key(SITE));

    stack.emu.userWrite(SLOT, { clientCertEnabled: false }, ALICE);
    await stack.settle();

    const slot = await stack.deps.findings.get(key(SLOT));
    expect(slot?.status).toBe('noncompliant');
    expect(slot?.slot).toBe('canary');
    expect((await stack.deps.findings.get(key(SITE)))?.lastEvaluatedAt).toBe(siteBefore?.lastEvaluatedAt);
  });

  it('marks a deleted site\'s slots deleted too (Azure sends one delete for the site)', async () => {
    const other = siteId(SUB, 'rg-shop', 'doomed');
    stack.emu.seed({ subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-shop', name: 'doomed', clientCertEnabled: true, clientCertMode: 'Required', slots: [{ name: 'blue', clientCertEnabled: true, clientCertMode: 'Required' }] }] }] });
    stack.emu.userWrite(`${other}/slots/blue`, { clientCertEnabled: false }, ALICE);
    await stack.settle();
    expect((await stack.deps.findings.get(key(`${other}/slots/blue`)))?.status).toBe('noncompliant');

    stack.emu.userDelete(other, ALICE);
    await stack.settle();

    expect((await stack.deps.findings.get(key(other)))?.status).toBe('deleted');
    expect((await stack.deps.findings.get(key(`${other}/slots/blue`)))?.status).toBe('deleted');
  });

  it('marks a deleted slot deleted', async () => {
    stack.emu.userDelete(SLOT, ALICE);
    await stack.settle();

    expect((await stack.deps.findings.get(key(SLOT)))?.status).toBe('deleted');
  });
});

describe('bad input changes nothing', () => {
  async function findingCount(): Promise<number> {
    let n = 0;
    for await (const _ of stack.deps.findings.list()) n++;
    return n;
  }

  it.each([
    ['malformed JSON', '{"id": ', 400],
    ['a JSON string', '"hello"', 400],
  ])('answers %s with %i', async (_name, body, status) => {
    const before = await findingCount();

    const res = await post('/runtime/webhooks/eventgrid', body);

    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(/\w/);
    expect(await findingCount()).toBe(before);
  });

  it('classifies a non-site resource, another event type and a missing field without writing', async () => {
    const before = await findingCount();
    const base = structuredClone(published[0]) as { id: string; data: Record<string, unknown>; eventType: string };
    const storage = { ...structuredClone(base), id: 'x-1', data: { ...base.data, resourceUri: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa`, operationName: 'Microsoft.Storage/storageAccounts/write' } };
    const action = { ...structuredClone(base), id: 'x-2', eventType: 'Microsoft.Resources.ResourceActionSuccess' };
    const missing = { ...structuredClone(base), id: 'x-3', data: { ...base.data, resourceUri: undefined } };

    const res = await post('/runtime/webhooks/eventgrid', JSON.stringify([storage, action, missing]));

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcomes: [], ignored: 2, invalid: 1 });
    expect(await findingCount()).toBe(before);
  });

  it('answers 401 without the key and 413 past the size cap', async () => {
    const noKey = await fetch(`${stack.host.url}/runtime/webhooks/eventgrid`, { method: 'POST', body: '[]' });
    const big = await post('/runtime/webhooks/eventgrid', JSON.stringify([{ pad: 'x'.repeat(1_200_000) }]));

    expect(noKey.status).toBe(401);
    expect(big.status).toBe(413);
  });
});

describe('CloudEvents 1.0 delivery', () => {
  it('passes the OPTIONS handshake and records drift from a CloudEvents batch', async () => {
    const ce = await startStack({
      schema: 'cloudevents',
      seed: { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-ce', name: 'ce-app', clientCertEnabled: true, clientCertMode: 'Required' }] }] },
    });
    try {
      ce.emu.userWrite(siteId(SUB, 'rg-ce', 'ce-app'), { clientCertMode: 'OptionalInteractiveUser' }, ALICE);
      await ce.settle();

      const finding = await ce.deps.findings.get(key(siteId(SUB, 'rg-ce', 'ce-app')));
      expect(finding?.status).toBe('noncompliant');
      expect(finding?.advice.join(' ')).toMatch(/renegotiation/i);
      expect(ce.emu.deliveries.stats.failed).toBe(0);
    } finally {
      await ce.stop();
    }
  });
});
