import type { TrendPoint, TrendRunInput } from './types.js';

/** Pure: each run's counts as compliant / failing / other, and the compliance percentage. */
export function trendPoints(runs: readonly TrendRunInput[]): TrendPoint[] {
  return runs.map((run) => {
    const count = (status: string) => run.counts[status] ?? 0;
    const compliant = count('compliant');
    const failing = count('noncompliant') + count('flapping');
    const total = Object.values(run.counts).reduce((sum, n) => sum + n, 0);
    const judged = compliant + failing;
    return {
      runId: run.runId,
      startedAt: run.startedAt,
      status: run.status,
      compliant,
      failing,
      other: total - judged,
      compliancePercent: judged === 0 ? null : Math.round((compliant / judged) * 1000) / 10,
    };
  });
}
