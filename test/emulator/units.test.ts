import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFromAuthorization, makeEmulatorToken, startEmulator, staticTokenCredential, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import { FaultPlan } from '../../tools/arm-emulator/src/emulator/faults.js';
import { Throttle } from '../../tools/arm-emulator/src/emulator/throttle.js';
import { sdkClient } from './support.js';

describe('token', () => {
  it('reads oid, appid, name and upn from an unsigned JWT', () => {
    const token = makeEmulatorToken({ oid: 'o-1', appid: 'a-1', name: 'Dev Ops', upn: 'dev@contoso.example' });

    const caller = callerFromAuthorization(`Bearer ${token}`);

    expect(caller).toEqual({ objectId: 'o-1', appId: 'a-1', name: 'Dev Ops', upn: 'dev@contoso.example' });
  });

  it('takes a non-JWT token as the object id and refuses a missing bearer', () => {
    expect(callerFromAuthorization('Bearer a.b.c')).toEqual({ objectId: 'a.b.c' });
    expect(callerFromAuthorization('Bearer raw-oid')).toEqual({ objectId: 'raw-oid' });
    expect(callerFromAuthorization('Basic xyz')).toBeUndefined();
    expect(callerFromAuthorization(undefined)).toBeUndefined();
  });

  it('gives the same token whatever the scopes', async () => {
    const credential = staticTokenCredential('fixed');

    const token = await credential.getToken(['https://management.azure.com/.default']);

    expect(token?.token).toBe('fixed');
    expect(token?.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });
});

describe('Throttle', () => {
  it('allows the burst, then refills at the rate, per key and kind', () => {
    let now = 0;
    const throttle = new Throttle({ readBurst: 2, readPerSecond: 1, writeBurst: 1, writePerSecond: 1 }, () => now);

    const burst = [throttle.take('s|a', 'read'), throttle.take('s|a', 'read'), throttle.take('s|a', 'read')];
    const otherKey = throttle.take('s|b', 'read');
    const write = throttle.take('s|a', 'write');
    now = 1000;
    const refilled = throttle.take('s|a', 'read');

    expect(burst.map((d) => d.ok)).toEqual([true, true, false]);
    expect(burst[2]).toEqual({ ok: false, retryAfterMs: 1000 });
    expect([otherKey.ok, write.ok, refilled.ok]).toEqual([true, true, true]);
  });
});

describe('FaultPlan', () => {
  it('serves queued faults to matching requests only, then stops', () => {
    const plan = new FaultPlan();
    plan.inject({ kind: '503', method: 'patch', pathIncludes: '/SITES/A' }, 2);

    const picks = [plan.pick({ method: 'GET', path: '/sites/a' }), plan.pick({ method: 'PATCH', path: '/sites/a' }), plan.pick({ method: 'PATCH', path: '/sites/a' }), plan.pick({ method: 'PATCH', path: '/sites/a' })];

    expect(picks).toEqual([undefined, '503', '503', undefined]);
  });

  it('repeats the same random faults for the same seed', () => {
    const run = () => {
      const plan = new FaultPlan({ rate: 0.3, kinds: ['500', 'drop'], seed: 11 });
      return Array.from({ length: 50 }, () => plan.pick({ method: 'GET', path: '/' }));
    };

    expect(run()).toEqual(run());
    expect(run().filter(Boolean).length).toBeGreaterThan(5);
  });
});

describe('TLS trust', () => {
  let emu: Emulator;
  let other: Emulator;

  beforeAll(async () => {
    [emu, other] = await Promise.all([startEmulator({ throttle: false }), startEmulator({ throttle: false })]);
    emu.seed({ subscriptions: [{ id: 'sub', sites: [{ resourceGroup: 'rg', name: 'app' }] }] });
  });

  afterAll(async () => {
    await Promise.all([emu.stop(), other.stop()]);
  });

  it("fails verification when the client trusts some other certificate (nothing is switched off)", async () => {
    const wrongTrust = sdkClient({ ...emu, caCertPem: other.caCertPem }, 'sub', { maxRetries: 0 });

    const err = await wrongTrust.webApps.get('rg', 'app').catch((e: unknown) => e as Error);

    expect(String(err)).toMatch(/self[- ]signed|unable to verify|certificate/i);
  });

  it('connects over localhost as well as 127.0.0.1', async () => {
    const viaLocalhost = sdkClient({ ...emu, url: emu.url.replace('127.0.0.1', 'localhost') }, 'sub');

    const site = await viaLocalhost.webApps.get('rg', 'app');

    expect(site.name).toBe('app');
  });
});
