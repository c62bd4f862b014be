import { nonComplianceText } from './nonCompliance.js';
import { STATUSES } from './statusCounts.js';
import type { Report, ReportApp, ReportChange } from './types.js';

// Plain-text pieces shared by the markdown and HTML renderers (each escapes them its own way).

/** `shop` or `shop (slot staging)`. */
export function appName(app: Pick<ReportApp | ReportChange, 'site' | 'slot'>): string {
  return app.slot ? `${app.site} (slot ${app.slot})` : app.site;
}

/** Both names of the setting: the API's and the portal's, since people search for either. */
export function modeText(app: ReportApp): string {
  const api = app.clientCertEnabled === true ? (app.clientCertMode ?? 'no mode') : `disabled (mode ${app.clientCertMode ?? 'unset'})`;
  return `API ${api} / portal "${app.portalMode}"`;
}

export function reasonCodes(app: Pick<ReportApp, 'reasons'>): string {
  return app.reasons.map((reason) => reason.code).join(';');
}

export function reasonLines(app: Pick<ReportApp, 'reasons'>): string[] {
  return app.reasons.map((reason) => `${reason.code}: ${reason.message}`);
}

/** `12 apps: 5 compliant, 3 noncompliant, …` listing only statuses that occur. */
export function headline(report: Report): string {
  const parts = STATUSES.filter((status) => report.totals.byStatus[status] > 0).map((status) => `${report.totals.byStatus[status]} ${status}`);
  const apps = `${report.totals.total} app${report.totals.total === 1 ? '' : 's'}`;
  return parts.length > 0 ? `${apps}: ${parts.join(', ')}` : `${apps}`;
}

/** One line on the run; never says "complete" unless the run state is. */
export function runLine(report: Report): string {
  const run = report.run;
  if (!run) return 'Sweep run: none recorded (current findings only).';
  const end = run.finishedAt ? `, finished ${run.finishedAt}` : '';
  const split = run.nonCompliance ? `; ${nonComplianceText(run.nonCompliance)}` : '';
  const subs = `${run.subscriptions.length} subscription(s), ${run.failed.length} failed, ${run.pending.length} pending${split}`;
  return `Sweep run ${run.id}: ${report.runState.toUpperCase()} (started ${run.startedAt}${end}; ${subs}).`;
}

export function driftText(app: ReportApp): string {
  return app.drift ? `${app.drift.label} (since ${app.drift.since})` : 'unknown';
}

export function timeLeft(hoursLeft: number): string {
  const days = Math.floor(hoursLeft / 24);
  return days > 0 ? `${days}d ${hoursLeft % 24}h` : `${hoursLeft}h`;
}
