import { describe, expect, it } from 'vitest';
import { parseEvery, planRollout, type PlanCandidate, type PlanOptions, type RolloutRules } from '../../src/rollout/index.js';

const RULES: RolloutRules = { productionTags: ['environment', 'env'], productionValues: ['prod', 'production'], ownerTags: ['owner', 'team'] };
const SUB = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const DAY = 86_400_000;

function app(name: string, extra: Partial<PlanCandidate> = {}): PlanCandidate {
  const sub = extra.subscriptionId ?? SUB;
  const rg = extra.resourceGroup ?? 'rg';
  const resourceId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${name}`;
  return { key: resourceId.toLowerCase(), resourceId, subscriptionId: sub, resourceGroup: rg, site: name, status: 'noncompliant', reasons: [], ...extra };
}

const options = (extra: Partial<PlanOptions> = {}): PlanOptions => ({
  id: 'plan-1', now: new Date('2026-12-01T00:00:00Z'), waveSize: 50, firstWaveAt: new Date('2026-12-08T00:00:00Z'), everyMs: 7 * DAY, auto: false, subscriptions: [SUB], ...extra,
});

const names = (plan: ReturnType<typeof planRollout>) => plan.waves.map((w) => w.apps.map((a) => a.name));

describe('planRollout', () => {
  it('puts internet-exposed production apps first, then exposed, then production, then the rest', () => {
    const findings = [
      app('internal', { publicNetworkAccess: 'Disabled' }),
      app('internal-prod', { publicNetworkAccess: 'disabled', tags: { env: 'Prod' } }),
      app('public'),
      app('public-prod', { publicNetworkAccess: 'Enabled', tags: { Environment: 'PRODUCTION' } }),
    ];

    const plan = planRollout(findings, RULES, options());

    expect(names(plan)).toEqual([['public-prod', 'public', 'internal-prod', 'internal']]);
    expect(plan.waves[0]?.apps.map((a) => a.tier)).toEqual([1, 2, 3, 4]);
  });

  it('orders a tier by subscription, resource group and name, whatever the input order', () => {
    const findings = [app('b', { resourceGroup: 'rg2' }), app('a', { subscriptionId: OTHER }), app('c', { resourceGroup: 'RG1' }), app('A', { resourceGroup: 'rg1' })];

    const plan = planRollout(findings, RULES, options({ subscriptions: [SUB, OTHER] }));
    const again = planRollout([...findings].reverse(), RULES, options({ subscriptions: [SUB, OTHER] }));

    expect(names(plan)).toEqual([['A', 'c', 'b', 'a']]);
    expect(names(again)).toEqual(names(plan));
  });

  it('cuts waves of the wave size, the first at its date and each next one the interval later', () => {
    const findings = Array.from({ length: 5 }, (_, i) => app(`app${i}`));

    const plan = planRollout(findings, RULES, options({ waveSize: 2, everyMs: 3 * DAY }));

    expect(plan.waves.map((w) => [w.number, w.apps.length, w.notBefore])).toEqual([
      [1, 2, '2026-12-08T00:00:00.000Z'],
      [2, 2, '2026-12-11T00:00:00.000Z'],
      [3, 1, '2026-12-14T00:00:00.000Z'],
    ]);
  });

  it('lists exempt, unsupported-plan and not-applicable apps apart, never in a wave', () => {
    const findings = [
      app('exempt', { status: 'exempt', reasons: [{ code: 'exempt', message: 'Exempt until 2027-01-01.' }] }),
      app('free', { status: 'unsupported-plan', tags: { team: 'payments' } }),
      app('logic', { status: 'not-applicable', reasons: [{ code: 'not-applicable-kind', message: 'Logic Apps Standard.' }] }),
      app('debt'),
    ];

    const plan = planRollout(findings, RULES, options());

    expect(names(plan)).toEqual([['debt']]);
    expect(plan.excluded.map((e) => [e.resourceId.split('/').at(-1), e.status, e.reason, e.owner])).toEqual([
      ['exempt', 'exempt', 'Exempt until 2027-01-01.', undefined],
      ['free', 'unsupported-plan', 'needs Basic or higher', 'payments'],
      ['logic', 'not-applicable', 'Logic Apps Standard.', undefined],
    ]);
  });

  it('schedules debt only: not compliant apps, not drift the enforcer reverts, not other subscriptions', () => {
    const findings = [
      app('marked', { debt: { since: '2026-11-01T00:00:00Z' }, guardedSince: undefined }),
      app('old-row'),
      app('drift', { guardedSince: '2026-11-02T00:00:00Z' }),
      app('reverted-before', { remediatedAt: '2026-11-03T00:00:00Z' }),
      app('fine', { status: 'compliant' }),
      app('flapping', { status: 'flapping' }),
      app('elsewhere', { subscriptionId: OTHER }),
    ];

    const plan = planRollout(findings, RULES, options());

    expect(names(plan)).toEqual([['marked', 'old-row']]);
  });

  it('takes the owner from the first owner tag present, tag names in any case', () => {
    const findings = [app('both', { tags: { Team: 'web', OWNER: 'alice@contoso.example' } }), app('team-only', { tags: { team: 'data' } }), app('none', { tags: { owner: ' ' } })];

    const plan = planRollout(findings, RULES, options());

    expect(plan.waves[0]?.apps.map((a) => a.owner)).toEqual(['alice@contoso.example', undefined, 'data']);
  });

  it('makes no wave when there is no debt', () => {
    expect(planRollout([app('ok', { status: 'compliant' })], RULES, options()).waves).toEqual([]);
  });
});

describe('parseEvery', () => {
  it('reads days and hours', () => {
    expect(parseEvery('7d')).toBe(7 * DAY);
    expect(parseEvery('12H')).toBe(12 * 3_600_000);
  });

  it('refuses anything else with the expected form', () => {
    for (const bad of ['0d', '7', '1w', '-1d', '']) expect(() => parseEvery(bad), bad).toThrow(/e\.g\. 7d/);
  });
});
