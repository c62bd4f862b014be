import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmSites } from '../../src/azure/index.js';
import { loadConfig } from '../../src/config/index.js';
import { assessAndAct, remediate, subscriptionContext, type EnforcerDeps, type LogLevel } from '../../src/enforcer/index.js';
import { withLease } from '../../src/enforcer/withLease.js';
import type { LeasesPort } from '../../src/model/index.js';
import { parseSiteId, type SiteRef } from '../../src/policy/index.js';
import { createMemoryStore } from '../../src/store/index.js';
import { emulatorCredential, makeEmulatorToken, siteId, startEmulator, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';

const SUB = '1ea5e000-0000-4000-8000-000000000001';
const ENFORCER = { oid: '1ea5e000-0000-4000-8000-00000000e0f0', appid: '1ea5e000-0000-4000-8000-0000000000a1' };

/** The memory store's leases, recording each TTL asked for; its release fails as Table Storage would when it is down. */
function recordingLeases(inner: LeasesPort): LeasesPort & { ttls: number[] } {
  const ttls: number[] = [];
  return {
    ttls,
    tryAcquire: (name, holder, now, ttlMs) => {
      ttls.push(ttlMs);
      return inner.tryAcquire(name, holder, now, ttlMs);
    },
    release: () => Promise.reject(new Error('storage unreachable')),
  };
}

let emu: Emulator;
const refOf = (name: string): SiteRef => {
  const ref = parseSiteId(siteId(SUB, 'rg', name));
  if (!ref) throw new Error(`${name} does not parse`);
  return ref;
};

async function depsWith(leaseSeconds: string): Promise<{ deps: EnforcerDeps; leases: LeasesPort & { ttls: number[] }; logs: Array<{ level: LogLevel; message: string }> }> {
  const config = loadConfig(
    { MTLS_ARM_ENDPOINT: emu.url, MTLS_DEFAULT_MODE: 'enforce', MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid, MTLS_ENFORCER_APP_ID: ENFORCER.appid, MTLS_LEASE_SECONDS: leaseSeconds },
    { requireStorage: false },
  );
  const store = createMemoryStore();
  const arm = createArmSites({ endpoint: emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: emu.caCertPem });
  const leases = recordingLeases(store.leases);
  const logs: Array<{ level: LogLevel; message: string }> = [];
  const deps: EnforcerDeps = {
    sites: arm, writer: arm, findings: store.findings, history: store.history, processedEvents: store.processedEvents, exemptions: store.exemptions,
    settings: store.settings, register: store.exemptionRegister, sweeps: store.sweeps, leases,
    policy: config.policy, remediation: config.remediation, clock: () => new Date(), newId: () => randomUUID(),
    log: (level, message) => logs.push({ level, message }),
  };
  return { deps, leases, logs };
}

beforeAll(async () => {
  emu = await startEmulator({ throttle: false });
  emu.seed({ subscriptions: [{ id: SUB, sites: ['drifted', 'own'].map((name) => ({ resourceGroup: 'rg', name, clientCertEnabled: false })) }] });
});

afterAll(async () => {
  await emu.stop();
});

describe('withLease: every lease user takes the one configured TTL and logs a release that failed', () => {
  it('a revert holds its lease for MTLS_LEASE_SECONDS and says when the lease could not be released', async () => {
    const { deps, leases, logs } = await depsWith('45');
    const ref = refOf('drifted');
    const context = await subscriptionContext(deps, SUB);

    const result = await remediate(deps, ref, context.policy, { id: 'c1', at: new Date().toISOString(), source: 'event' });

    expect(result.kind).toBe('remediated');
    expect(leases.ttls).toEqual([45_000]);
    expect(logs.filter((l) => l.level === 'warn' && l.message.includes(`lease on ${ref.key} not released`))).toHaveLength(1);
  });

  it("the enforcer's own write is recorded under the same TTL, and its failed release is logged too", async () => {
    const { deps, leases, logs } = await depsWith('45');
    const ref = refOf('own');
    const context = await subscriptionContext(deps, SUB);
    const caller = { objectId: ENFORCER.oid, appId: ENFORCER.appid };

    const assessment = await assessAndAct(deps, ref, undefined, { id: 'c2', at: new Date().toISOString(), source: 'event', caller }, context);

    expect(assessment.remediation).toBe('own-write');
    expect(leases.ttls).toEqual([45_000]);
    expect(logs.filter((l) => l.level === 'warn' && l.message.includes(`lease on ${ref.key} not released`))).toHaveLength(1);
  });

  it('defaults to 60 s', () => {
    expect(loadConfig({}, { requireStorage: false }).remediation.leaseTtlMs).toBe(60_000);
  });
});

describe('withLease with renew: the lease is kept while the work runs, and let go of cleanly', () => {
  const TTL_MS = 900;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const until = async (condition: () => boolean) => {
    while (!condition()) await sleep(10);
  };
  /** The memory store's leases, counting takes of `name`; from take `failFrom` on they fail as an unreachable store would. */
  function countingLeases(inner: LeasesPort, failFrom = Infinity): LeasesPort & { takes: () => number } {
    let takes = 0;
    return {
      takes: () => takes,
      tryAcquire: (name, holder, now, ttlMs) => (++takes >= failFrom ? Promise.reject(new Error('storage unreachable')) : inner.tryAcquire(name, holder, now, ttlMs)),
      release: (name, holder) => inner.release(name, holder),
    };
  }
  function renewingDeps(failFrom?: number) {
    const store = createMemoryStore();
    const leases = countingLeases(store.leases, failFrom);
    const logs: Array<{ level: LogLevel; message: string }> = [];
    const deps = {
      leases, clock: () => new Date(), newId: () => randomUUID(), log: (level: LogLevel, message: string) => void logs.push({ level, message }),
      remediation: { ...loadConfig({}, { requireStorage: false }).remediation, leaseTtlMs: TTL_MS },
    };
    return { deps, store, leases, logs };
  }

  it('holds the lease past its TTL while the work runs, then renews no more and releases it', async () => {
    const { deps, store, leases, logs } = renewingDeps();
    let busyMeanwhile: boolean | undefined;

    const result = await withLease(deps, 'wave', async ({ signal }) => {
      await sleep(2 * TTL_MS);
      // Another holder, two TTLs after the take: still held.
      busyMeanwhile = !(await store.leases.tryAcquire('wave', 'another', new Date(), TTL_MS));
      return signal.aborted ? 'lost' : 'kept';
    }, () => 'busy', { renew: true });
    const takesAtEnd = leases.takes();
    await sleep(TTL_MS);

    expect(result).toBe('kept');
    expect(busyMeanwhile).toBe(true);
    expect(takesAtEnd).toBeGreaterThan(1);
    expect(leases.takes()).toBe(takesAtEnd);
    expect(await store.leases.tryAcquire('wave', 'another', new Date(), TTL_MS)).toBe(true);
    expect(logs).toEqual([]);
  });

  it('renewals that keep failing abort the signal, are logged, and never become an unhandled rejection', async () => {
    const { deps, leases, logs } = renewingDeps(2);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const reason = await withLease(deps, 'wave', ({ signal }) => new Promise<string>((resolve) => {
        signal.addEventListener('abort', () => resolve(String((signal.reason as Error).message)));
      }), () => 'busy', { renew: true });
      const takesAtEnd = leases.takes();
      await sleep(TTL_MS);

      expect(reason).toMatch(/^lease on wave lost: renewals kept failing and it expires at \S+ \(storage unreachable\)$/);
      expect(logs.filter((l) => l.level === 'warn').map((l) => l.message.slice(0, 30))).toEqual(['lease on wave not renewed (hel', 'lease on wave lost: renewals k']);
      expect(leases.takes()).toBe(takesAtEnd);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a renewal that hangs past the expiry neither keeps the lease nor holds up the end of the work', async () => {
    const { deps, store, logs } = renewingDeps();
    // Each lease's first take answers; every renewal of it hangs (a store that stopped answering).
    const takes = new Map<string, number>();
    const leases: LeasesPort = {
      tryAcquire: (name, ...rest) => {
        takes.set(name, (takes.get(name) ?? 0) + 1);
        return takes.get(name) === 1 ? store.leases.tryAcquire(name, ...rest) : new Promise<boolean>(() => undefined);
      },
      release: store.leases.release,
    };

    const reason = await withLease({ ...deps, leases }, 'wave', async ({ signal }) => {
      await until(() => (takes.get('wave') ?? 0) > 1);
      return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve(String((signal.reason as Error).message))));
    }, () => 'busy', { renew: true });
    const ended = await withLease({ ...deps, leases }, 'other', async () => {
      // The work ends while its renewal hangs: the release waits no longer than the lease lasts.
      await until(() => (takes.get('other') ?? 0) > 1);
      return 'ended';
    }, () => 'busy', { renew: true });

    expect(reason).toMatch(/^lease on wave lost: it expired at \S+ before a renewal was answered$/);
    expect(ended).toBe('ended');
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message.slice(0, 24))).toEqual(['lease on wave lost: it e', 'lease on other lost: it ']);
  });

  it('without renew the signal never aborts and nothing renews', async () => {
    const { deps, leases } = renewingDeps();

    const aborted = await withLease(deps, 'revert', async ({ signal }) => {
      await sleep(TTL_MS);
      return signal.aborted;
    }, () => true);

    expect(aborted).toBe(false);
    expect(leases.takes()).toBe(1);
  });
});
