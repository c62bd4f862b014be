import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addExemption, applyDueWaves, getRollout, setSubscriptionSettings } from '../../src/enforcer/index.js';
import { siteId, type SiteSeed } from '../../tools/arm-emulator/src/emulator/index.js';
import { runCaptured } from '../support/cliIo.js';
import { ALICE, enforcerArmSites, enforcerPatches, HOST_KEY, startStack, type Stack } from '../support/stack.js';

const WAVES = 'e1e1e1e1-0000-4000-8000-000000000001';
const AUTO = 'e2e2e2e2-0000-4000-8000-000000000002';
const HOUR = 3_600_000;

const off = { clientCertEnabled: false };
const optional = { clientCertEnabled: true, clientCertMode: 'Optional' };
const fine = { clientCertEnabled: true, clientCertMode: 'Required' };
const app = (resourceGroup: string, name: string, cert: object, extra: Partial<SiteSeed> = {}): SiteSeed => ({ resourceGroup, name, ...cert, ...extra });

/** Seeded out of order on purpose: the plan orders by tier, then subscription, resource group, name. */
function wavesFleet(): SiteSeed[] {
  return [
    app('rg-a', 'intranet', off, { publicNetworkAccess: 'Disabled' }),
    app('rg-b', 'shop', off, { tags: { env: 'prod', owner: 'shop-team@contoso.example' } }),
    app('rg-a', 'blog', optional, { tags: { env: 'dev' } }),
    app('rg-b', 'hr', off, { publicNetworkAccess: 'Disabled', tags: { Environment: 'Production' } }),
    app('rg-a', 'portal', optional, { publicNetworkAccess: 'Enabled', tags: { ENV: 'PROD', team: 'portal-team' } }),
    app('rg-c', 'docs', off),
    app('rg-b', 'pay', off, { tags: { environment: 'production', team: 'payments' } }),
    app('rg-a', 'ledger', optional, { publicNetworkAccess: 'Disabled', tags: { env: 'prod' } }),
    app('rg-a', 'api', off, { tags: { environment: 'prod', owner: 'api-team@contoso.example' } }),
    app('rg-a', 'ok-1', fine, { tags: { env: 'prod' } }),
    app('rg-b', 'ok-2', fine),
    app('rg-a', 'freebie', off, { sku: 'Free', tags: { env: 'prod' } }),
    app('rg-a', 'flow', off, { kind: 'functionapp,workflowapp' }),
  ];
}

let stack: Stack;
let lister: ReturnType<typeof enforcerArmSites>;
const cli = (...args: string[]) => runCaptured(args, stack.env);
const key = (sub: string, rg: string, name: string) => siteId(sub, rg, name).toLowerCase();
/** PATCHes the enforcer's identity made that ARM accepted, by lowercased resource id. */
const patchedIds = () => enforcerPatches(stack).map((w) => w.path.toLowerCase());

beforeAll(async () => {
  stack = await startStack({
    seed: {
      subscriptions: [
        { id: WAVES, sites: wavesFleet() },
        { id: AUTO, sites: ['a1', 'a2', 'a3'].map((n) => app('rg', n, off, { tags: { env: 'prod' } })) },
      ],
    },
    // The API's rollout action needs Operator: this automation key is given it (issue 15; a key is a Reader by default).
    env: { MTLS_API_KEY_ROLES: 'Reader,Operator' },
  });
  lister = enforcerArmSites(stack);
  for (const subscriptionId of [WAVES, AUTO]) await setSubscriptionSettings(stack.deps, { subscriptionId, mode: 'enforce', by: 'platform-team' });
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(() => {
  stack.emu.stats.reset();
});

describe('rollout waves (wave size 4)', () => {
  let planId = '';

  it('plans the baseline debt with the internet-exposed production apps in wave 1', async () => {
    // Prepare: the baseline sweep records the debt and changes nothing.
    const swept = await cli('sweep', '--subscription', WAVES, '--json');
    await stack.settle();
    expect(swept.code, swept.err).toBe(0);
    expect(patchedIds()).toEqual([]);

    // Act
    const planned = await cli('rollout', 'plan', '--subscription', WAVES, '--wave-size', '4', '--json');

    // Assess
    expect(planned.code).toBe(0);
    const plan = JSON.parse(planned.out) as { id: string; waves: Array<{ number: number; notBefore: string; apps: Array<{ name: string; tier: number; owner?: string; resourceId: string }> }>; excluded: Array<{ name: string; status: string; detail: string }> };
    planId = plan.id;
    expect(plan.waves.map((w) => w.apps.map((a) => a.name))).toEqual([['api', 'portal', 'pay', 'shop'], ['blog', 'docs', 'ledger', 'hr'], ['intranet']]);
    expect(plan.waves[0]?.apps.map((a) => a.tier)).toEqual([1, 1, 1, 1]);
    expect(plan.waves[0]?.apps.map((a) => a.owner)).toEqual(['api-team@contoso.example', 'portal-team', 'payments', 'shop-team@contoso.example']);
    expect(plan.waves[1]?.apps.map((a) => a.tier)).toEqual([2, 2, 3, 3]);
    const noticeDays = (Date.parse(plan.waves[0]?.notBefore ?? '') - Date.now()) / (24 * HOUR);
    expect(noticeDays).toBeGreaterThan(6.9);
    expect(noticeDays).toBeLessThanOrEqual(7);
    expect(plan.excluded.map((e) => [e.name, e.status])).toEqual([['flow', 'not-applicable'], ['freebie', 'unsupported-plan']]);
    expect(plan.excluded.find((e) => e.name === 'freebie')?.detail).toBe('needs Basic or higher');
    expect(patchedIds()).toEqual([]);
    // Each planned finding says its wave and date.
    const shop = await stack.deps.findings.get(key(WAVES, 'rg-b', 'shop'));
    const intranet = await stack.deps.findings.get(key(WAVES, 'rg-a', 'intranet'));
    expect(shop?.debt).toMatchObject({ wave: 1, planId, notBefore: plan.waves[0]?.notBefore });
    expect(shop?.reasons.find((r) => r.code === 'baseline-debt')?.message).toContain(`rollout wave 1, not before ${plan.waves[0]?.notBefore}`);
    expect(intranet?.debt).toMatchObject({ wave: 3, planId, notBefore: plan.waves[2]?.notBefore });
  });

  it('refuses to apply wave 1 before its date (exit 2, saying when) and writes nothing', async () => {
    const record = await getRollout(stack.deps, planId);

    const early = await cli('rollout', 'apply', '--plan', planId, '--wave', '1');
    await stack.settle();

    expect(early.code).toBe(2);
    expect(early.err).toContain(`not due until ${record.waves[0]?.notBefore}`);
    expect(early.err).toContain('--now');
    expect(patchedIds()).toEqual([]);
    expect((await getRollout(stack.deps, planId)).waves[0]?.status).toBe('pending');
  });

  it('dry runs store and write nothing: a plan with --dry-run, an apply with --dry-run says what it would do', async () => {
    const plansBefore = JSON.parse((await cli('rollout', 'list', '--json')).out) as unknown[];

    const dryPlan = await cli('rollout', 'plan', '--subscription', WAVES, '--wave-size', '4', '--format', 'csv', '--dry-run');
    const dryApply = await cli('rollout', 'apply', '--plan', planId, '--wave', '1', '--now', '--dry-run', '--json');
    await stack.settle();

    expect(dryPlan.code).toBe(0);
    expect(dryPlan.out.slice(1).split('\r\n')[0]).toBe('planId,wave,notBefore,owner,resourceId,subscriptionId,resourceGroup,name,tier,internetExposed,production,state,detail');
    expect(dryPlan.out).toContain(',1,');
    expect(JSON.parse((await cli('rollout', 'list', '--json')).out)).toHaveLength(plansBefore.length);
    const predicted = JSON.parse(dryApply.out) as { dryRun: boolean; members: Array<{ name: string; state: string }> };
    expect(predicted.dryRun).toBe(true);
    expect(predicted.members.map((m) => [m.name, m.state])).toEqual([['api', 'remediated'], ['portal', 'remediated'], ['pay', 'remediated'], ['shop', 'remediated']]);
    expect(patchedIds()).toEqual([]);
    expect((await getRollout(stack.deps, planId)).waves[0]?.status).toBe('pending');
  });

  it('with --now PATCHes exactly the members that need it: owner-fixed, exempt and denied members are not', async () => {
    // Prepare: the owner of portal fixes it first; pay gets an exemption; shop's PATCH is refused (403).
    stack.emu.userWrite(siteId(WAVES, 'rg-a', 'portal'), fine, ALICE);
    await stack.settle();
    await addExemption(stack.deps, { scope: siteId(WAVES, 'rg-b', 'pay'), owner: 'payments', approver: 'ciso@contoso.example', reason: 'partner without certificates until Q2', category: 'waiver', expiresAt: '2099-01-01', by: 'test' }, 36_500);
    stack.emu.faults.inject({ kind: '403', method: 'PATCH', pathIncludes: '/sites/shop' }, 5);
    stack.emu.stats.reset();

    // Act
    const applied = await cli('rollout', 'apply', '--plan', planId, '--wave', '1', '--now', '--json');
    await stack.settle();

    // Assess
    const result = JSON.parse(applied.out) as { status: string; paused?: string; members: Array<{ name: string; state: string; guarded?: boolean }> };
    expect(applied.code).toBe(1);
    expect(Object.fromEntries(result.members.map((m) => [m.name, m.state]))).toEqual({ api: 'remediated', portal: 'done-by-owner', pay: 'skipped-exempt', shop: 'remediation-denied' });
    expect(result.status).toBe('partial');
    expect(patchedIds()).toEqual([key(WAVES, 'rg-a', 'api')]);
    // One attempt at shop (refused), none repeated; nothing outside wave 1.
    expect(stack.emu.stats.counts['PATCH site']).toBe(2);
    expect(result.members.find((m) => m.name === 'api')?.guarded).toBe(true);
    const api = await stack.deps.findings.get(key(WAVES, 'rg-a', 'api'));
    expect(api?.status).toBe('compliant');
    expect(api?.debt).toBeUndefined();
    // 1 failure of 4 (25 %) is over the default 10 %: the plan pauses and says why.
    const record = await getRollout(stack.deps, planId);
    expect(record.plan.status).toBe('paused');
    expect(record.plan.statusReason).toMatch(/1 of 4 members failed \(25 %\), over the 10 % threshold/);
    expect(record.waves.map((w) => w.status)).toEqual(['partial', 'pending', 'pending']);
  });

  it('shows the wave as an owner would be sent it (markdown)', async () => {
    const shown = await cli('rollout', 'show', planId, '--wave', '2', '--format', 'markdown');

    expect(shown.code).toBe(0);
    expect(shown.out).toContain('## Wave 2 of plan');
    expect(shown.out).toMatch(/\| \(no owner tag\) \| blog \| rg-a \|/);
    expect(shown.out).toContain('clientCertMode=Required');
    expect(shown.out).not.toContain('| api |');
  });

  it('offers list, show and apply over the HTTP API; a paused plan applies nothing until resumed', async () => {
    const api = (path: string, init: RequestInit = {}) => fetch(`${stack.host.url}/api/${path}`, { ...init, headers: { 'x-functions-key': HOST_KEY } });

    const listed = (await (await api('rollouts')).json()) as { plans: Array<{ id: string; status: string }> };
    const shown = (await (await api(`rollouts/${planId}`)).json()) as { waves: Array<{ number: number; status: string }> };
    const refused = await api(`rollouts/${planId}/waves/2/apply`, { method: 'POST', body: JSON.stringify({ now: true }) });
    expect(patchedIds()).toEqual([]);
    expect((await cli('rollout', 'resume', planId)).code).toBe(0);
    const applied = await api(`rollouts/${planId}/waves/2/apply`, { method: 'POST', body: JSON.stringify({ now: true }) });
    await stack.settle();

    expect(listed.plans.find((p) => p.id === planId)?.status).toBe('paused');
    expect(shown.waves.map((w) => [w.number, w.status])).toEqual([[1, 'partial'], [2, 'pending'], [3, 'pending']]);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/paused.*resume it first/);
    expect(applied.status).toBe(200);
    const result = (await applied.json()) as { status: string; members: Array<{ name: string; state: string }> };
    expect(result.status).toBe('done');
    expect(result.members.map((m) => [m.name, m.state])).toEqual([['blog', 'remediated'], ['docs', 'remediated'], ['ledger', 'remediated'], ['hr', 'remediated']]);
    expect(patchedIds().sort()).toEqual([key(WAVES, 'rg-a', 'blog'), key(WAVES, 'rg-a', 'ledger'), key(WAVES, 'rg-b', 'hr'), key(WAVES, 'rg-c', 'docs')].sort());
  });
});

describe('planning again and cancelling', () => {
  it('supersedes only the pending waves of the earlier plan, and a cancelled plan leaves no date on the findings', async () => {
    const before = (await (await fetch(`${stack.host.url}/api/rollouts`, { headers: { 'x-functions-key': HOST_KEY } })).json()) as { plans: Array<{ id: string }> };
    const earlier = before.plans[0]?.id ?? '';

    const replanned = JSON.parse((await cli('rollout', 'plan', '--subscription', WAVES, '--wave-size', '4', '--json')).out) as { id: string; superseded: string[]; waves: Array<{ apps: Array<{ name: string }> }> };
    const old = await getRollout(stack.deps, earlier);
    const cancelled = await cli('rollout', 'cancel', replanned.id);
    const intranet = await stack.deps.findings.get(key(WAVES, 'rg-a', 'intranet'));

    // Still debt: shop (denied in wave 1) and intranet (wave 3, never applied); pay stays exempt, apart.
    expect(replanned.waves.map((w) => w.apps.map((a) => a.name))).toEqual([['shop', 'intranet']]);
    expect(replanned.superseded).toEqual([earlier]);
    expect(old.waves.map((w) => w.status)).toEqual(['partial', 'done', 'superseded']);
    expect(old.plan.status).toBe('superseded');
    expect(old.members.find((m) => m.name === 'intranet')?.state).toBe('superseded');
    expect(old.members.find((m) => m.name === 'shop')?.state).toBe('remediation-denied');
    expect(cancelled.code).toBe(0);
    expect((await getRollout(stack.deps, replanned.id)).plan.status).toBe('cancelled');
    expect(intranet?.debt).toBeDefined();
    expect(intranet?.debt?.wave).toBeUndefined();
    expect(intranet?.reasons.find((r) => r.code === 'baseline-debt')?.message).toContain('No rollout wave names it yet');
  });
});

describe('rollout --auto: the timer applies a due wave, never one before its date', () => {
  let autoPlan = '';

  it('applies wave 1 (due) and leaves wave 2 (a month out) alone, run after run', async () => {
    // Prepare
    await cli('sweep', '--subscription', AUTO, '--json');
    await stack.settle();
    const firstWaveAt = new Date(Date.now() - HOUR).toISOString();
    const planned = JSON.parse((await cli('rollout', 'plan', '--subscription', AUTO, '--wave-size', '2', '--first-wave-at', firstWaveAt, '--every', '30d', '--auto', '--json')).out) as { id: string };
    stack.emu.stats.reset();
    // While someone else applies wave 1, neither a person nor the timer applies it too.
    const waveLease = `rollout/${planned.id}/wave/1`;
    await stack.deps.leases.tryAcquire(waveLease, 'another-instance', new Date(), 60_000);
    const meanwhile = await cli('rollout', 'apply', '--plan', planned.id, '--wave', '1');
    const timerMeanwhile = await applyDueWaves(stack.deps, lister, 0.1);
    await stack.deps.leases.release(waveLease, 'another-instance');
    expect(meanwhile.code).toBe(2);
    expect(meanwhile.err).toContain('being applied elsewhere');
    expect(timerMeanwhile.applied).toEqual([]);
    expect(patchedIds()).toEqual([]);

    // Act
    const first = await applyDueWaves(stack.deps, lister, 0.1);
    await stack.settle();
    const second = await applyDueWaves(stack.deps, lister, 0.1);
    await stack.settle();

    // Assess
    expect(first.applied.map((r) => [r.planId, r.wave, r.status])).toEqual([[planned.id, 1, 'done']]);
    expect(first.waiting.map((w) => [w.planId, w.wave])).toEqual([[planned.id, 2]]);
    expect(second.applied).toEqual([]);
    expect(patchedIds().sort()).toEqual([key(AUTO, 'rg', 'a1'), key(AUTO, 'rg', 'a2')]);
    const record = await getRollout(stack.deps, planned.id);
    expect(record.waves.map((w) => w.status)).toEqual(['done', 'pending']);
    expect(record.plan.status).toBe('active');
    autoPlan = planned.id;
  });

  it('reports the burn-down after two waves in all four formats', async () => {
    // Prepare: a sweep after wave 1, wave 2 applied early by hand, a sweep after it.
    await cli('sweep', '--subscription', AUTO, '--json');
    await stack.settle();
    expect((await cli('rollout', 'apply', '--plan', autoPlan, '--wave', '2', '--now')).code).toBe(0);
    await stack.settle();
    await cli('sweep', '--subscription', AUTO, '--json');

    // Act
    const [json, markdown, html, csv] = await Promise.all(['json', 'markdown', 'html', 'csv'].map((format) => cli('report', '--format', format)));

    // Assess
    const report = JSON.parse(json?.out ?? '') as { rollout?: { burnDown: Array<{ subscriptionId: string; points: Array<{ debt: number }> }>; lastWave?: { planId: string; number: number; status: string } } };
    const auto = report.rollout?.burnDown.find((b) => b.subscriptionId === AUTO);
    expect(auto?.points.map((p) => p.debt)).toEqual([3, 1, 0]);
    expect(report.rollout?.lastWave).toMatchObject({ planId: autoPlan, number: 2, status: 'done' });
    expect(markdown?.out).toContain('## Baseline debt burn-down');
    expect(html?.out).toContain('chart-burndown');
    expect(html?.out).toMatch(/<title id="chart-burndown-title">Baseline debt burn-down/);
    const header = csv?.out.slice(1).split('\r\n')[0] ?? '';
    expect(header).toContain('rolloutWave');
    expect(csv?.out).toContain(`${autoPlan},2,`);
    expect((await getRollout(stack.deps, autoPlan)).plan.status).toBe('done');
  });
});
