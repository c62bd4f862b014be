import type { Debt, Reason, Standing, Status, Verdict } from './types.js';

/**
 * Drift vs baseline debt (DESIGN.md, issue 14). Pure: the previous row, the baseline and `now`
 * come in as arguments.
 *
 * - Guarded: the app was compliant (or the enforcer or a wave made it so, or it appeared after the
 *   baseline) since the baseline. A regression of a guarded app is drift: `enforce` reverts it.
 * - Debt: non-compliant at or before the baseline and never compliant since. Never reverted on its
 *   own; a rollout wave fixes it on a date its owner could see.
 */

/** A subscription's enforce baseline: its first complete sweep after it was set to `enforce`. */
export interface Baseline {
  at: string;
  runId?: string;
}

/** The part of a stored finding the rule reads (a `Finding` is one). */
export interface StandingRow extends Standing {
  status: Status;
  remediatedAt?: string;
  firstNonCompliantAt?: string;
}

/** A valid exemption suspends guarding: when it expires the app is debt again (next wave), never flipped at once. */
const UNGUARDING: ReadonlySet<Status> = new Set(['exempt', 'deleted']);

/**
 * Whether a regression of this app is drift. Rows written before the markers existed (neither
 * `debt` nor `guardedSince`) are guarded only when their last status was compliant, or the
 * enforcer had reverted them (remediated, flapping); anything else reads as debt (the safe side).
 */
export function isGuarded(row: StandingRow | undefined): boolean {
  if (!row || row.debt || UNGUARDING.has(row.status)) return false;
  if (row.guardedSince) return true;
  return row.status === 'compliant' || row.status === 'flapping' || !!row.remediatedAt;
}

/**
 * Whether the app, if it evaluates non-compliant now, is baseline debt. An app with no row (or a
 * deleted one: a new app under an old name) is new: drift once the subscription has a baseline,
 * debt before (no compliant record, the safe side).
 */
export function isBaselineDebt(row: StandingRow | undefined, baseline: Baseline | undefined): boolean {
  if (!row || row.status === 'deleted') return baseline === undefined;
  return !isGuarded(row);
}

/** The markers the next row carries, from its status and the previous row. */
export function nextStanding(status: Status, previous: StandingRow | undefined, baseline: Baseline | undefined, nowIso: string): Standing {
  const carried = previous && previous.status !== 'deleted' ? previous : undefined;
  switch (status) {
    case 'compliant':
      return { guardedSince: (isGuarded(carried) && carried?.guardedSince) || nowIso };
    case 'noncompliant':
    case 'flapping':
      if (isBaselineDebt(carried, baseline)) return { debt: carried?.debt ?? newDebt(carried, baseline, nowIso) };
      return { guardedSince: carried?.guardedSince ?? nowIso };
    case 'exempt':
    case 'deleted':
      return {};
    case 'error':
      return markersOf(carried);
    default:
      // unsupported-plan, not-applicable: nothing to revert now; a guarded app stays guarded.
      return isGuarded(carried) && carried?.guardedSince ? { guardedSince: carried.guardedSince } : {};
  }
}

/** The verdict with its standing, and the `baseline-debt` reason while the app is debt. */
export function withStanding(verdict: Verdict, previous: StandingRow | undefined, baseline: Baseline | undefined, nowIso: string): Verdict {
  const standing = nextStanding(verdict.status, previous, baseline, nowIso);
  return { ...verdict, reasons: withDebtReason(verdict.reasons, standing.debt), standing };
}

/** The reasons with the `baseline-debt` reason of this debt in place of any earlier one; without one when there is no debt. */
export function withDebtReason(reasons: readonly Reason[], debt: Debt | undefined): Reason[] {
  const out = reasons.filter((r) => r.code !== 'baseline-debt');
  if (debt) out.push(baselineDebtReason(debt));
  return out;
}

export function baselineDebtReason(debt: Debt): Reason {
  const planned = debt.wave !== undefined
    ? ` It is in rollout wave ${debt.wave}${debt.notBefore ? `, not before ${debt.notBefore}` : ''}.`
    : ' No rollout wave names it yet.';
  return {
    code: 'baseline-debt',
    message: `Baseline debt: non-compliant since ${debt.since}, before the subscription's enforce baseline, and never compliant since. Enforce does not revert it on its own; a rollout wave does.${planned}`,
  };
}

function newDebt(previous: StandingRow | undefined, baseline: Baseline | undefined, nowIso: string): Debt {
  const debt: Debt = { since: previous?.firstNonCompliantAt ?? nowIso };
  if (baseline?.runId) debt.baselineRunId = baseline.runId;
  return debt;
}

function markersOf(row: StandingRow | undefined): Standing {
  const out: Standing = {};
  if (row?.debt) out.debt = row.debt;
  if (row?.guardedSince) out.guardedSince = row.guardedSince;
  return out;
}
