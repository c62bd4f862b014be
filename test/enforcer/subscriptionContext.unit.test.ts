import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { setSubscriptionSettings, subscriptionContext, type EnforcerDeps } from '../../src/enforcer/index.js';
import type { SettingsPort } from '../../src/model/index.js';
import { createMemoryStore } from '../../src/store/index.js';

const SUB = '5c0e0000-0000-4000-8000-000000000001';

function memoryDeps(): EnforcerDeps {
  const config = loadConfig({ MTLS_ARM_ENDPOINT: 'https://127.0.0.1:9', MTLS_DEFAULT_MODE: 'enforce' }, { requireStorage: false });
  const store = createMemoryStore();
  const unused = { getSite: () => Promise.reject(new Error('no ARM here')), patchClientCert: () => Promise.reject(new Error('no ARM here')) };
  return {
    sites: unused, writer: unused, findings: store.findings, history: store.history, processedEvents: store.processedEvents, exemptions: store.exemptions,
    settings: store.settings, register: store.exemptionRegister, sweeps: store.sweeps, leases: store.leases,
    policy: config.policy, remediation: config.remediation, clock: () => new Date(), newId: () => randomUUID(), log: () => {},
  };
}

/** Set enforce and record a baseline, as the first complete sweep does. */
async function baselined(deps: EnforcerDeps): Promise<void> {
  await setSubscriptionSettings(deps, { subscriptionId: SUB, mode: 'enforce', by: 'test' });
  const row = await deps.settings.get(SUB);
  await deps.settings.recordBaseline(SUB, { at: '2026-12-01T02:00:00.000Z', runId: 'run-1' }, { updatedAt: row?.updatedAt ?? '' });
}

describe('subscriptionContext: the enforce baseline', () => {
  it('carries the baseline of a subscription in enforce, and the row version a sweep may set one on', async () => {
    // Prepare
    const deps = memoryDeps();
    await baselined(deps);

    // Act
    const context = await subscriptionContext(deps, SUB);

    // Assess
    expect(context).toMatchObject({ mode: 'enforce', baseline: { at: '2026-12-01T02:00:00.000Z', runId: 'run-1' }, settingsUpdatedAt: expect.any(String) });
  });

  it('keeps the baseline when a dry run previews the enforce row as audit, so would-remediate is what enforce would revert', async () => {
    // Prepare
    const deps = memoryDeps();
    await baselined(deps);
    const asAudit: SettingsPort = { ...deps.settings, get: async (id) => { const row = await deps.settings.get(id); return row && { ...row, mode: 'audit' }; } };

    // Act
    const context = await subscriptionContext({ ...deps, settings: asAudit }, SUB);

    // Assess
    expect(context.mode).toBe('audit');
    expect(context.baseline?.runId).toBe('run-1');
  });

  it('has no baseline in enforce by the deployment default alone (no settings row), nor after leaving enforce', async () => {
    // Prepare
    const deps = memoryDeps();
    const byDefault = await subscriptionContext(deps, SUB);
    await baselined(deps);

    // Act
    await setSubscriptionSettings(deps, { subscriptionId: SUB, mode: 'audit', by: 'test' });
    const left = await subscriptionContext(deps, SUB);

    // Assess
    expect(byDefault.mode).toBe('enforce');
    expect(byDefault.baseline).toBeUndefined();
    expect(left.baseline).toBeUndefined();
  });
});
