import { WebSiteManagementClient } from '@azure/arm-appservice';
import { RestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustExtraCaPolicy } from '../../src/azure/index.js';
import { emulatorCredential, makeEmulatorToken, startEmulator, type Emulator } from '../../src/emulator/index.js';

const SUB = 'aaaaaaaa-0000-4000-8000-000000000001';
let emu: Emulator;

function client(token = makeEmulatorToken({ oid: 'user-1', name: 'alice@contoso.example' }), maxRetries = 3) {
  return new WebSiteManagementClient(emulatorCredential(token), SUB, {
    endpoint: emu.url,
    additionalPolicies: [{ policy: trustExtraCaPolicy(emu.caCertPem), position: 'perCall' }],
    retryOptions: { maxRetries, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
}

beforeAll(async () => {
  emu = await startEmulator({ pageSize: 7, throttle: false });
  emu.seed({
    subscriptions: [
      {
        id: SUB,
        sites: [
          ...Array.from({ length: 20 }, (_, i) => ({ resourceGroup: i % 2 ? 'rg-a' : 'rg-b', name: `app-${i}`, clientCertEnabled: i % 3 === 0 })),
          { resourceGroup: 'rg-a', name: 'with-slots', clientCertEnabled: true, clientCertMode: 'Required', slots: [{ name: 'staging', clientCertEnabled: false }] },
          { resourceGroup: 'rg-a', name: 'free-app', sku: 'Free' },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await emu.stop();
});

describe('ARM emulator through the real WebSiteManagementClient', () => {
  it('pages through every site with nextLink', async () => {
    const names: string[] = [];
    for await (const site of client().webApps.list()) names.push(site.name ?? '');

    expect(names).toHaveLength(22);
    expect(emu.stats.counts['LIST sites']).toBeGreaterThanOrEqual(4);
  });

  it('gets a site and a slot with the client-cert fields and sku', async () => {
    const site = await client().webApps.get('RG-A', 'WITH-SLOTS');
    const slot = await client().webApps.getSlot('rg-a', 'with-slots', 'staging');

    expect(site.clientCertEnabled).toBe(true);
    expect(site.sku).toBe('Standard');
    expect(slot.name).toBe('with-slots/staging');
    expect(slot.clientCertEnabled).toBe(false);
    expect(slot.clientCertMode).toBe('Required');
  });

  it('lists slots', async () => {
    const slots = [];
    for await (const s of client().webApps.listSlots('rg-a', 'with-slots')) slots.push(s.name);

    expect(slots).toEqual(['with-slots/staging']);
  });

  it('patches only what it is sent and records the caller and body', async () => {
    emu.stats.reset();

    const updated = await client(makeEmulatorToken({ oid: 'oid-42', appid: 'app-42' })).webApps.update('rg-b', 'app-0', { clientCertEnabled: false });

    expect(updated.clientCertEnabled).toBe(false);
    expect(updated.httpsOnly).toBe(true);
    const [write] = emu.stats.writes;
    expect(write?.caller).toEqual({ objectId: 'oid-42', appId: 'app-42' });
    expect(write?.body).toEqual({ properties: { clientCertEnabled: false } });
  });

  it('refuses client certificates on the Free tier with Azure\'s 400', async () => {
    const error = await client().webApps.update('rg-a', 'free-app', { clientCertEnabled: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).statusCode).toBe(400);
    expect((error as RestError).message).toContain("Cannot enable client certificate for a site 'free-app'");
    expect((await client().webApps.get('rg-a', 'free-app')).clientCertEnabled).toBe(false);
  });

  it('answers 404 for a missing site', async () => {
    const error = await client().webApps.get('rg-a', 'nope').catch((e: unknown) => e);

    expect((error as RestError).statusCode).toBe(404);
  });

  it('rejects a request without a bearer token', async () => {
    const res = await fetch(`${emu.url}/subscriptions?api-version=2024-04-01`).catch((e: unknown) => e);

    // Node's fetch does not trust the emulator's certificate: the TLS check itself stays on.
    expect(res).toBeInstanceOf(Error);
  });

  it('retries through injected 503 and dropped connections', async () => {
    emu.faults.inject({ kind: '503', method: 'GET', pathIncludes: '/app-1' }, 1);
    emu.faults.inject({ kind: 'drop', method: 'GET', pathIncludes: '/app-1' }, 1);
    emu.stats.reset();

    const site = await client().webApps.get('rg-a', 'app-1');

    expect(site.name).toBe('app-1');
    expect(emu.stats.counts['GET site']).toBe(3);
  });

  it('surfaces a persistent 500 as an error after the SDK retries', async () => {
    emu.faults.inject({ kind: '500', method: 'GET', pathIncludes: '/app-3' }, 10);

    const error = await client(undefined, 1).webApps.get('rg-a', 'app-3').catch((e: unknown) => e);

    expect((error as RestError).statusCode).toBe(500);
    emu.faults.clear();
  });
});

describe('ARM emulator throttling', () => {
  it('answers 429 with Retry-After once the bucket is empty, and the SDK retries', async () => {
    const tight = await startEmulator({ throttle: { readBurst: 2, readPerSecond: 2, writeBurst: 1, writePerSecond: 1 } });
    try {
      tight.seed({ subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg', name: 'one' }] }] });
      const c = new WebSiteManagementClient(emulatorCredential('t'), SUB, {
        endpoint: tight.url,
        additionalPolicies: [{ policy: trustExtraCaPolicy(tight.caCertPem), position: 'perCall' }],
      });

      const results = await Promise.all(Array.from({ length: 3 }, () => c.webApps.get('rg', 'one')));

      expect(results.every((s) => s.name === 'one')).toBe(true);
      expect(tight.stats.throttled).toBeGreaterThan(0);
    } finally {
      await tight.stop();
    }
  });
});
