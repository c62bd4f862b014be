import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setSubscriptionSettings } from '../../src/enforcer/index.js';
import type { Finding } from '../../src/model/index.js';
import { siteId, type SiteSeed } from '../../tools/arm-emulator/src/emulator/index.js';
import { bearer, rawRequest } from '../emulator/support.js';
import { ALICE, enforcerPatches, startStack, type Stack } from '../support/stack.js';
import { sweepNow } from '../support/sweepNow.js';

/**
 * Drift vs baseline debt (issue 14): an enforce subscription of 40 apps, 10 of them non-compliant
 * before its baseline, and an audit subscription holding the same fleet. PATCHes are counted at
 * the emulator (the enforcer's identity only).
 */
const ENFORCE = 'ba5e0000-0000-4000-8000-000000000001';
const AUDIT = 'ba5e0000-0000-4000-8000-000000000002';
const RG = 'rg-fleet';
const id = (sub: string, name: string) => siteId(sub, RG, name);
const key = (value: string) => value.toLowerCase();
/** app-30..app-39: 5 Optional, 3 disabled, 2 with exclusion paths. */
const DEBT = Array.from({ length: 10 }, (_, i) => `app-${30 + i}`);

function fleet(): SiteSeed[] {
  return Array.from({ length: 40 }, (_, i): SiteSeed => {
    const base = { resourceGroup: RG, name: `app-${i}`, clientCertEnabled: true, clientCertMode: 'Required' };
    if (i < 30) return base;
    if (i < 35) return { ...base, clientCertMode: 'Optional' };
    if (i < 38) return { ...base, clientCertEnabled: false };
    return { ...base, clientCertExclusionPaths: '/health' };
  });
}

let stack: Stack;
const patches = () => enforcerPatches(stack);
const patchedIds = () => patches().map((w) => w.path.toLowerCase());
const finding = (resourceId: string) => stack.deps.findings.get(key(resourceId));

async function findingsOf(sub: string): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const f of stack.deps.findings.list({ subscriptionId: sub })) out.push(f);
  return out;
}

beforeAll(async () => {
  stack = await startStack({ seed: { subscriptions: [{ id: ENFORCE, sites: fleet() }, { id: AUDIT, sites: fleet() }] } });
  await setSubscriptionSettings(stack.deps, { subscriptionId: ENFORCE, mode: 'enforce', by: 'platform-team' });
  await setSubscriptionSettings(stack.deps, { subscriptionId: AUDIT, mode: 'audit', by: 'platform-team' });
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(() => {
  stack.emu.stats.reset();
});

describe('enforce: baseline debt is left for rollout waves, drift is reverted', () => {
  it('sends no PATCH in the baseline sweep and records the 10 non-compliant apps as debt', async () => {
    // Act
    const result = await sweepNow(stack, ENFORCE, 'run-baseline');

    // Assess
    expect(patches()).toHaveLength(0);
    expect(result.counts).toEqual({ compliant: 30, noncompliant: 10 });
    const rows = await findingsOf(ENFORCE);
    const debt = rows.filter((f) => f.debt).map((f) => f.site).sort();
    expect(debt).toEqual([...DEBT].sort());
    for (const f of rows.filter((r) => r.debt)) {
      expect(f.status).toBe('noncompliant');
      expect(f.reasons.map((r) => r.code)).toContain('baseline-debt');
      expect(f.guardedSince).toBeUndefined();
    }
    expect(rows.filter((f) => f.guardedSince && !f.debt)).toHaveLength(30);
    const [latest] = await stack.deps.history.list(key(id(ENFORCE, 'app-30')));
    expect(latest?.action).toBe('rollout-pending');
    expect(await stack.deps.settings.get(ENFORCE)).toMatchObject({ mode: 'enforce', baselineRunId: 'run-baseline', baselineAt: expect.any(String) });
  });

  it('reverts drift of one of the 30 compliant apps with one PATCH', async () => {
    // Act
    stack.emu.userWrite(id(ENFORCE, 'app-3'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    // Assess
    expect(patchedIds()).toEqual([key(id(ENFORCE, 'app-3'))]);
    expect(await finding(id(ENFORCE, 'app-3'))).toMatchObject({ status: 'compliant', remediatedAt: expect.any(String) });
  });

  it('reverts a non-compliant app created after the baseline', async () => {
    // Prepare
    const created = id(ENFORCE, 'app-new');

    // Act
    const put = await rawRequest(stack.emu, 'PUT', `${created}?api-version=2024-11-01`, { body: { location: 'westeurope', kind: 'app', properties: { clientCertEnabled: false } }, headers: bearer() });
    await stack.settle();

    // Assess
    expect(put.status).toBe(200);
    expect(patchedIds()).toEqual([key(created)]);
    expect(await finding(created)).toMatchObject({ status: 'compliant', guardedSince: expect.any(String) });
    expect((await finding(created))?.debt).toBeUndefined();
  });

  it('sends no PATCH for events on debt apps, not even one that makes it worse', async () => {
    // Act
    stack.emu.userWrite(id(ENFORCE, 'app-31'), { httpsOnly: true }, ALICE);
    stack.emu.userWrite(id(ENFORCE, 'app-32'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    // Assess
    expect(stack.events.filter((e) => /app-3[12]$/i.test(String(e.subject))).length).toBeGreaterThanOrEqual(2);
    expect(patches()).toHaveLength(0);
    for (const name of ['app-31', 'app-32']) {
      expect(await finding(id(ENFORCE, name))).toMatchObject({ status: 'noncompliant', debt: { since: expect.any(String) } });
    }
    expect(stack.logs.some((l) => /evaluated .*app-32: noncompliant/i.test(l.message))).toBe(true);
  });

  it('leaves debt alone in the nightly sweep after the baseline, and keeps the baseline', async () => {
    // Act
    const result = await sweepNow(stack, ENFORCE, 'run-nightly');

    // Assess
    expect(patches()).toHaveLength(0);
    expect(result.counts.noncompliant).toBe(10);
    expect((await findingsOf(ENFORCE)).filter((f) => f.debt)).toHaveLength(10);
    expect((await stack.deps.settings.get(ENFORCE))?.baselineRunId).toBe('run-baseline');
  });

  it('guards a debt app once its owner fixes it: its next regression is drift and is reverted', async () => {
    // Prepare
    const app = id(ENFORCE, 'app-36');
    stack.emu.userWrite(app, { clientCertEnabled: true, clientCertMode: 'Required' }, ALICE);
    await stack.settle();
    const fixed = await finding(app);

    // Act
    stack.emu.userWrite(app, { clientCertMode: 'Optional' }, ALICE);
    await stack.settle();

    // Assess
    expect(fixed).toMatchObject({ status: 'compliant', guardedSince: expect.any(String) });
    expect(fixed?.debt).toBeUndefined();
    expect(patchedIds()).toEqual([key(app)]);
    expect((await finding(app))?.status).toBe('compliant');
  });

  it('starts a new baseline when the subscription leaves enforce and comes back; guarded apps stay guarded meanwhile', async () => {
    // Prepare
    await setSubscriptionSettings(stack.deps, { subscriptionId: ENFORCE, mode: 'audit', by: 'platform-team' });
    const left = await stack.deps.settings.get(ENFORCE);
    await setSubscriptionSettings(stack.deps, { subscriptionId: ENFORCE, mode: 'enforce', by: 'platform-team' });
    const between = id(ENFORCE, 'app-between');

    // Act: before the new baseline, a new failing app (debt: no compliant record) and a guarded app's drift (reverted).
    await rawRequest(stack.emu, 'PUT', `${between}?api-version=2024-11-01`, { body: { location: 'westeurope', properties: { clientCertEnabled: false } }, headers: bearer() });
    stack.emu.userWrite(id(ENFORCE, 'app-5'), { clientCertEnabled: false }, ALICE);
    await stack.settle();
    const beforeSweep = patchedIds();
    await sweepNow(stack, ENFORCE, 'run-rebaseline');

    // Assess
    expect(left?.baselineAt).toBeUndefined();
    expect(beforeSweep).toEqual([key(id(ENFORCE, 'app-5'))]);
    expect(patches()).toHaveLength(1);
    expect(await finding(between)).toMatchObject({ status: 'noncompliant', debt: { since: expect.any(String) } });
    expect((await stack.deps.settings.get(ENFORCE))?.baselineRunId).toBe('run-rebaseline');
  });
});

describe('audit on the same fleet: would-remediate only for drift', () => {
  it('records the 10 non-compliant apps as debt (rollout-pending), none as would-remediate', async () => {
    // Act
    await sweepNow(stack, AUDIT, 'run-audit');

    // Assess
    expect(patches()).toHaveLength(0);
    const rows = await findingsOf(AUDIT);
    expect(rows.filter((f) => f.debt).map((f) => f.site).sort()).toEqual([...DEBT].sort());
    for (const name of DEBT) {
      const actions = (await stack.deps.history.list(key(id(AUDIT, name)))).map((h) => h.action);
      expect(actions).toContain('rollout-pending');
      expect(actions).not.toContain('would-remediate');
    }
    expect((await stack.deps.settings.get(AUDIT))?.baselineAt).toBeUndefined();
  });

  it('says would-remediate for drift of a compliant app, and not for an event on a debt app', async () => {
    // Act
    stack.emu.userWrite(id(AUDIT, 'app-3'), { clientCertEnabled: false }, ALICE);
    stack.emu.userWrite(id(AUDIT, 'app-33'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    // Assess
    expect(patches()).toHaveLength(0);
    const [drift] = await stack.deps.history.list(key(id(AUDIT, 'app-3')));
    expect(drift).toMatchObject({ action: 'would-remediate', status: 'noncompliant' });
    const debtActions = (await stack.deps.history.list(key(id(AUDIT, 'app-33')))).map((h) => h.action);
    expect(debtActions).not.toContain('would-remediate');
    expect(await finding(id(AUDIT, 'app-33'))).toMatchObject({ status: 'noncompliant', debt: { since: expect.any(String) } });
  });
});
