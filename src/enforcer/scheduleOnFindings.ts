import { ConflictError } from '../errors.js';
import { nextStanding, withDebtReason, type Debt } from '../policy/index.js';
import { isDebt } from '../rollout/index.js';
import type { Finding } from '../model/index.js';
import type { EnforcerDeps } from './deps.js';

/** The wave a plan gives an app (undefined: no wave any more, e.g. its plan was cancelled). */
export type Schedule = Pick<Debt, 'wave' | 'planId' | 'notBefore'> | undefined;

const ATTEMPTS = 3;

/**
 * Put each planned app's wave and date on its finding's debt marker (and its baseline-debt
 * reason), so the finding says when it will be fixed. The plan decides (table Rollouts); this
 * writes only what it decided, on rows still in debt, conditional on the version read. Rows
 * that left debt meanwhile are left alone. Returns how many rows were written.
 */
export async function scheduleOnFindings(deps: EnforcerDeps, rows: readonly Finding[], scheduleOf: (key: string) => Schedule): Promise<number> {
  const nowIso = deps.clock().toISOString();
  let written = 0;
  for (const row of rows) {
    let current: Finding | undefined = row;
    for (let attempt = 1; current && attempt <= ATTEMPTS; attempt++) {
      const next = scheduled(current, scheduleOf(current.key), nowIso);
      if (!next) break;
      try {
        await deps.findings.put(next, current.etag ? { etag: current.etag } : { absent: true });
        written++;
        break;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        current = await deps.findings.get(row.key);
      }
    }
  }
  return written;
}

/** The row with the schedule on its debt, or undefined when there is nothing to change. */
function scheduled(row: Finding, schedule: Schedule, nowIso: string): Finding | undefined {
  // Only debt takes a wave, by the rule plans use (drift is enforce's to revert); its debt marker,
  // or the one the rule gives a row older than the marker.
  const marked = isDebt(row) ? nextStanding(row.status, row, undefined, nowIso).debt : undefined;
  if (!marked) return undefined;
  const { wave: _w, planId: _p, notBefore: _n, ...base } = marked;
  const debt: Debt = { ...base, ...(schedule?.wave !== undefined ? { wave: schedule.wave } : {}), ...(schedule?.planId ? { planId: schedule.planId } : {}), ...(schedule?.notBefore ? { notBefore: schedule.notBefore } : {}) };
  if (row.debt && row.debt.wave === debt.wave && row.debt.planId === debt.planId && row.debt.notBefore === debt.notBefore) return undefined;
  const { etag: _etag, ...rest } = row;
  return { ...rest, debt, reasons: withDebtReason(row.reasons, debt) };
}
