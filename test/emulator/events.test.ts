import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCertificate } from '../../tools/arm-emulator/src/emulator/certificate.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { siteId, startEmulator, type Emulator, type EmulatorEvent } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, sdkClient, startWebhook, type TestWebhook } from './support.js';

const SUB = 'e7e7e7e7-0000-4000-8000-000000000001';
const SITE = siteId(SUB, 'rg-web', 'shop');
const SLOT = siteId(SUB, 'rg-web', 'shop', 'staging');
const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const UPN = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';
const seed = { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-web', name: 'shop', clientCertEnabled: true, slots: [{ name: 'staging' }] }] }] };

type Delivered = Array<Record<string, unknown> & { data: Record<string, unknown> & { claims: Record<string, string> } }>;
const sample = async (name: string) => JSON.parse(await readFile(new URL(`../fixtures/eventgrid/${name}`, import.meta.url), 'utf8')) as Delivered;
const keysOf = (o: object) => Object.keys(o).sort();

let emu: Emulator;
let hook: TestWebhook;
const sunk: EmulatorEvent[] = [];

beforeAll(async () => {
  emu = await startEmulator({ throttle: false, seed, eventSink: (e) => void sunk.push(e), delivery: { retryDelaysMs: [5, 5] } });
});

afterAll(async () => {
  await emu.stop();
});

afterEach(async () => {
  for (const w of emu.deliveries.list()) emu.state.unsubscribeWebhook(w.id);
  await hook?.stop();
});

describe('Event Grid schema deliveries', () => {
  it('validates the webhook, then delivers a write with the caller in claims, shaped like the documented event', async () => {
    hook = await startWebhook();
    await emu.subscribeWebhook({ url: hook.url, schema: 'eventgrid' });

    await sdkClient(emu, SUB, { identity: ALICE }).webApps.update('rg-web', 'shop', { clientCertEnabled: false });
    await emu.state.flushDeliveries();

    const [delivery] = hook.received;
    const [event] = delivery?.body as Delivered;
    const [documented] = await sample('sample-site-write.json');
    expect(hook.handshakes).toBe(1);
    expect(delivery?.headers['aeg-event-type']).toBe('Notification');
    expect(keysOf(event ?? {})).toEqual(keysOf(documented ?? {}));
    expect(keysOf(event?.data ?? {})).toEqual(keysOf(documented?.data ?? {}));
    expect(event).toMatchObject({ eventType: 'Microsoft.Resources.ResourceWriteSuccess', subject: SITE, topic: `/subscriptions/${SUB}`, dataVersion: '2', metadataVersion: '1' });
    expect(event?.data).toMatchObject({ operationName: 'Microsoft.Web/sites/write', resourceUri: SITE, status: 'Succeeded', subscriptionId: SUB, httpRequest: { method: 'PATCH' } });
    expect(event?.data.claims).toMatchObject({ appid: ALICE.appid, name: ALICE.name, [OID]: ALICE.oid, [UPN]: ALICE.upn });
  });

  it('emits slot writes and deletes, and omits httpRequest on creates', async () => {
    hook = await startWebhook();
    await emu.subscribeWebhook({ url: hook.url });
    emu.state.userWrite(SLOT, { clientCertMode: 'Optional' }, { objectId: 'pipeline-oid', appId: 'pipeline-app' });
    await sdkClient(emu, SUB).webApps.createOrUpdate('rg-web', 'brand-new', { location: 'West Europe' });

    await sdkClient(emu, SUB).webApps.delete('rg-web', 'brand-new');
    await emu.state.flushDeliveries();

    const events = hook.received.flatMap((d) => d.body as Delivered);
    expect(events.map((e) => e.data.operationName)).toEqual(['Microsoft.Web/sites/slots/write', 'Microsoft.Web/sites/write', 'Microsoft.Web/sites/delete']);
    expect(events[0]?.data.claims).toMatchObject({ appid: 'pipeline-app', [OID]: 'pipeline-oid' });
    expect(events[0]?.data.claims[UPN]).toBeUndefined();
    expect(events[1]?.data.httpRequest).toBeUndefined();
    expect(events[2]).toMatchObject({ eventType: 'Microsoft.Resources.ResourceDeleteSuccess', data: { httpRequest: { method: 'DELETE' } } });
  });

  it('refuses a webhook that fails the validation handshake', async () => {
    hook = await startWebhook({ validate: false });

    await expect(emu.subscribeWebhook({ url: hook.url, schema: 'eventgrid' })).rejects.toThrow(/validation handshake/);
  });

  it('retries a failing delivery and does not retry a 400', async () => {
    hook = await startWebhook();
    await emu.subscribeWebhook({ url: hook.url });
    const before = { ...emu.deliveries.stats };
    hook.answers.push(503, 200, 400);

    emu.state.userWrite(SITE, { clientCertEnabled: true }, { objectId: 'x' });
    await emu.idle();
    emu.state.userWrite(SITE, { clientCertEnabled: true }, { objectId: 'x' });
    await emu.idle();

    expect(hook.received.map((d) => d.headers['aeg-delivery-count'])).toEqual(['0', '1', '0']);
    expect(emu.deliveries.stats.retried - before.retried).toBe(1);
    expect(emu.deliveries.stats.delivered - before.delivered).toBe(1);
    expect(emu.deliveries.stats.failed - before.failed).toBe(1);
  });

  it('batches several events in one delivery when allowed', async () => {
    hook = await startWebhook();
    await emu.subscribeWebhook({ url: hook.url, maxEventsPerBatch: 3 });

    for (let i = 0; i < 3; i++) emu.state.userWrite(SITE, { clientCertEnabled: true }, { objectId: 'batcher' });
    await emu.idle();

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.body).toHaveLength(3);
  });
});

describe('CloudEvents 1.0 deliveries', () => {
  it('passes the OPTIONS handshake and delivers a batch shaped like the documented CloudEvents sample', async () => {
    hook = await startWebhook();
    await emu.subscribeWebhook({ url: hook.url, schema: 'cloudevents' });

    emu.state.userWrite(SITE, { clientCertMode: 'OptionalInteractiveUser' }, { objectId: ALICE.oid, name: ALICE.name ?? '', upn: ALICE.upn ?? '' });
    await emu.idle();

    const [delivery] = hook.received;
    const [event] = delivery?.body as Delivered;
    const [documented] = await sample('sample-site-write.cloudevents-batch.json');
    expect(hook.handshakes).toBe(1);
    expect(delivery?.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
    expect(keysOf(event ?? {})).toEqual(keysOf(documented ?? {}));
    expect(event).toMatchObject({ specversion: '1.0', type: 'Microsoft.Resources.ResourceWriteSuccess', source: `/subscriptions/${SUB}`, subject: SITE });
    expect(event?.data.claims).toMatchObject({ [OID]: ALICE.oid, [UPN]: ALICE.upn });
  });

  it('refuses a webhook that does not allow the Event Grid origin', async () => {
    hook = await startWebhook({ validate: false });

    await expect(emu.subscribeWebhook({ url: hook.url, schema: 'cloudevents' })).rejects.toThrow(/abuse-protection/);
  });
});

describe('HTTPS webhooks', () => {
  it('delivers to an HTTPS webhook whose own CA the subscription trusts', async () => {
    const cert = await generateCertificate('127.0.0.1');
    const bodies: string[] = [];
    const server = https.createServer(cert, (req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const [first] = JSON.parse(text) as Array<{ data: { validationCode?: string } }>;
        if (req.headers['aeg-event-type'] === 'SubscriptionValidation') return res.end(JSON.stringify({ validationResponse: first?.data.validationCode }));
        bodies.push(text);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const id = await emu.subscribeWebhook({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, caCertPem: cert.cert });

      emu.state.userWrite(SITE, { clientCertEnabled: true }, { objectId: 'tls' });
      await emu.idle();
      emu.state.unsubscribeWebhook(id);

      expect(bodies).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('event sink and seeding', () => {
  it('hands every event to the sink, and emits nothing for seeding', async () => {
    sunk.length = 0;

    emu.seed({ subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-web', name: 'seeded-later' }] }] });
    emu.state.userDelete(siteId(SUB, 'rg-web', 'seeded-later'), { objectId: 'cleaner' });

    expect(sunk).toHaveLength(1);
    expect(sunk[0]).toMatchObject({ eventType: 'Microsoft.Resources.ResourceDeleteSuccess', subject: siteId(SUB, 'rg-web', 'seeded-later') });
  });

  it('awaits an asynchronous sink in idle() and counts its failures', async () => {
    const queued: string[] = [];
    const slow = await startEmulator({ throttle: false, seed, eventSchema: 'cloudevents', eventSink: (e) => new Promise<void>((resolve, reject) => setTimeout(() => (queued.push(String(e.type)), queued.length > 1 ? reject(new Error('queue down')) : resolve()), 20)) });
    try {
      slow.state.userWrite(SITE, { clientCertEnabled: true }, { objectId: 'x' });
      slow.state.userWrite(SITE, { clientCertEnabled: true }, { objectId: 'x' });

      await slow.idle();

      expect(queued).toEqual(['Microsoft.Resources.ResourceWriteSuccess', 'Microsoft.Resources.ResourceWriteSuccess']);
      expect(slow.deliveries.stats.sinkFailed).toBe(1);
    } finally {
      await slow.stop();
    }
  });
});
