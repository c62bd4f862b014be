import { exclusionPaths, portalName } from '../policy/index.js';
import type { Finding } from '../model/index.js';
import { appKind } from './appKind.js';
import { callerLabel } from './callerLabel.js';
import { driftAge } from './driftAge.js';
import { FAILING } from './statusCounts.js';
import type { ReportApp } from './types.js';

/** One finding with everything a renderer shows, derived once so every format agrees. */
export function toReportApp(finding: Finding, now: Date): ReportApp {
  const app: ReportApp = {
    key: finding.key.toLowerCase(),
    resourceId: finding.resourceId,
    subscriptionId: finding.subscriptionId,
    resourceGroup: finding.resourceGroup,
    site: finding.site,
    appKind: appKind(finding.kind),
    target: finding.slot ? 'slot' : 'site',
    status: finding.status,
    reasons: finding.reasons.map((reason) => ({ code: reason.code, message: reason.message })),
    portalMode: portalName(finding.clientCertMode, finding.clientCertEnabled),
    exclusionPaths: exclusionPaths(finding.clientCertExclusionPaths),
    lastEvaluatedAt: finding.lastEvaluatedAt,
  };
  if (finding.slot) app.slot = finding.slot;
  if (finding.kind !== undefined) app.kind = finding.kind;
  if (finding.sku !== undefined) app.sku = finding.sku;
  if (finding.clientCertEnabled !== undefined) app.clientCertEnabled = finding.clientCertEnabled;
  if (finding.clientCertMode !== undefined) app.clientCertMode = finding.clientCertMode;
  // A drift age only means something while the drift lasts; an old stamp on a fixed app is noise.
  const drift = FAILING.has(finding.status) ? driftAge(finding.firstNonCompliantAt, now) : undefined;
  if (drift) app.drift = drift;
  const caller = callerLabel(finding.lastCaller);
  if (caller) app.lastCaller = caller;
  return app;
}
