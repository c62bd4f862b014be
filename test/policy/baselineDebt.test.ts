import { describe, expect, it } from 'vitest';
import { isBaselineDebt, isGuarded, nextStanding, withStanding, type Baseline, type StandingRow } from '../../src/policy/index.js';
import type { Verdict } from '../../src/policy/types.js';

const NOW = '2026-12-04T10:00:00.000Z';
const EARLIER = '2026-11-01T08:00:00.000Z';
const BASELINE: Baseline = { at: '2026-11-20T00:00:00.000Z', runId: 'run-baseline' };
const failing: Verdict = { status: 'noncompliant', reasons: [{ code: 'client-cert-disabled', message: 'off' }], advice: [] };
const passing: Verdict = { status: 'compliant', reasons: [], advice: [] };

describe('isGuarded / isBaselineDebt: rows written before the markers existed', () => {
  it.each<[string, StandingRow, boolean]>([
    ['compliant', { status: 'compliant' }, true],
    ['remediated by the enforcer, failing again', { status: 'noncompliant', remediatedAt: EARLIER }, true],
    ['flapping', { status: 'flapping' }, true],
    ['non-compliant, never reverted', { status: 'noncompliant', firstNonCompliantAt: EARLIER }, false],
    ['exempt', { status: 'exempt' }, false],
    ['unsupported plan', { status: 'unsupported-plan' }, false],
    ['error', { status: 'error' }, false],
  ])('reads a row last %s as guarded = %s', (_, row, guarded) => {
    // Act
    const result = [isGuarded(row), isBaselineDebt(row, BASELINE)];

    // Assess
    expect(result).toEqual([guarded, !guarded]);
  });
});

describe('isBaselineDebt: marked rows and new apps', () => {
  it('trusts the markers over the status', () => {
    // Act
    const debt = isBaselineDebt({ status: 'noncompliant', debt: { since: EARLIER } }, BASELINE);
    const guarded = isBaselineDebt({ status: 'noncompliant', guardedSince: EARLIER }, BASELINE);

    // Assess
    expect([debt, guarded]).toEqual([true, false]);
  });

  it('treats an app never seen (or deleted and recreated) as drift after the baseline and as debt before it', () => {
    // Act
    const afterBaseline = [isBaselineDebt(undefined, BASELINE), isBaselineDebt({ status: 'deleted', guardedSince: EARLIER }, BASELINE)];
    const beforeBaseline = [isBaselineDebt(undefined, undefined), isBaselineDebt({ status: 'deleted' }, undefined)];

    // Assess
    expect(afterBaseline).toEqual([false, false]);
    expect(beforeBaseline).toEqual([true, true]);
  });
});

describe('nextStanding', () => {
  it('guards an app from the moment it is compliant, and keeps that time', () => {
    // Act
    const fixed = nextStanding('compliant', { status: 'noncompliant', debt: { since: EARLIER, wave: 2 } }, BASELINE, NOW);
    const still = nextStanding('compliant', { status: 'compliant', guardedSince: EARLIER }, BASELINE, NOW);

    // Assess
    expect(fixed).toEqual({ guardedSince: NOW });
    expect(still).toEqual({ guardedSince: EARLIER });
  });

  it('makes a guarded app that fails drift, and a debt app that fails debt again, keeping its plan', () => {
    // Act
    const drift = nextStanding('noncompliant', { status: 'compliant', guardedSince: EARLIER }, BASELINE, NOW);
    const debt = nextStanding('noncompliant', { status: 'noncompliant', debt: { since: EARLIER, wave: 2, planId: 'p1', notBefore: NOW } }, BASELINE, NOW);

    // Assess
    expect(drift).toEqual({ guardedSince: EARLIER });
    expect(debt).toEqual({ debt: { since: EARLIER, wave: 2, planId: 'p1', notBefore: NOW } });
  });

  it('dates the debt of an unmarked row from its first non-compliant time, with the baseline run', () => {
    // Act
    const standing = nextStanding('noncompliant', { status: 'noncompliant', firstNonCompliantAt: EARLIER }, BASELINE, NOW);

    // Assess
    expect(standing).toEqual({ debt: { since: EARLIER, baselineRunId: 'run-baseline' } });
  });

  it('puts an app whose exemption expired back into debt, even if it was guarded before the exemption', () => {
    // Prepare
    const exempt = nextStanding('exempt', { status: 'compliant', guardedSince: EARLIER }, BASELINE, NOW);

    // Act
    const expired = nextStanding('noncompliant', { status: 'exempt', ...exempt }, BASELINE, NOW);

    // Assess
    expect(exempt).toEqual({});
    expect(expired).toEqual({ debt: { since: NOW, baselineRunId: 'run-baseline' } });
  });

  it('keeps the markers through an error, and a guarded app through a plan change', () => {
    // Act
    const error = nextStanding('error', { status: 'noncompliant', debt: { since: EARLIER } }, BASELINE, NOW);
    const free = nextStanding('unsupported-plan', { status: 'compliant', guardedSince: EARLIER }, BASELINE, NOW);

    // Assess
    expect(error).toEqual({ debt: { since: EARLIER } });
    expect(free).toEqual({ guardedSince: EARLIER });
  });

  it('makes a new failing app drift once the subscription has a baseline, debt before', () => {
    // Act
    const after = nextStanding('noncompliant', undefined, BASELINE, NOW);
    const before = nextStanding('noncompliant', undefined, undefined, NOW);

    // Assess
    expect(after).toEqual({ guardedSince: NOW });
    expect(before).toEqual({ debt: { since: NOW } });
  });
});

describe('withStanding', () => {
  it('adds the baseline-debt reason while the app is debt, naming its wave once planned', () => {
    // Act
    const unplanned = withStanding(failing, { status: 'noncompliant' }, BASELINE, NOW);
    const planned = withStanding(failing, { status: 'noncompliant', debt: { since: EARLIER, wave: 3, notBefore: '2026-12-24T00:00:00.000Z' } }, BASELINE, NOW);

    // Assess
    expect(unplanned.reasons.map((r) => r.code)).toEqual(['client-cert-disabled', 'baseline-debt']);
    expect(unplanned.reasons[1]?.message).toMatch(/No rollout wave names it yet/);
    expect(planned.reasons[1]?.message).toMatch(/wave 3, not before 2026-12-24/);
  });

  it('drops the reason once the app is drift or compliant', () => {
    // Act
    const drift = withStanding({ ...failing, reasons: [...failing.reasons, { code: 'baseline-debt', message: 'stale' }] }, { status: 'compliant' }, BASELINE, NOW);
    const fixed = withStanding(passing, { status: 'noncompliant', debt: { since: EARLIER } }, BASELINE, NOW);

    // Assess
    expect(drift.reasons.map((r) => r.code)).toEqual(['client-cert-disabled']);
    expect(drift.standing).toEqual({ guardedSince: NOW });
    expect(fixed).toMatchObject({ reasons: [], standing: { guardedSince: NOW } });
  });
});
