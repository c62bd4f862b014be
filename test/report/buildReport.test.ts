import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/index.js';
import type { RunInput } from '../../src/report/index.js';
import { EARLIER_NAMES, fleet, NAME_A, NAME_B, NAMED_RUN, NOW, previousFleet, SUB_A, SUB_B, SUB_C } from './fleet.js';

const DONE_RUN: RunInput = {
  id: 'run-1', startedAt: '2026-10-02T02:00:00Z', finishedAt: '2026-10-02T02:12:00Z', status: 'complete',
  subscriptions: [SUB_A, SUB_B, SUB_C].map((subscriptionId) => ({ subscriptionId, status: 'done' as const, evaluated: 5 })),
};

describe('buildReport', () => {
  it('counts the fleet by status', () => {
    const report = buildReport({ findings: fleet() }, NOW);

    expect(report.totals).toEqual({
      total: 15,
      byStatus: { compliant: 3, noncompliant: 5, flapping: 1, exempt: 1, 'unsupported-plan': 1, 'not-applicable': 2, error: 1, deleted: 1 },
    });
  });

  it('counts by subscription, by kind and by site or slot', () => {
    const report = buildReport({ findings: fleet() }, NOW);

    expect(report.bySubscription.map((s) => [s.subscriptionId, s.total, s.byStatus.compliant, s.byStatus.noncompliant])).toEqual([
      [SUB_A, 5, 3, 2], [SUB_B, 4, 0, 2], [SUB_C, 6, 0, 1],
    ]);
    expect(Object.fromEntries(Object.entries(report.byKind).map(([kind, c]) => [kind, c.total]))).toEqual({
      'web app': 10, 'function app': 3, 'logic app': 1, other: 1,
    });
    expect(report.byKind['function app'].byStatus['not-applicable']).toBe(1);
    expect([report.byTarget.site.total, report.byTarget.slot.total]).toEqual([12, 3]);
    expect(report.byTarget.slot.byStatus.noncompliant).toBe(2);
  });

  it('lists non-compliant and flapping apps, longest drift first, with reasons, both mode names and last caller', () => {
    const report = buildReport({ findings: fleet() }, NOW);

    expect(report.attention.map((a) => [a.site, a.slot, a.drift?.label, a.lastCaller])).toEqual([
      ['churny', undefined, '12d 0h', 'deploy-bot'],
      ['api', undefined, '3d 5h', 'alice@contoso.com'],
      ['orders', undefined, '1d 0h', 'app id app-pipeline'],
      ['portal', undefined, '6h', 'bob@contoso.com'],
      ['api', 'staging', '2h', 'object id obj-4711'],
      ['orders', 'canary', '0h', undefined],
    ]);
    const staging = report.attention.find((a) => a.slot === 'staging');
    expect(staging?.reasons).toEqual([{ code: 'mode-not-required', message: expect.stringContaining('portal "Allow"') }]);
    expect([staging?.clientCertMode, staging?.portalMode]).toEqual(['Optional', 'Allow']);
    expect(report.attention.find((a) => a.slot === 'canary')?.portalMode).toBe('Optional');
    expect(report.attention.find((a) => a.site === 'api' && !a.slot)?.portalMode).toBe('Ignore');
  });

  it('lists unsupported-plan apps and errors apart', () => {
    const report = buildReport({ findings: fleet() }, NOW);

    expect(report.unsupportedPlan.map((a) => [a.site, a.sku])).toEqual([['hobby', 'Free']]);
    expect(report.errors.map((a) => a.site)).toEqual(['broken']);
  });

  it('orders every app by resource id whatever the input order', () => {
    const report = buildReport({ findings: fleet().reverse() }, NOW);

    const keys = report.apps.map((a) => a.key);
    expect(keys).toEqual([...keys].sort());
    expect(buildReport({ findings: fleet() }, NOW)).toEqual(report);
  });

  it('shows subscriptions that allow modes other than Required, with portal names, and leaves Required-only ones out', () => {
    const subscriptionModes = {
      [SUB_C]: { mode: 'enforce', allowedModes: ['Required', 'Optional'] },
      [SUB_A]: { mode: 'audit', allowedModes: ['Required'] },
    };

    const report = buildReport({ findings: fleet(), subscriptionModes }, NOW);

    expect(report.nonDefaultModes).toEqual([{
      subscriptionId: SUB_C, mode: 'enforce', allowedModes: [{ api: 'Required', portal: 'Require' }, { api: 'Optional', portal: 'Allow' }],
    }]);
    expect(report.bySubscription.find((s) => s.subscriptionId === SUB_C)?.allowedModes).toEqual(['Required', 'Optional']);
  });

  it.each<[string, RunInput | undefined, string, number]>([
    ['no run', undefined, 'unknown', 0],
    ['a complete run', DONE_RUN, 'complete', 0],
    ['an incomplete run', { ...DONE_RUN, status: 'incomplete', finishedAt: undefined, subscriptions: [{ subscriptionId: SUB_A, status: 'pending' }] }, 'incomplete', 1],
    ['a "complete" run with a failed subscription', { ...DONE_RUN, subscriptions: [{ subscriptionId: SUB_A, status: 'failed', error: 'poison: 403' }] }, 'incomplete', 2],
    ['a running run', { ...DONE_RUN, status: 'running', subscriptions: [] }, 'running', 1],
  ])('gives %s the state %s', (_name, run, state, warnings) => {
    const report = buildReport(run ? { findings: fleet(), run } : { findings: fleet() }, NOW);

    expect(report.runState).toBe(state);
    expect(report.warnings).toHaveLength(warnings);
  });

  it('keeps a failed subscription with no findings as a row of zero apps', () => {
    const lost = 'dddddddd-0000-4000-8000-00000000000d';
    const run: RunInput = { ...DONE_RUN, status: 'incomplete', subscriptions: [{ subscriptionId: lost, status: 'failed', error: 'worker died' }] };

    const report = buildReport({ findings: fleet(), run }, NOW);

    expect(report.bySubscription.find((s) => s.subscriptionId === lost)?.total).toBe(0);
    expect(report.run?.failed).toEqual([lost]);
    expect(report.warnings.join('\n')).toContain('worker died');
  });

  it('names each subscription next to its id wherever the report shows one, from the run first, then earlier runs', () => {
    const subscriptionModes = { [SUB_B]: { mode: 'audit', allowedModes: ['Required', 'Optional'] } };

    const report = buildReport({ findings: fleet(), previous: previousFleet(), run: NAMED_RUN, subscriptionNames: { ...EARLIER_NAMES, [SUB_A]: 'renamed-since' }, subscriptionModes }, NOW);

    const nameOf: Record<string, string | undefined> = { [SUB_A]: NAME_A, [SUB_B]: NAME_B, [SUB_C]: undefined };
    expect(report.bySubscription.map((s) => [s.subscriptionId, s.subscriptionName])).toEqual([[SUB_A, NAME_A], [SUB_B, NAME_B], [SUB_C, undefined]]);
    expect(report.apps.map((a) => a.subscriptionName)).toEqual(report.apps.map((a) => nameOf[a.subscriptionId]));
    const changes = [...(report.changes?.new ?? []), ...(report.changes?.fixed ?? [])];
    expect(new Set(changes.map((c) => c.subscriptionId))).toEqual(new Set([SUB_A, SUB_B, SUB_C]));
    expect(changes.map((c) => c.subscriptionName)).toEqual(changes.map((c) => nameOf[c.subscriptionId]));
    expect(report.run?.subscriptions.map((s) => s.subscriptionName)).toEqual([NAME_A, NAME_B, undefined]);
    expect(report.nonDefaultModes.map((c) => [c.subscriptionId, c.subscriptionName])).toEqual([[SUB_B, NAME_B]]);
    expect(report.warnings).toContain(`Subscription ${NAME_B} (${SUB_B}) failed: worker died`);
    // The name sits right after the id, so the JSON keeps one key order.
    expect(Object.keys(report.apps[0] ?? {}).slice(2, 4)).toEqual(['subscriptionId', 'subscriptionName']);
  });

  it('makes no new/fixed claim without a previous sweep', () => {
    const report = buildReport({ findings: fleet() }, NOW);

    expect(report.changes).toBeUndefined();
  });
});
