import { buildReport, renderReport, REPORT_CONTENT_TYPES, REPORT_EXTENSIONS, REPORT_FORMATS } from '../report/index.js';
import { InvalidInputError } from '../errors.js';
import type { EnforcerDeps } from './deps.js';
import type { StoredReportFile } from './reportPorts.js';
import { finishedAt, loadReportInput, STALE_AFTER_MS } from './reportInput.js';
import { runState, type RunState } from './sweepRun.js';

export interface StoredReport {
  runId: string;
  state: RunState;
  /** Files this call wrote under runs/<runId>/ (0: another worker stored them first, or the run is still running). */
  written: number;
  /** Whether this call replaced latest/. */
  latest: boolean;
  /** Where the run's files are; absent when no report store is configured. */
  location?: string;
  /** The finished run in one line (compliance, new and fixed since the last run), when the report was built. */
  summary?: string;
}

/**
 * Stores a finished run's report in all four formats, once: each blob is written only if absent,
 * and the report is built "as of" the run's last finish time, so workers that finish the same run
 * together render the same bytes and the loser writes nothing. A run still running is left alone
 * unless `force` (the CLI's --upload). Without a report store, nothing is written (the summary still is built).
 */
export async function storeRunReport(deps: EnforcerDeps, runId: string, options: { force?: boolean } = {}): Promise<StoredReport> {
  const run = await deps.sweeps.getRun(runId);
  if (!run) throw new InvalidInputError(`no sweep run ${runId}`);
  const state = runState(run, deps.clock(), STALE_AFTER_MS);
  const reports = deps.reports;
  const location = reports?.location(run.id);
  const where = location ? { location } : {};
  if (state === 'running' && !options.force) return { runId: run.id, state, written: 0, latest: false, ...where };
  const report = buildReport(await loadReportInput(deps, run.id), new Date(finishedAt(run)));
  const summary = summaryOf(report);
  if (!reports) return { runId: run.id, state, written: 0, latest: false, summary };
  const files: StoredReportFile[] = REPORT_FORMATS.map((format) => ({ extension: REPORT_EXTENSIONS[format], text: renderReport(report, format), contentType: REPORT_CONTENT_TYPES[format] }));
  const written = await reports.putRun(run.id, files);
  const latest = await reports.putLatest(run.id, files);
  if (written > 0) deps.log('info', `sweep ${run.id} report stored at ${location}`, { runId: run.id, runState: state, location });
  return { runId: run.id, state, written, latest, location: location as string, summary };
}

function summaryOf(report: ReturnType<typeof buildReport>): string {
  const percent = report.trend?.at(-1)?.compliancePercent;
  const compliance = percent === null || percent === undefined ? 'compliance n/a' : `${percent} % compliant`;
  const changes = report.changes ? `, ${report.changes.new.length} new and ${report.changes.fixed.length} fixed since the last run` : '';
  const failed = report.run?.failed.length ? `, ${report.run.failed.length} subscription(s) failed` : '';
  return `${compliance}${changes}${failed}`;
}
