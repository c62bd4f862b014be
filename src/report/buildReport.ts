import { allowedModesChoices } from './allowedModesChoices.js';
import { changesSince } from './changesSince.js';
import { compareText } from './compareText.js';
import { expiringExemptions } from './expiringExemptions.js';
import { runSection } from './runSection.js';
import { buildRolloutSection, rolloutByKey } from './rolloutReport.js';
import { subscriptionNames, withSubscriptionName, type NameOf } from './subscriptionNames.js';
import { addStatus, countStatuses, emptyCounts, FAILING } from './statusCounts.js';
import { toReportApp } from './toReportApp.js';
import { trendPoints } from './trend.js';
import type { AppKind, Report, ReportApp, ReportInput, StatusCounts, SubscriptionCounts, Target } from './types.js';

const KINDS: readonly AppKind[] = ['web app', 'function app', 'logic app', 'other'];

/** The sweep report as data: every renderer reads this, so all formats tell the same story. */
export function buildReport(input: ReportInput, now: Date): Report {
  const nameOf = subscriptionNames(input);
  const apps = input.findings.map((finding) => withSubscriptionName(toReportApp(finding, now), nameOf)).sort((a, b) => compareText(a.key, b.key));
  if (input.rollout) {
    const placed = rolloutByKey(input.rollout.plans);
    for (const app of apps) {
      const rollout = placed.get(app.key);
      if (rollout) app.rollout = rollout;
    }
  }
  const { runState, run, warnings } = runSection(input.run, nameOf);
  const report: Report = {
    generatedAt: now.toISOString(),
    runState,
    warnings,
    totals: countStatuses(apps),
    bySubscription: bySubscription(apps, input, nameOf),
    byKind: groupBy(apps, KINDS, (app) => app.appKind),
    byTarget: groupBy(apps, ['site', 'slot'] as const, (app): Target => app.target),
    apps,
    attention: apps.filter((app) => FAILING.has(app.status)).sort(longestDriftFirst),
    expiringExemptions: expiringExemptions(input.exemptions ?? [], now),
    unsupportedPlan: apps.filter((app) => app.status === 'unsupported-plan'),
    errors: apps.filter((app) => app.status === 'error'),
    nonDefaultModes: allowedModesChoices(input.subscriptionModes ?? {}).map((choice) => withSubscriptionName(choice, nameOf)),
  };
  if (run) report.run = run;
  if (input.previous) {
    const changes = changesSince(input.findings, input.previous);
    report.changes = { new: changes.new.map((c) => withSubscriptionName(c, nameOf)), fixed: changes.fixed.map((c) => withSubscriptionName(c, nameOf)) };
  }
  if (input.trend && input.trend.length > 0) report.trend = trendPoints(input.trend);
  if (input.rollout && input.rollout.plans.length > 0) report.rollout = buildRolloutSection(input.rollout);
  return report;
}

function groupBy<K extends string>(apps: ReportApp[], keys: readonly K[], keyOf: (app: ReportApp) => K): Record<K, StatusCounts> {
  const groups = Object.fromEntries(keys.map((key) => [key, emptyCounts()])) as Record<K, StatusCounts>;
  for (const app of apps) addStatus(groups[keyOf(app)], app.status);
  return groups;
}

/**
 * One row per subscription that has findings, took part in the run or has settings: a failed
 * subscription with no findings still shows, with zero apps, instead of vanishing.
 */
function bySubscription(apps: ReportApp[], input: ReportInput, nameOf: NameOf): SubscriptionCounts[] {
  const rows = new Map<string, SubscriptionCounts>();
  const row = (subscriptionId: string): SubscriptionCounts => {
    const known = rows.get(subscriptionId.toLowerCase());
    if (known) return known;
    const name = nameOf(subscriptionId);
    const created: SubscriptionCounts = { subscriptionId, ...(name ? { subscriptionName: name } : {}), ...emptyCounts() };
    rows.set(subscriptionId.toLowerCase(), created);
    return created;
  };
  for (const app of apps) addStatus(row(app.subscriptionId), app.status);
  for (const sub of input.run?.subscriptions ?? []) row(sub.subscriptionId);
  for (const [subscriptionId, setting] of Object.entries(input.subscriptionModes ?? {})) {
    const target = row(subscriptionId);
    target.mode = setting.mode;
    target.allowedModes = [...setting.allowedModes];
    if (setting.updatedBy) target.modeSetBy = setting.updatedBy;
  }
  return [...rows.entries()].sort(([a], [b]) => compareText(a, b)).map(([, counts]) => counts);
}

function longestDriftFirst(a: ReportApp, b: ReportApp): number {
  return (b.drift?.hours ?? -1) - (a.drift?.hours ?? -1) || compareText(a.key, b.key);
}
