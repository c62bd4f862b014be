import { describe, expect, it } from 'vitest';
import { buildFinding } from '../../src/enforcer/findingBuilder.js';
import type { Cause } from '../../src/enforcer/recordEvaluation.js';
import type { Finding } from '../../src/model/index.js';
import { baselineDebtReason, withStanding, type Verdict } from '../../src/policy/index.js';
import { refOf, SUB } from './memoryDeps.js';

const EARLIER = '2026-11-01T08:00:00.000Z';
const NOW = '2026-12-04T10:00:00.000Z';
const REF = refOf('app');
const CAUSE: Cause = { id: 'c1', at: NOW, source: 'event' };
const OFF = { code: 'client-cert-disabled', message: 'off' } as const;

function previousRow(fields: Partial<Finding>): Finding {
  return {
    key: REF.key, resourceId: REF.id, subscriptionId: SUB, resourceGroup: REF.resourceGroup, site: REF.site,
    status: 'noncompliant', reasons: [OFF], advice: [], lastEvaluatedAt: EARLIER, lastChangedAt: EARLIER, source: 'sweep', ...fields,
  };
}

const build = (verdict: Verdict, previous: Finding | undefined) => buildFinding(REF, undefined, verdict, CAUSE, previous, NOW, true);

describe('buildFinding: the row carries the standing of policy withStanding', () => {
  it('derives a verdict recorded without its standing from the previous row, knowing no baseline', async () => {
    // Prepare: an error keeps the debt row's reasons (its baseline-debt reason among them); a read-back of a new app; a guarded app fixed
    const debt = { since: EARLIER, wave: 3, planId: 'rp-1', notBefore: '2026-12-24T08:00:00.000Z' };
    const debtRow = previousRow({ debt, reasons: [OFF, baselineDebtReason(debt)] });
    const error: Verdict = { status: 'error', reasons: [{ code: 'error', message: 'ARM said no' }, ...debtRow.reasons], advice: [] };

    // Act
    const stillDebt = build(error, debtRow);
    const newApp = build({ status: 'noncompliant', reasons: [OFF], advice: [] }, undefined);
    const fixed = build({ status: 'compliant', reasons: [], advice: [] }, previousRow({ status: 'compliant', guardedSince: EARLIER }));

    // Assess
    expect([stillDebt.debt, stillDebt.guardedSince]).toEqual([debt, undefined]);
    expect(stillDebt.reasons).toEqual([{ code: 'error', message: 'ARM said no' }, OFF, baselineDebtReason(debt)]);
    expect([newApp.debt, newApp.reasons.map((r) => r.code)]).toEqual([{ since: NOW }, ['client-cert-disabled', 'baseline-debt']]);
    expect([fixed.debt, fixed.guardedSince, fixed.reasons]).toEqual([undefined, EARLIER, []]);
  });

  it('carries a verdict that has its standing as it is, baseline included', async () => {
    // Prepare: after the baseline a new app is drift (guarded), not the debt the no-baseline derivation would say
    const verdict = withStanding({ status: 'noncompliant', reasons: [OFF], advice: [] }, undefined, { at: EARLIER, runId: 'run-1' }, NOW);

    // Act
    const row = build(verdict, undefined);

    // Assess
    expect([row.debt, row.guardedSince, row.reasons]).toEqual([undefined, NOW, [OFF]]);
  });
});
