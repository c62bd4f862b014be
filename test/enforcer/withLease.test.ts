import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmSites } from '../../src/azure/index.js';
import { loadConfig } from '../../src/config/index.js';
import { assessAndAct, remediate, subscriptionContext, type EnforcerDeps, type LogLevel } from '../../src/enforcer/index.js';
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
