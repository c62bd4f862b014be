import { csvCell } from './csvCell.js';
import { reasonCodes } from './describe.js';
import type { Report, ReportApp } from './types.js';

type Column = [header: string, value: (app: ReportApp, report: Report) => string];

const COLUMNS: readonly Column[] = [
  ['resourceId', (app) => app.resourceId],
  ['subscriptionId', (app) => app.subscriptionId],
  ['subscriptionName', (app) => app.subscriptionName ?? ''],
  ['resourceGroup', (app) => app.resourceGroup],
  ['site', (app) => app.site],
  ['slot', (app) => app.slot ?? ''],
  ['kind', (app) => app.kind ?? ''],
  ['appKind', (app) => app.appKind],
  ['status', (app) => app.status],
  ['reasons', (app) => reasonCodes(app)],
  ['clientCertEnabled', (app) => (app.clientCertEnabled === undefined ? '' : String(app.clientCertEnabled))],
  ['clientCertMode', (app) => app.clientCertMode ?? ''],
  ['portalMode', (app) => app.portalMode],
  ['exclusionPaths', (app) => app.exclusionPaths.join(';')],
  ['driftAgeHours', (app) => (app.drift ? String(app.drift.hours) : '')],
  ['lastCaller', (app) => app.lastCaller ?? ''],
  ['lastEvaluatedAt', (app) => app.lastEvaluatedAt],
  // On every row, so a sheet cut from an incomplete sweep still says so (CSV has no banner).
  ['runState', (_app, report) => report.runState],
];

/** With a rollout section: each app's wave, what its owner is told (an owner's sheet filters on these). */
const ROLLOUT_COLUMNS: readonly Column[] = [
  ['owner', (app) => app.rollout?.owner ?? ''],
  ['rolloutPlan', (app) => app.rollout?.planId ?? ''],
  ['rolloutWave', (app) => (app.rollout ? String(app.rollout.wave) : '')],
  ['rolloutNotBefore', (app) => app.rollout?.notBefore ?? ''],
  ['rolloutState', (app) => app.rollout?.state ?? ''],
];

const BOM = '\uFEFF';
const CRLF = '\r\n';

/** RFC 4180 CSV, one row per finding, with a BOM so Excel reads it as UTF-8. */
export function renderCsv(report: Report): string {
  const columns = report.rollout ? [...COLUMNS, ...ROLLOUT_COLUMNS] : COLUMNS;
  const header = columns.map(([name]) => csvCell(name)).join(',');
  const rows = report.apps.map((app) => columns.map(([, value]) => csvCell(value(app, report))).join(','));
  return BOM + [header, ...rows].join(CRLF) + CRLF;
}
