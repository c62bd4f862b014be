import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmSites } from '../../src/azure/index.js';
import { loadConfig } from '../../src/config/index.js';
import { remediate, subscriptionContext, type EnforcerDeps, type LogLevel } from '../../src/enforcer/index.js';
import { parseSiteId, type SiteRef } from '../../src/policy/index.js';
import { createMemoryStore } from '../../src/store/index.js';
import { emulatorCredential, makeEmulatorToken, siteId, startEmulator, type Emulator, type FaultKind } from '../../tools/arm-emulator/src/emulator/index.js';

const SUB = 'ae0f0000-0000-4000-8000-000000000001';
const ENFORCER = { oid: 'ae0f0000-0000-4000-8000-00000000e0f0' };

let emu: Emulator;
const refOf = (name: string): SiteRef => {
  const ref = parseSiteId(siteId(SUB, 'rg', name));
  if (!ref) throw new Error(`${name} does not parse`);
  return ref;
};

function newDeps(logs: Array<{ level: LogLevel; message: string }>): EnforcerDeps {
  const config = loadConfig({ MTLS_ARM_ENDPOINT: emu.url, MTLS_DEFAULT_MODE: 'enforce', MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid }, { requireStorage: false });
  const store = createMemoryStore();
  const arm = createArmSites({ endpoint: emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: emu.caCertPem });
  return {
    ...store, sites: arm, writer: arm, register: store.exemptionRegister,
    policy: config.policy, remediation: config.remediation, clock: () => new Date(), newId: () => randomUUID(),
    log: (level, message) => logs.push({ level, message }),
  };
}

beforeAll(async () => {
  emu = await startEmulator({ throttle: false });
  emu.seed({ subscriptions: [{ id: SUB, sites: ['guarded', 'locked'].map((name) => ({ resourceGroup: 'rg', name, clientCertEnabled: false })) }] });
});

afterAll(async () => {
  await emu.stop();
});

describe('remediate, when Azure refuses the write for a reason of its own', () => {
  it.each<{ app: string; fault: FaultKind; says: RegExp }>([
    { app: 'guarded', fault: 'policy', says: /Azure Policy denied the write/ },
    { app: 'locked', fault: 'locked', says: /management lock blocks the write/ },
  ])('$fault: records the app noncompliant with the refusal as the reason, writes once, is not retried', async ({ app, fault, says }) => {
    const logs: Array<{ level: LogLevel; message: string }> = [];
    const deps = newDeps(logs);
    const ref = refOf(app);
    emu.stats.reset();
    emu.faults.inject({ kind: fault, method: 'PATCH', pathIncludes: `/sites/${app}` }, 1);

    const result = await remediate(deps, ref, (await subscriptionContext(deps, SUB)).policy, { id: `c-${app}`, at: new Date().toISOString(), source: 'event' });

    expect(result.kind).toBe('denied');
    expect(emu.stats.counts['PATCH site']).toBe(1);
    const finding = await deps.findings.get(ref.key);
    expect(finding?.status).toBe('noncompliant');
    expect(finding?.reasons.find((r) => r.code === 'remediation-denied')?.message).toMatch(says);
    expect(logs.some((l) => l.level === 'warn' && says.test(l.message))).toBe(true);
  });
});
