import { describe, expect, it } from 'vitest';
import type { SweepRunRecord } from '../../src/model/index.js';
import { loadRolloutReportInput } from '../../src/enforcer/rolloutReportInput.js';
import { memoryWorld, SUB } from './memoryDeps.js';

/** The burn-down's points: the debt each run counted, and for runs from before it was counted, their non-compliant apps. */
function run(id: string, startedAt: string, counts: Record<string, number>, debt?: number): SweepRunRecord {
  return { id, startedAt, trigger: 'timer', subscriptions: [{ subscriptionId: SUB, status: 'done', counts, ...(debt === undefined ? {} : { debt }) }] };
}

describe('loadRolloutReportInput', () => {
  it('draws the burn-down from the debt a run counted, not from all its non-compliant apps', async () => {
    const { deps } = memoryWorld();
    await deps.rollouts?.create({
      plan: { id: 'plan-a', createdAt: '2026-12-01T00:00:00.000Z', createdBy: 'cli:test', subscriptions: [SUB], waveSize: 2, everyMs: 86_400_000, auto: false, status: 'active', updatedAt: '2026-12-01T00:00:00.000Z' },
      waves: [{ planId: 'plan-a', number: 1, notBefore: '2026-12-08T00:00:00.000Z', size: 0, status: 'pending' }],
      members: [],
    });
    const runs = [
      // Recorded before runs counted debt: its non-compliant apps stand for it.
      run('r1', '2026-12-01T01:00:00.000Z', { noncompliant: 5, compliant: 3 }),
      // 4 non-compliant, of which 1 drift (audit does not revert it): 3 debt.
      run('r2', '2026-12-02T01:00:00.000Z', { noncompliant: 4, compliant: 4 }, 3),
      run('r3', '2026-12-03T01:00:00.000Z', { noncompliant: 2, compliant: 6 }, 0),
    ];

    const input = await loadRolloutReportInput(deps, runs);

    expect(input?.burnDown).toEqual([{ subscriptionId: SUB, points: [
      { runId: 'r1', startedAt: '2026-12-01T01:00:00.000Z', debt: 5 },
      { runId: 'r2', startedAt: '2026-12-02T01:00:00.000Z', debt: 3 },
      { runId: 'r3', startedAt: '2026-12-03T01:00:00.000Z', debt: 0 },
    ] }]);
  });
});
