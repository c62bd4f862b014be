import type { PlanCandidate } from './types.js';

/**
 * Whether a finding is baseline debt a plan should schedule: non-compliant, and either marked debt
 * or, for a row older than the marker (neither marker present), never reverted by the enforcer (the
 * migration rule: a missing marker reads as debt unless the app was compliant, which a
 * non-compliant row without a revert never was since). Drift (guarded) is enforce's to revert, not a wave's.
 */
export function isDebt(f: PlanCandidate): boolean {
  if (f.status !== 'noncompliant') return false;
  if (f.debt !== undefined) return true;
  return f.guardedSince === undefined && f.remediatedAt === undefined;
}

/** Statuses a plan lists apart: nothing a wave could or should flip. */
export const EXCLUDED_STATUSES = new Set(['exempt', 'unsupported-plan', 'not-applicable']);
