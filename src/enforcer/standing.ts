import { baselineDebtReason, nextStanding } from '../policy/index.js';
import type { Verdict } from '../policy/index.js';
import type { Finding } from '../model/index.js';

/**
 * Put the verdict's standing (debt or guarded) on the row about to be written. A verdict recorded
 * without one (a remediation's read-back, an error, a delete) derives it from the previous row,
 * knowing no baseline: an app with no compliant record reads as debt, the safe side.
 */
export function applyStanding(finding: Finding, verdict: Verdict, previous: Finding | undefined, nowIso: string): void {
  const standing = verdict.standing ?? nextStanding(verdict.status, previous, undefined, nowIso);
  if (standing.debt) {
    finding.debt = standing.debt;
    if (!finding.reasons.some((r) => r.code === 'baseline-debt')) finding.reasons = [...finding.reasons, baselineDebtReason(standing.debt)];
  }
  if (standing.guardedSince) finding.guardedSince = standing.guardedSince;
}
