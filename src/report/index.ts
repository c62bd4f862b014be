export { buildReport } from './buildReport.js';
export { FAILING } from './statusCounts.js';
export { expiryInWindow } from './expiringExemptions.js';
export { renderCsv } from './renderCsv.js';
export { trendPoints } from './trend.js';
export { renderHtml } from './renderHtml.js';
export { renderJson } from './renderJson.js';
export { renderMarkdown } from './renderMarkdown.js';
export { renderRolloutPlan, PLAN_FORMATS, type PlanFormat } from './renderRolloutPlan.js';
export { planLine } from './rolloutSections.js';
export { subscriptionLabel, withSubscriptionName } from './subscriptionNames.js';
export { nonCompliance, nonComplianceText, sumNonCompliance, type NonCompliance } from './nonCompliance.js';
export type { AppRollout, BurnDownInput, RolloutAppView, RolloutPlanView, RolloutReportInput, RolloutSection, RolloutWaveView } from './rolloutTypes.js';
export { isReportFormat, renderReport, REPORT_CONTENT_TYPES, REPORT_EXTENSIONS, REPORT_FORMATS } from './renderReport.js';
export type {
  AppKind,
  ExemptionInput,
  Report,
  ReportApp,
  ReportChange,
  ReportFormat,
  ReportInput,
  ReportRun,
  ReportRunSubscription,
  RunInput,
  RunState,
  RunStatus,
  StatusCounts,
  SubscriptionModeInput,
  SubscriptionRunInput,
  SubscriptionRunStatus,
  TrendPoint,
  TrendRunInput,
} from './types.js';
