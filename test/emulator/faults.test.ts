import type { RestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import { bearer, rawRequest, sdkClient } from './support.js';

const SUB = 'fa017000-0000-4000-8000-000000000001';
const seed = { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg', name: 'one' }, { resourceGroup: 'rg', name: 'two' }] }] };
const error = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as RestError);

describe('fault injection seen by the real SDK', () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ throttle: false, seed });
  });

  afterAll(async () => {
    await emu.stop();
  });

  beforeEach(() => {
    emu.state.setFaults(undefined);
    emu.state.resetCounters();
  });

  it('retries a dropped connection and a 500, then succeeds', async () => {
    emu.state.injectFault({ kind: 'drop', method: 'GET', pathIncludes: '/sites/one' });
    emu.state.injectFault({ kind: '500', method: 'GET', pathIncludes: '/sites/one' });

    const site = await sdkClient(emu, SUB).webApps.get('rg', 'one');

    expect(site.name).toBe('one');
    expect(emu.stats.counts['GET site']).toBe(3);
    expect(emu.stats.statuses).toMatchObject({ 0: 1, 500: 1, 200: 1 });
  });

  it('surfaces a persistent 500 as a RestError once the SDK stops retrying', async () => {
    emu.state.injectFault({ kind: '500', pathIncludes: '/sites/two' }, 10);

    const err = await error(sdkClient(emu, SUB, { maxRetries: 1 }).webApps.get('rg', 'two'));

    expect(err?.statusCode).toBe(500);
    expect(emu.stats.counts['GET site']).toBe(2);
  });

  it('surfaces a dropped connection as an error when retries are off', async () => {
    emu.state.injectFault({ kind: 'drop' }, 1);

    const err = await error(sdkClient(emu, SUB, { maxRetries: 0 }).webApps.get('rg', 'two'));

    expect(err).toBeInstanceOf(Error);
    expect(emu.stats.faults).toBe(1);
  });

  it('answers a PATCH with 202 when asked, which the SDK accepts, and the change lands', async () => {
    emu.state.injectFault({ kind: '202', method: 'PATCH' });

    const updated = await sdkClient(emu, SUB).webApps.update('rg', 'one', { clientCertEnabled: true });

    expect(updated.clientCertEnabled).toBe(true);
    expect(emu.stats.writes[0]?.status).toBe(200);
    expect(emu.stats.statuses[202]).toBe(1);
  });

  it('holds a slow answer, then answers normally', async () => {
    emu.faults.slowMs = 30;
    emu.state.injectFault({ kind: 'slow', method: 'GET' });

    const site = await sdkClient(emu, SUB).webApps.get('rg', 'one');

    expect(site.name).toBe('one');
    expect(emu.stats.faults).toBe(1);
  });

  it('lets a decider function pick faults per request', async () => {
    emu.state.setFaults(({ method }) => (method === 'PATCH' ? '403' : undefined));

    const err = await error(sdkClient(emu, SUB).webApps.update('rg', 'two', { clientCertEnabled: true }));
    const read = await sdkClient(emu, SUB).webApps.get('rg', 'two');

    expect(err?.statusCode).toBe(403);
    expect(read.clientCertEnabled).toBe(false);
  });

  it('fails about the configured share of requests with a random rate', async () => {
    emu.state.setFaults({ rate: 0.5, kinds: ['500'], seed: 7 });
    const statuses: number[] = [];

    for (let i = 0; i < 40; i++) statuses.push((await rawRequest(emu, 'GET', `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/one?api-version=1`, { headers: bearer() })).status);

    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
  });
});

describe('per-subscription throttling', () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ seed, throttle: { readBurst: 2, readPerSecond: 2, writeBurst: 1, writePerSecond: 1 } });
  });

  afterAll(async () => {
    await emu.stop();
  });

  beforeEach(() => {
    emu.state.setThrottle({ readBurst: 2, readPerSecond: 2, writeBurst: 1, writePerSecond: 1 });
    emu.state.resetCounters();
  });

  it("answers 429 with Retry-After and ARM's TooManyRequests once the bucket is empty", async () => {
    const path = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/one?api-version=1`;

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await rawRequest(emu, 'GET', path, { headers: bearer() }));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[0]?.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('1');
    expect(Number(answers[2]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answers[2]?.json).toMatchObject({ error: { code: 'TooManyRequests' } });
  });

  it('lets the SDK retry 429s (honouring Retry-After) to success', async () => {
    const client = sdkClient(emu, SUB);

    const sites = await Promise.all([client.webApps.get('rg', 'one'), client.webApps.get('rg', 'two'), client.webApps.get('rg', 'one')]);

    expect(sites.map((s) => s.name)).toEqual(['one', 'two', 'one']);
    expect(emu.stats.statuses[429]).toBeGreaterThanOrEqual(1);
    expect(emu.stats.counts['GET site']).toBe(3 + (emu.stats.statuses[429] ?? 0));
  });

  it('fails with a 429 RestError when the SDK may not retry', async () => {
    emu.state.setThrottle({ writeBurst: 1, writePerSecond: 0.001 });
    const client = sdkClient(emu, SUB, { maxRetries: 0 });
    await client.webApps.update('rg', 'one', { clientCertEnabled: true });

    const err = await error(client.webApps.update('rg', 'two', { clientCertEnabled: true }));

    expect(err?.statusCode).toBe(429);
    expect(err?.code).toBe('TooManyRequests');
    expect(emu.fleet.getSite(SUB, 'rg', 'two')?.properties.clientCertEnabled).toBe(false);
  });

  it('keeps separate buckets per subscription and principal, and none when disabled', async () => {
    const path = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/one?api-version=1`;
    const get = (oid: string) => rawRequest(emu, 'GET', path, { headers: bearer({ oid }) }).then((a) => a.status);

    const first = [await get('a'), await get('a'), await get('a'), await get('b')];
    emu.state.setThrottle(false);
    const unthrottled = await Promise.all(Array.from({ length: 10 }, () => get('a')));

    expect(first).toEqual([200, 200, 429, 200]);
    expect(unthrottled.every((s) => s === 200)).toBe(true);
  });
});
