import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmSites } from '../../src/azure/index.js';
import { loadConfig } from '../../src/config/index.js';
import { assessAndAct } from '../../src/enforcer/assess.js';
import { remediate, subscriptionContext, type Cause, type EnforcerDeps } from '../../src/enforcer/index.js';
import { parseSiteId, type SiteRef } from '../../src/policy/index.js';
import { createMemoryStore } from '../../src/store/index.js';
import { emulatorCredential, makeEmulatorToken, siteId, startEmulator, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';

const SUB = 'a0d17000-0000-4000-8000-000000000001';
const ENFORCER = { oid: 'a0d17000-0000-4000-8000-00000000e0f0' };
const USER = { objectId: 'a0d17000-0000-4000-8000-0000000000a1', name: 'user@contoso.example' };

let emu: Emulator;

function newDeps(env: Record<string, string> = {}): EnforcerDeps {
  const config = loadConfig({ MTLS_ARM_ENDPOINT: emu.url, MTLS_DEFAULT_MODE: 'audit', MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid, ...env }, { requireStorage: false });
  const store = createMemoryStore();
  const arm = createArmSites({ endpoint: emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: emu.caCertPem });
  return { ...store, sites: arm, writer: arm, register: store.exemptionRegister, policy: config.policy, remediation: config.remediation, clock: () => new Date(), newId: () => randomUUID(), log: () => {} };
}

const cause = (id: string): Cause => ({ id, at: new Date().toISOString(), source: 'event', caller: USER });

beforeAll(async () => {
  emu = await startEmulator({ throttle: false });
  emu.seed({ subscriptions: [{ id: SUB, sites: ['kept-mode', 'paths', 'redrifted', 'owner-fixed'].map((name) => ({ resourceGroup: 'rg', name, clientCertEnabled: true, clientCertMode: 'Required' })) }] });
});

afterAll(async () => {
  await emu.stop();
});

describe('assessAndAct: audit and enforce agree on the fix', () => {
  it.each<{ app: string; env: Record<string, string>; drift: Record<string, unknown> }>([
    { app: 'kept-mode', env: { MTLS_ALLOWED_MODES: 'Required,Optional' }, drift: { clientCertEnabled: false, clientCertMode: 'Optional' } },
    { app: 'paths', env: { MTLS_CLEAR_EXCLUSION_PATHS: 'true' }, drift: { clientCertExclusionPaths: '/health' } },
  ])('$app: the would-remediate row carries the exact PATCH enforce sends', async ({ app, env, drift }) => {
    // Prepare: the app was seen compliant (so its drift is drift, not baseline debt), then a user drifted it
    const deps = newDeps(env);
    const ref = parseSiteId(siteId(SUB, 'rg', app)) as SiteRef;
    const audit = { ...(await subscriptionContext(deps, SUB)), mode: 'audit' as const };
    await assessAndAct(deps, ref, await deps.sites.getSite(ref), cause('seen'), audit);
    emu.userWrite(ref.id, drift, USER);

    // Act: audit says what it would do; enforce does it
    const audited = await assessAndAct(deps, ref, await deps.sites.getSite(ref), cause('drift'), audit);
    const [row] = await deps.history.list(ref.key, 1);
    emu.stats.reset();
    const enforced = await remediate(deps, ref, audit.policy, cause('revert'));

    // Assess
    expect(audited.remediation).toBe('would-remediate');
    expect(row?.action).toBe('would-remediate');
    expect(enforced.kind).toBe('remediated');
    const patches = emu.stats.writes.filter((w) => w.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(row?.after).toEqual((patches[0]?.body as { properties: unknown }).properties);
  });
});

describe('assessAndAct: after a revert', () => {
  it('reports the status the revert recorded, not compliant blindly', async () => {
    // Prepare: seen compliant, then drifted; the user turns certificates off again right after the revert's PATCH
    const base = newDeps();
    const deps: EnforcerDeps = {
      ...base,
      writer: {
        async patchClientCert(ref, patch, options) {
          const answered = await base.writer.patchClientCert(ref, patch, options);
          emu.userWrite(ref.id, { clientCertEnabled: false }, USER);
          return answered;
        },
      },
    };
    const ref = parseSiteId(siteId(SUB, 'rg', 'redrifted')) as SiteRef;
    const enforce = { ...(await subscriptionContext(deps, SUB)), mode: 'enforce' as const };
    await assessAndAct(deps, ref, await deps.sites.getSite(ref), cause('seen'), enforce);
    emu.userWrite(ref.id, { clientCertEnabled: false }, USER);

    // Act
    const assessed = await assessAndAct(deps, ref, await deps.sites.getSite(ref), cause('drift'), enforce);

    // Assess
    const recorded = await deps.findings.get(ref.key);
    expect(assessed.remediation).toBe('remediated');
    expect(recorded?.status).toBe('noncompliant');
    expect(assessed.status).toBe(recorded?.status);
  });

  it('reports what it recorded when the drift was already undone before the revert re-read', async () => {
    // Prepare: seen compliant; the handler holds a read showing drift, and the owner fixes the app before the revert re-reads
    const deps = newDeps();
    const ref = parseSiteId(siteId(SUB, 'rg', 'owner-fixed')) as SiteRef;
    const enforce = { ...(await subscriptionContext(deps, SUB)), mode: 'enforce' as const };
    await assessAndAct(deps, ref, await deps.sites.getSite(ref), cause('seen'), enforce);
    emu.userWrite(ref.id, { clientCertEnabled: false }, USER);
    const stale = await deps.sites.getSite(ref);
    emu.userWrite(ref.id, { clientCertEnabled: true }, USER);

    // Act
    const assessed = await assessAndAct(deps, ref, stale, cause('drift'), enforce);

    // Assess
    const recorded = await deps.findings.get(ref.key);
    expect(assessed.remediation).toBe('already-resolved');
    expect(recorded?.status).toBe('compliant');
    expect(assessed.status).toBe(recorded?.status);
  });
});
