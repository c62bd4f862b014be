import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setSubscriptionSettings, addExemption } from '../../src/enforcer/index.js';
import { siteId, type RecordedWrite } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, ENFORCER, enforcerPatches, PIPELINE, startStack, type Stack } from '../support/stack.js';
import { sweepNow } from '../support/sweepNow.js';

const ENFORCE = 'e0e0e0e0-0000-4000-8000-000000000001';
const AUDIT = 'a0a0a0a0-0000-4000-8000-000000000002';
const OFF = '0f0f0f0f-0000-4000-8000-000000000003';
const id = (sub: string, name: string, slot?: string) => siteId(sub, 'rg', name, slot);
const key = (value: string) => value.toLowerCase();
const site = (name: string, extra: Record<string, unknown> = {}) => ({ resourceGroup: 'rg', name, clientCertEnabled: true, clientCertMode: 'Required', ...extra });

let stack: Stack;
const patches = (resourceId: string): RecordedWrite[] =>
  enforcerPatches(stack).filter((w) => w.path.toLowerCase() === key(resourceId));

beforeAll(async () => {
  stack = await startStack({
    seed: {
      subscriptions: [
        {
          id: ENFORCE,
          sites: [
            site('web', { slots: [{ name: 'staging', clientCertEnabled: true, clientCertMode: 'Required' }] }),
            site('optional-app'),
            site('free-app', { sku: 'Free', clientCertEnabled: false }),
            site('exempt-app'),
            site('expired-app'),
            site('tagged-app', { tags: { 'mtls-enforcer-exempt': 'expires=2099-01-01;owner=a@b.example;reason=legacy' } }),
            site('flappy'),
            site('busy'),
            site('denied'),
            site('paths-app'),
          ],
        },
        { id: AUDIT, sites: [site('audited')] },
        { id: OFF, sites: [site('ignored')] },
      ],
    },
  });
  const by = 'test-admin';
  await setSubscriptionSettings(stack.deps, { subscriptionId: ENFORCE, mode: 'enforce', by });
  await setSubscriptionSettings(stack.deps, { subscriptionId: AUDIT, mode: 'audit', by });
  await setSubscriptionSettings(stack.deps, { subscriptionId: OFF, mode: 'off', by });
  // The baseline sweep: every app here is compliant (or Free) at it, so each failure below is drift.
  await sweepNow(stack, ENFORCE);
  await sweepNow(stack, AUDIT);
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(() => {
  stack.emu.stats.reset();
});

describe('enforce mode', () => {
  it('reverts a user turning client certs off with one PATCH holding only the client-cert properties', async () => {
    const started = performance.now();

    stack.emu.userWrite(id(ENFORCE, 'web'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    const elapsed = performance.now() - started;
    const writes = patches(id(ENFORCE, 'web'));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.body).toEqual({ properties: { clientCertEnabled: true, clientCertMode: 'Required' } });
    expect(stack.emu.fleet.getSite(ENFORCE, 'rg', 'web')?.properties.clientCertEnabled).toBe(true);
    const finding = await stack.deps.findings.get(key(id(ENFORCE, 'web')));
    expect(finding?.status).toBe('compliant');
    expect(finding?.remediatedAt).toBeDefined();
    const [latest] = await stack.deps.history.list(key(id(ENFORCE, 'web')));
    expect(latest).toMatchObject({ action: 'remediated', undoneCaller: { name: ALICE.name }, before: { clientCertEnabled: false }, after: { clientCertEnabled: true, clientCertMode: 'Required' } });
    console.info(`user write to revert landed and recorded: ${elapsed.toFixed(1)} ms`);
  });

  it("answers the revert's own event from the finding: no second read of ARM, no lease", async () => {
    stack.emu.userWrite(id(ENFORCE, 'web'), { clientCertMode: 'OptionalInteractiveUser' }, ALICE);
    await stack.settle();

    const finding = await stack.deps.findings.get(key(id(ENFORCE, 'web')));
    const ownEvents = stack.events.filter((e) => String(e.subject).toLowerCase() === key(id(ENFORCE, 'web')) && (e.data as { correlationId?: string }).correlationId === finding?.remediationCorrelationId);
    expect(finding?.status).toBe('compliant');
    expect(ownEvents).toHaveLength(1); // the PATCH's event came back with the id the enforcer sent
    // The drift's read, the re-read under the lease, the read-back: the own event adds no read.
    expect(stack.emu.stats.counts['GET site']).toBe(3);
    expect(stack.emu.stats.total('PATCH')).toBe(1);
  });

  it('reverts Optional mode on a slot, and its own event causes no further write', async () => {
    stack.emu.userWrite(id(ENFORCE, 'web', 'staging'), { clientCertMode: 'Optional' }, ALICE);
    await stack.settle();

    expect(patches(id(ENFORCE, 'web', 'staging'))).toHaveLength(1);
    expect(stack.emu.stats.total('PATCH')).toBe(1);
    expect(stack.logs.some((l) => /evaluated .*staging: compliant/.test(l.message))).toBe(true);
  });

  it('does not write when only exclusion paths fail and clearing them is not enabled', async () => {
    stack.emu.userWrite(id(ENFORCE, 'paths-app'), { clientCertExclusionPaths: '/health' }, ALICE);
    await stack.settle();

    expect(patches(id(ENFORCE, 'paths-app'))).toHaveLength(0);
    const finding = await stack.deps.findings.get(key(id(ENFORCE, 'paths-app')));
    expect(finding?.status).toBe('noncompliant');
    expect(finding?.reasons.map((r) => r.code)).toEqual(['exclusion-paths']);
  });

  it('evaluates but never reverts a write made by its own identity (loop guard)', async () => {
    const record = stack.emu.fleet.getSite(ENFORCE, 'rg', 'optional-app');
    if (record) record.properties.clientCertMode = 'Optional'; // drift that raised no event
    const template = stack.events.find((e) => String(e.subject).toLowerCase() === key(id(ENFORCE, 'web'))) as { data: Record<string, unknown> };
    const uri = id(ENFORCE, 'optional-app');
    const claims = { ...(template.data.claims as Record<string, string>), 'http://schemas.microsoft.com/identity/claims/objectidentifier': ENFORCER.oid, appid: ENFORCER.appid };
    const own = [{ ...template, id: 'own-write-1', subject: uri, data: { ...template.data, resourceUri: uri, claims } }];

    const res = await fetch(stack.host.webhookUrl, { method: 'POST', body: JSON.stringify(own), headers: { 'content-type': 'application/json' } });

    expect(res.status).toBe(200);
    expect(((await res.json()) as { outcomes: Array<{ remediation?: string }> }).outcomes[0]?.remediation).toBe('own-write');
    expect(patches(uri)).toHaveLength(0);
    expect((await stack.deps.findings.get(key(uri)))?.status).toBe('noncompliant');
  });

  it('does not write to a Free-tier app', async () => {
    stack.emu.userWrite(id(ENFORCE, 'free-app'), { httpsOnly: false }, ALICE);
    await stack.settle();

    expect(patches(id(ENFORCE, 'free-app'))).toHaveLength(0);
    expect((await stack.deps.findings.get(key(id(ENFORCE, 'free-app'))))?.status).toBe('unsupported-plan');
  });

  it('leaves a registered exemption alone and reverts once it has expired', async () => {
    await addExemption(stack.deps, { scope: id(ENFORCE, 'exempt-app'), owner: 'o@x.example', approver: 'c@x.example', reason: 'vendor', category: 'waiver', expiresAt: '2099-01-01', by: 't' }, 36500);
    stack.emu.userWrite(id(ENFORCE, 'exempt-app'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    expect(patches(id(ENFORCE, 'exempt-app'))).toHaveLength(0);
    expect((await stack.deps.findings.get(key(id(ENFORCE, 'exempt-app'))))?.status).toBe('exempt');
  });

  it('reverts drift covered only by an expired exemption', async () => {
    // Added a minute ago, expired a second ago (no waiting for it to run out).
    const aMinuteAgo = { ...stack.deps, clock: () => new Date(Date.now() - 60_000) };
    await addExemption(aMinuteAgo, { scope: id(ENFORCE, 'expired-app'), owner: 'o@x.example', approver: 'c@x.example', reason: 'short', category: 'waiver', expiresAt: new Date(Date.now() - 1000).toISOString(), by: 't' }, 365);

    stack.emu.userWrite(id(ENFORCE, 'expired-app'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    expect(patches(id(ENFORCE, 'expired-app'))).toHaveLength(1);
  });

  it('ignores a tag exemption unless tag exemptions are enabled', async () => {
    stack.emu.userWrite(id(ENFORCE, 'tagged-app'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    expect(patches(id(ENFORCE, 'tagged-app'))).toHaveLength(1);
  });

  it('stops after 3 reverts of a pipeline that keeps undoing the fix, and records flapping', async () => {
    for (let i = 0; i < 4; i++) {
      stack.emu.userWrite(id(ENFORCE, 'flappy'), { clientCertEnabled: false }, PIPELINE);
      await stack.settle();
    }

    expect(patches(id(ENFORCE, 'flappy'))).toHaveLength(3);
    const finding = await stack.deps.findings.get(key(id(ENFORCE, 'flappy')));
    expect(finding?.status).toBe('flapping');
    expect(finding?.reasons[0]?.message).toContain(PIPELINE.objectId);
  });

  it('writes once for 20 concurrent deliveries of the same drift (distinct and duplicate event ids)', async () => {
    const template = stack.events.find((e) => String(e.subject).toLowerCase() === key(id(ENFORCE, 'web'))) as { data: Record<string, unknown> };
    const record = stack.emu.fleet.getSite(ENFORCE, 'rg', 'busy');
    if (record) record.properties.clientCertEnabled = false;
    const uri = id(ENFORCE, 'busy');
    const delivery = (n: number) => [{ ...template, id: `storm-${n % 10}`, subject: uri, data: { ...template.data, resourceUri: uri } }];

    const send = (n: number) => fetch(stack.host.webhookUrl, { method: 'POST', body: JSON.stringify(delivery(n)), headers: { 'content-type': 'application/json' } });
    const first = await Promise.all(Array.from({ length: 20 }, (_, n) => send(n)));
    // As Event Grid does: a delivery answered 503 (the resource's lease was busy) is sent again.
    const retried = await Promise.all(first.map((a, n) => (a.status === 200 ? a : send(n))));
    await stack.settle();

    expect(first.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    expect(retried.every((a) => a.status === 200)).toBe(true);
    expect(patches(uri)).toHaveLength(1);
    expect(stack.emu.fleet.getSite(ENFORCE, 'rg', 'busy')?.properties.clientCertEnabled).toBe(true);
  });

  it('records remediation-denied on a 403 and does not retry the write', async () => {
    stack.emu.faults.inject({ kind: '403', method: 'PATCH', pathIncludes: '/denied' }, 5);

    stack.emu.userWrite(id(ENFORCE, 'denied'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    stack.emu.faults.clear();
    expect(stack.emu.stats.counts['PATCH site']).toBe(1);
    const finding = await stack.deps.findings.get(key(id(ENFORCE, 'denied')));
    expect(finding?.status).toBe('noncompliant');
    expect(finding?.reasons.map((r) => r.code)).toContain('remediation-denied');
    expect(finding?.reasons.find((r) => r.code === 'remediation-denied')?.message).toContain('Microsoft.Web/sites/write');
  });
});

describe('audit and off modes', () => {
  it('audit: no write, would-remediate recorded', async () => {
    stack.emu.userWrite(id(AUDIT, 'audited'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    expect(stack.emu.stats.total('PATCH')).toBe(0);
    const [latest] = await stack.deps.history.list(key(id(AUDIT, 'audited')));
    expect(latest).toMatchObject({ action: 'would-remediate', status: 'noncompliant', after: { clientCertEnabled: true, clientCertMode: 'Required' } });
  });

  it('off: nothing recorded', async () => {
    stack.emu.userWrite(id(OFF, 'ignored'), { clientCertEnabled: false }, ALICE);
    await stack.settle();

    expect(await stack.deps.findings.get(key(id(OFF, 'ignored')))).toBeUndefined();
    expect(stack.logs.some((l) => l.message.includes(`subscription ${OFF} is off`))).toBe(true);
  });
});
