import type { EnforcerDeps } from './deps.js';
import { storeRunReport, type StoredReport } from './storeRunReport.js';

/**
 * What happens when a run may have ended (its last job recorded, a job failed for good, or the
 * health timer finding it stale): store its report, and say once that it finished, with the
 * telemetry the "sweep incomplete" alert counts. "Once": with a report store, only the caller
 * that wrote the report logs (workers finishing together write it once between them).
 */
export async function finishSweepRun(deps: EnforcerDeps, runId: string): Promise<StoredReport> {
  const stored = await storeRunReport(deps, runId);
  // Every finisher writes the same notice row (one per run), so it is sent once either way.
  if (stored.state !== 'running' && stored.summary && deps.notices) await deps.notices.runFinished({ runId, state: stored.state, at: deps.clock().toISOString(), detail: stored.summary });
  const first = deps.reports ? stored.written > 0 : true;
  if (stored.state !== 'running' && first) {
    const fields = { event: 'sweep-run', runId, runState: stored.state, ...(stored.location ? { report: stored.location } : {}) };
    if (stored.state === 'incomplete') deps.log('warn', `sweep ${runId} finished INCOMPLETE: some subscriptions were not swept`, fields);
    else deps.log('info', `sweep ${runId} finished complete`, fields);
  }
  return stored;
}
