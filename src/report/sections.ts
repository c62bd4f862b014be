import { appName, driftText, modeText, reasonLines, timeLeft } from './describe.js';
import { EXPIRY_WINDOW_DAYS } from './expiringExemptions.js';
import { nonComplianceText } from './nonCompliance.js';
import { rolloutSections } from './rolloutReport.js';
import { subscriptionLabel } from './subscriptionNames.js';
import type { Report, ReportApp, ReportChange, TrendPoint } from './types.js';

/** A titled table of plain text; each renderer escapes and lays it out its own way. */
export interface Section {
  title: string;
  headers: string[];
  rows: string[][];
  /** Shown instead of an empty table. */
  empty: string;
}

/** The lists a reader acts on, in reading order, shared by the markdown and HTML renderers. */
export function reportSections(report: Report): Section[] {
  return [
    appSection(`Non-compliant apps (${report.attention.length})`, report.attention, true),
    ...changeSections(report),
    exemptionSection(report),
    appSection(`Unsupported plan (${report.unsupportedPlan.length})`, report.unsupportedPlan, false),
    appSection(`Errors (${report.errors.length})`, report.errors, false),
    modesSection(report),
    subscriptionSection(report),
    ...(report.trend ? [trendSection(report.trend)] : []),
    ...(report.rollout ? rolloutSections(report.rollout) : []),
  ];
}

function trendSection(trend: TrendPoint[]): Section {
  const rows = trend.map((p) => [p.startedAt, p.runId, p.status, String(p.compliant), String(p.failing), String(p.other), p.compliancePercent === null ? 'n/a' : `${p.compliancePercent}%`]);
  const title = `Compliance across the last ${trend.length} sweep${trend.length === 1 ? '' : 's'}`;
  return { title, headers: ['Started', 'Run', 'State', 'Compliant', 'Non-compliant or flapping', 'Other', 'Compliance'], rows, empty: 'No sweep yet.' };
}

function appSection(title: string, apps: ReportApp[], drifting: boolean): Section {
  const headers = ['App', 'Resource group', 'Subscription', 'Kind', 'Status', 'Reasons', 'Mode (API / portal)', ...(drifting ? ['Drift age'] : []), 'Last caller'];
  const rows = apps.map((app) => [
    appName(app), app.resourceGroup, subscriptionLabel(app), `${app.appKind}, ${app.target}`, app.status,
    reasonLines(app).join('\n'), modeText(app), ...(drifting ? [driftText(app)] : []), app.lastCaller ?? 'unknown',
  ]);
  return { title, headers, rows, empty: 'None.' };
}

function changeSections(report: Report): Section[] {
  const headers = ['App', 'Subscription', 'Before', 'Now', 'Failing reasons'];
  const rows = (changes: ReportChange[]) => changes.map((c) => [appName(c), subscriptionLabel(c), c.before, c.now, c.reasons.map((r) => r.code).join('; ')]);
  if (!report.changes) return [{ title: 'Since the last sweep', headers, rows: [], empty: 'No previous sweep to compare with.' }];
  return [
    { title: `New since the last sweep (${report.changes.new.length})`, headers, rows: rows(report.changes.new), empty: 'None.' },
    { title: `Fixed since the last sweep (${report.changes.fixed.length})`, headers, rows: rows(report.changes.fixed), empty: 'None.' },
  ];
}

function exemptionSection(report: Report): Section {
  const rows = report.expiringExemptions.map((e) => [e.scopeDisplay, e.owner, e.category, e.expiresAt, timeLeft(e.hoursLeft), e.reason, e.approver ?? '']);
  const title = `Exemptions expiring within ${EXPIRY_WINDOW_DAYS} days (${rows.length})`;
  return { title, headers: ['Scope', 'Owner', 'Category', 'Expires', 'Left', 'Reason', 'Approved by'], rows, empty: 'None.' };
}

function modesSection(report: Report): Section {
  const rows = report.nonDefaultModes.map((c) => [subscriptionLabel(c), c.mode, c.allowedModes.map((m) => `${m.api} (portal "${m.portal}")`).join(', ')]);
  const title = `Subscriptions allowing modes other than Required (${rows.length})`;
  return { title, headers: ['Subscription', 'Remediation mode', 'Allowed client-cert modes'], rows, empty: 'None: every subscription allows Required only.' };
}

function subscriptionSection(report: Report): Section {
  const rows = report.bySubscription.map((s) => {
    const failing = s.byStatus.noncompliant + s.byStatus.flapping;
    const run = report.run?.subscriptions.find((r) => r.subscriptionId.toLowerCase() === s.subscriptionId.toLowerCase());
    const split = run?.nonCompliance ? `, ${nonComplianceText(run.nonCompliance)}` : '';
    const sweep = run ? `${run.status}${run.error ? `: ${run.error}` : ''}${split}` : '';
    return [subscriptionLabel(s), s.mode ?? '', s.modeSetBy ?? '', sweep, String(s.total), String(s.byStatus.compliant), String(failing), String(s.total - s.byStatus.compliant - failing)];
  });
  return { title: 'By subscription', headers: ['Subscription', 'Mode', 'Mode set by', 'Sweep', 'Apps', 'Compliant', 'Failing', 'Other'], rows, empty: 'None.' };
}
