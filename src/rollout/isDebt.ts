import { isGuarded } from '../policy/index.js';
import type { PlanCandidate } from './types.js';

/**
 * Whether a finding is baseline debt a plan should schedule: non-compliant and not guarded, by the
 * same rule (migration of unmarked rows included) as enforce's `isBaselineDebt`. Drift (guarded)
 * is enforce's to revert, not a wave's.
 */
export function isDebt(f: PlanCandidate): boolean {
  return f.status === 'noncompliant' && !isGuarded(f);
}

/** Statuses a plan lists apart: nothing a wave could or should flip. */
export const EXCLUDED_STATUSES = new Set(['exempt', 'unsupported-plan', 'not-applicable']);
