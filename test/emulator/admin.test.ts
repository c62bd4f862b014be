import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTIONS, demoFleet, generatedSubscriptionId, runEmulatorCommand, siteId, startEmulator, type Emulator, type EmulatorEvent } from '../../tools/arm-emulator/src/emulator/index.js';
import { rawRequest, sdkClient, startWebhook } from './support.js';

const SUB = 'ad000000-0000-4000-8000-000000000001';
const ADMIN = { 'x-admin-key': 'admin-secret' };

describe('admin API over HTTP', () => {
  let emu: Emulator;
  const events: EmulatorEvent[] = [];

  beforeAll(async () => {
    emu = await startEmulator({ throttle: false, adminKey: 'admin-secret', eventSink: (e) => void events.push(e) });
  });

  afterAll(async () => {
    await emu.stop();
  });

  it('refuses admin calls without the admin key', async () => {
    const answer = await rawRequest(emu, 'GET', '/admin/stats');

    expect(answer.status).toBe(401);
  });

  it('seeds a fleet without emitting events, and serves it to the SDK', async () => {
    const seed = { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg', name: 'api', clientCertEnabled: true, slots: [{ name: 'blue' }] }] }] };

    const answer = await rawRequest(emu, 'POST', '/admin/seed', { body: seed, headers: ADMIN });
    const site = await sdkClient(emu, SUB).webApps.get('rg', 'api');

    expect(answer.json).toEqual({ seeded: 2 });
    expect(site.clientCertEnabled).toBe(true);
    expect(events).toHaveLength(0);
  });

  it('performs a user write as the given caller, with its event', async () => {
    const body = { id: siteId(SUB, 'rg', 'api'), properties: { clientCertEnabled: false }, caller: { objectId: 'drifter', upn: 'bob@contoso.example' } };

    const answer = await rawRequest(emu, 'POST', '/admin/write', { body, headers: ADMIN });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ properties: { clientCertEnabled: false } });
    expect(events[0]).toMatchObject({ data: { claims: { 'http://schemas.microsoft.com/identity/claims/objectidentifier': 'drifter' } } });
  });

  it('injects one-off faults, reports counters and resets them', async () => {
    await rawRequest(emu, 'POST', '/admin/faults', { body: { kind: '500', method: 'GET', count: 1 }, headers: ADMIN });
    const failed = await sdkClient(emu, SUB, { maxRetries: 0 }).webApps.get('rg', 'api').catch((e: unknown) => e);

    const stats = await rawRequest(emu, 'GET', '/admin/stats', { headers: ADMIN });
    await rawRequest(emu, 'POST', '/admin/reset-stats', { headers: ADMIN });
    const after = await rawRequest(emu, 'GET', '/admin/requests', { headers: ADMIN });

    expect(failed).toMatchObject({ statusCode: 500 });
    expect(stats.json).toMatchObject({ faults: 1, statuses: { 500: 1 }, size: { subscriptions: 1, sites: 1, slots: 1 } });
    expect(after.json).toMatchObject({ counts: {}, writes: [] });
  });

  it('subscribes a webhook (after its handshake) and sets latency at runtime', async () => {
    const hook = await startWebhook();
    try {
      const subscribed = await rawRequest(emu, 'POST', '/admin/webhooks', { body: { url: hook.url, schema: 'cloudevents' }, headers: ADMIN });
      const latency = await rawRequest(emu, 'POST', '/admin/latency', { body: { ms: 5 }, headers: ADMIN });
      await rawRequest(emu, 'POST', '/admin/delete', { body: { id: siteId(SUB, 'rg', 'api', 'blue'), caller: { objectId: 'cleaner' } }, headers: ADMIN });
      const flushed = await rawRequest(emu, 'POST', '/admin/flush', { headers: ADMIN });
      const removed = await rawRequest(emu, 'DELETE', `/admin/webhooks/${(subscribed.json as { id: string }).id}`, { headers: ADMIN });

      expect(hook.handshakes).toBe(1);
      expect(latency.json).toEqual({ latencyMs: 5 });
      expect(hook.received[0]?.body).toMatchObject([{ type: 'Microsoft.Resources.ResourceDeleteSuccess', data: { operationName: 'Microsoft.Web/sites/slots/delete' } }]);
      expect(flushed.json).toMatchObject({ deliveries: { delivered: 1 } });
      expect(removed.json).toEqual({ removed: true });
    } finally {
      emu.state.setLatency(0);
      await hook.stop();
    }
  });

  it('answers 400 to a bad admin request and 404 to an unknown route', async () => {
    const bad = await rawRequest(emu, 'POST', '/admin/faults', { body: { kind: 'explode' }, headers: ADMIN });
    const unknown = await rawRequest(emu, 'POST', '/admin/nope', { headers: ADMIN });

    expect(bad.status).toBe(400);
    expect(unknown.status).toBe(404);
  });
});

describe('synthetic fleets', () => {
  it('generates 100k sites with slots and the asked share of drift, and pages through one subscription', async () => {
    const emu = await startEmulator({ throttle: false, pageSize: 1000 });
    try {
      const started = performance.now();
      const count = emu.state.generate({ subscriptions: 10, sitesPerSubscription: 10_000, slotEvery: 10, nonCompliantFraction: 0.2 });
      const generatedMs = performance.now() - started;

      let sites = 0;
      let drifted = 0;
      for await (const site of sdkClient(emu, generatedSubscriptionId(0)).webApps.list()) {
        sites++;
        if (!site.clientCertEnabled || site.clientCertMode !== 'Required' || site.clientCertExclusionPaths) drifted++;
      }

      expect(count).toBe(110_000);
      expect(emu.fleet.size()).toEqual({ subscriptions: 10, sites: 100_000, slots: 10_000 });
      expect(sites).toBe(10_000);
      expect(drifted).toBe(2_000);
      console.info(`generated ${count} sites+slots in ${generatedMs.toFixed(0)} ms`);
    } finally {
      await emu.stop();
    }
  });
});

describe('demo fleet', () => {
  it('covers every case the control distinguishes', () => {
    const sites = demoFleet().subscriptions.flatMap((s) => s.sites ?? []);

    expect(sites.some((s) => s.kind === 'functionapp,linux')).toBe(true);
    expect(sites.some((s) => s.kind === 'functionapp,workflowapp')).toBe(true);
    expect(sites.some((s) => s.sku === 'Free')).toBe(true);
    expect(sites.some((s) => s.clientCertMode === 'Optional')).toBe(true);
    expect(sites.some((s) => s.clientCertExclusionPaths)).toBe(true);
    expect(sites.filter((s) => s.slots?.length).length).toBeGreaterThanOrEqual(2);
  });
});

describe('runEmulatorCommand', () => {
  it('prints the URL and CA file, serves the demo fleet, and stops when told', async () => {
    let stop = () => undefined as void;
    const out: string[] = [];
    const running = runEmulatorCommand(['--seed', 'demo', '--no-throttle'], { stdout: (t) => void out.push(t), stderr: (t) => void out.push(t), untilStopped: () => new Promise((r) => (stop = r)) });
    await expect.poll(() => out.join('').includes('CA certificate')).toBe(true);

    const text = out.join('');
    const url = /on (https:\/\/\S+)/.exec(text)?.[1] ?? '';
    const caCertPem = await readFile(/CA certificate: (\S+)/.exec(text)?.[1] ?? '', 'utf8');
    const client = sdkClient({ url, caCertPem } as Emulator, DEMO_SUBSCRIPTIONS.enforce);
    const site = await client.webApps.get('rg-legacy', 'hobby-site');
    stop();

    expect(await running).toBe(0);
    expect(site.sku).toBe('Free');
    expect(out.join('')).toContain('ARM emulator stopped');
  });

  it('answers a bad flag with usage and exit code 2', async () => {
    const err: string[] = [];

    const code = await runEmulatorCommand(['--port', 'x'], { stdout: () => undefined, stderr: (t) => void err.push(t), untilStopped: async () => undefined });

    expect(code).toBe(2);
    expect(err.join('')).toContain('--port must be an integer');
  });
});
