import { RestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteId, startEmulator, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, bearer, rawRequest, sdkClient } from './support.js';

const SUB = 'aaaaaaaa-0000-4000-8000-000000000001';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ pageSize: 7, throttle: false });
  emu.seed({
    subscriptions: [
      {
        id: SUB,
        displayName: 'sdk-tests',
        resourceGroups: ['rg-empty'],
        sites: [
          ...Array.from({ length: 20 }, (_, i) => ({ resourceGroup: i % 2 ? 'rg-a' : 'rg-b', name: `app-${i}`, clientCertEnabled: i % 3 === 0 })),
          { resourceGroup: 'rg-a', name: 'With-Slots', clientCertEnabled: true, slots: [{ name: 'staging' }, { name: 'canary', clientCertEnabled: true, clientCertMode: 'Optional' }] },
          { resourceGroup: 'rg-a', name: 'free-app', sku: 'Free', slots: [{ name: 'dev' }] },
          { resourceGroup: 'rg-a', name: 'excluded', kind: 'functionapp,linux', sku: 'Dynamic', clientCertEnabled: true, clientCertExclusionPaths: '/health' },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await emu.stop();
});

const error = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as RestError);

describe('sites and slots through the real WebSiteManagementClient', () => {
  it('pages through every site of the subscription by following nextLink', async () => {
    emu.stats.reset();

    const names: string[] = [];
    for await (const site of sdkClient(emu, SUB).webApps.list()) names.push(site.name ?? '');

    expect(names).toHaveLength(23);
    expect(new Set(names).size).toBe(23);
    expect(emu.stats.counts['LIST sites']).toBe(4);
  });

  it('includes slots in the resource-group list when asked', async () => {
    const ids: string[] = [];
    for await (const site of sdkClient(emu, SUB).webApps.listByResourceGroup('RG-A', { includeSlots: true })) ids.push(site.name ?? '');

    expect(ids).toContain('With-Slots/staging');
    expect(ids).toContain('free-app/dev');
    expect(ids.filter((n) => !n.includes('/'))).toHaveLength(13);
  });

  it('gets a site and a slot in any casing, with the client-cert fields, sku and original names', async () => {
    const client = sdkClient(emu, SUB);

    const site = await client.webApps.get('RG-A', 'with-slots');
    const slot = await client.webApps.getSlot('rg-a', 'WITH-SLOTS', 'Canary');

    expect(site).toMatchObject({ name: 'With-Slots', type: 'Microsoft.Web/sites', clientCertEnabled: true, clientCertMode: 'Required', sku: 'Standard' });
    expect(site.id).toBe(siteId(SUB, 'rg-a', 'With-Slots'));
    expect(slot).toMatchObject({ name: 'With-Slots/canary', type: 'Microsoft.Web/sites/slots', clientCertEnabled: true, clientCertMode: 'Optional' });
  });

  it("reads clientCertMode Required while clientCertEnabled is false, as Azure does", async () => {
    const slot = await sdkClient(emu, SUB).webApps.getSlot('rg-a', 'with-slots', 'staging');

    expect(slot.clientCertEnabled).toBe(false);
    expect(slot.clientCertMode).toBe('Required');
  });

  it('serves exclusion paths and the function app kind', async () => {
    const site = await sdkClient(emu, SUB).webApps.get('rg-a', 'excluded');

    expect(site).toMatchObject({ kind: 'functionapp,linux', sku: 'Dynamic', clientCertExclusionPaths: '/health', reserved: true });
  });

  it('lists slots', async () => {
    const slots: string[] = [];
    for await (const s of sdkClient(emu, SUB).webApps.listSlots('rg-a', 'with-slots')) slots.push(s.name ?? '');

    expect(slots).toEqual(['With-Slots/staging', 'With-Slots/canary']);
  });

  it('patches only the fields sent and records the body and the JWT caller', async () => {
    emu.stats.reset();
    const client = sdkClient(emu, SUB, { identity: { oid: 'oid-42', appid: 'app-42' } });

    const updated = await client.webApps.update('rg-b', 'app-0', { clientCertEnabled: false, clientCertMode: 'OptionalInteractiveUser' });

    expect(updated).toMatchObject({ clientCertEnabled: false, clientCertMode: 'OptionalInteractiveUser', sku: 'Standard' });
    expect(emu.stats.patches()).toHaveLength(1);
    expect(emu.stats.patches()[0]).toMatchObject({ caller: { objectId: 'oid-42', appId: 'app-42' }, body: { properties: { clientCertEnabled: false, clientCertMode: 'OptionalInteractiveUser' } }, status: 200 });
  });

  it('patches a slot and takes a raw (non-JWT) token as the caller object id', async () => {
    emu.stats.reset();

    await sdkClient(emu, SUB, { token: 'plain-object-id' }).webApps.updateSlot('rg-a', 'with-slots', 'staging', { clientCertEnabled: true });

    expect(emu.fleet.getSlot(SUB, 'rg-a', 'with-slots', 'staging')?.properties.clientCertEnabled).toBe(true);
    expect(emu.stats.writes[0]?.caller).toEqual({ objectId: 'plain-object-id' });
    expect(emu.stats.counts['PATCH slot']).toBe(1);
  });

  it("refuses client certificates on the Free tier with Azure's 400 and changes nothing", async () => {
    const client = sdkClient(emu, SUB);

    const err = await error(client.webApps.update('rg-a', 'free-app', { clientCertEnabled: true, clientCertMode: 'Required' }));

    expect(err).toBeInstanceOf(RestError);
    expect(err?.statusCode).toBe(400);
    expect(err?.message).toBe("Cannot enable client certificate for a site 'free-app' because current site mode does not allow it.");
    expect((await client.webApps.get('rg-a', 'free-app')).clientCertEnabled).toBe(false);
  });

  it('refuses client certificates on a slot of a Free site too', async () => {
    const err = await error(sdkClient(emu, SUB).webApps.updateSlot('rg-a', 'free-app', 'dev', { clientCertEnabled: true }));

    expect(err?.statusCode).toBe(400);
    expect(err?.message).toContain('because current site mode does not allow it');
  });

  it('answers 404 ResourceNotFound for a missing site or slot and ResourceGroupNotFound for a missing group', async () => {
    const client = sdkClient(emu, SUB);

    const site = await error(client.webApps.get('rg-a', 'nope'));
    const slot = await error(client.webApps.getSlot('rg-a', 'with-slots', 'nope'));
    const group = await error(client.webApps.get('rg-missing', 'app-1'));

    expect([site?.statusCode, site?.code]).toEqual([404, 'ResourceNotFound']);
    expect([slot?.statusCode, slot?.code]).toEqual([404, 'ResourceNotFound']);
    expect([group?.statusCode, group?.code]).toEqual([404, 'ResourceGroupNotFound']);
  });

  it('creates a site with PUT (a finished long-running operation) and deletes it', async () => {
    const client = sdkClient(emu, SUB);

    const created = await client.webApps.createOrUpdate('rg-empty', 'new-app', { location: 'North Europe', kind: 'app,linux', tags: { team: 'a' }, clientCertEnabled: true });
    await client.webApps.delete('rg-empty', 'new-app');
    const gone = await error(client.webApps.get('rg-empty', 'new-app'));

    expect(created).toMatchObject({ name: 'new-app', location: 'North Europe', tags: { team: 'a' }, clientCertEnabled: true, clientCertMode: 'Required' });
    expect(gone?.statusCode).toBe(404);
  });

  it('rejects an invalid clientCertMode with 400 and keeps the site', async () => {
    const err = await error(sdkClient(emu, SUB).webApps.update('rg-b', 'app-2', { clientCertMode: 'Sometimes' as 'Required' }));

    expect(err?.statusCode).toBe(400);
    expect(emu.fleet.getSite(SUB, 'rg-b', 'app-2')?.properties.clientCertMode).toBe('Required');
  });
});

describe('ARM request rules (raw HTTPS)', () => {
  it('lists subscriptions in ARM shape', async () => {
    const answer = await rawRequest(emu, 'GET', '/subscriptions?api-version=2022-12-01', { headers: bearer() });

    expect(answer.json).toEqual({ value: [{ id: `/subscriptions/${SUB}`, subscriptionId: SUB, displayName: 'sdk-tests', state: 'Enabled', tenantId: emu.state.tenantId }] });
  });

  it('answers 401 AuthenticationFailed without a bearer token', async () => {
    const answer = await rawRequest(emu, 'GET', `/subscriptions/${SUB}/providers/Microsoft.Web/sites?api-version=2024-11-01`);

    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { code: 'AuthenticationFailed' } });
  });

  it('answers 400 without an api-version', async () => {
    const answer = await rawRequest(emu, 'GET', `/subscriptions/${SUB}/providers/Microsoft.Web/sites`, { headers: bearer() });

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
  });

  it('accepts lowercase resourcegroups and reports the remaining read budget', async () => {
    const answer = await rawRequest(emu, 'GET', `/SUBSCRIPTIONS/${SUB}/resourcegroups/RG-B/providers/microsoft.web/sites/APP-4?api-version=2016-08-01`, { headers: bearer() });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ id: siteId(SUB, 'rg-b', 'app-4'), name: 'app-4' });
    expect(answer.headers['x-ms-ratelimit-remaining-subscription-reads']).toBeDefined();
  });

  it('answers 404 SubscriptionNotFound for an unknown subscription', async () => {
    const answer = await rawRequest(emu, 'GET', '/subscriptions/nope/providers/Microsoft.Web/sites?api-version=1', { headers: bearer(ALICE) });

    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error: { code: 'SubscriptionNotFound' } });
  });

  it('answers 400 to a write whose body is not a JSON object', async () => {
    const answer = await rawRequest(emu, 'PATCH', `/subscriptions/${SUB}/resourceGroups/rg-b/providers/Microsoft.Web/sites/app-0?api-version=1`, { body: [1], headers: bearer() });

    expect(answer.status).toBe(400);
  });
});
