import { FAILING, type ReportInput, type RunInput, type TrendRunInput } from '../report/index.js';
import { InvalidInputError } from '../errors.js';
import type { Finding } from '../model/index.js';
import type { EnforcerDeps } from './deps.js';
import type { SweepRunRecord } from '../model/index.js';
import { listExemptions } from './manageExemptions.js';
import { listSubscriptionSettings } from './manageSettings.js';
import { runState } from './sweepRun.js';
import { loadRolloutReportInput } from './rolloutReportInput.js';

/** When a run's last subscription finished (its start, if none did): the state "as of the last sweep". */
export function finishedAt(run: SweepRunRecord): string {
  const times = run.subscriptions.map((s) => s.finishedAt).filter((t): t is string => !!t).sort();
  return times.at(-1) ?? run.startedAt;
}

/**
 * What the findings said when the previous sweep started, from what they keep: a drift that began
 * after it was not failing then; a finding that changed since then had its history's previous status.
 */
async function findingsAsOf(deps: EnforcerDeps, current: readonly Finding[], since: string): Promise<Finding[]> {
  const at = Date.parse(since);
  const out: Finding[] = [];
  for (const f of current) {
    if (FAILING.has(f.status)) {
      const began = f.firstNonCompliantAt ? Date.parse(f.firstNonCompliantAt) : 0;
      out.push(began > at ? { ...f, status: 'compliant' } : f);
    } else if (Date.parse(f.lastChangedAt) > at) {
      const history = await deps.history.list(f.key, 20);
      const first = history.filter((h) => Date.parse(h.at) > at).at(-1);
      out.push(first?.previousStatus ? { ...f, status: first.previousStatus } : f);
    } else out.push(f);
  }
  return out;
}

/**
 * Display names the runs recorded, the first run's first (pass the newest first): a subscription
 * the report's run does not cover (a settings row, an older finding) is still named when an
 * earlier run listed it. No ARM call: the runs are already read.
 */
export function namesFromRuns(runs: readonly SweepRunRecord[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const run of runs) for (const s of run.subscriptions) if (s.subscriptionName) names[s.subscriptionId.toLowerCase()] ??= s.subscriptionName;
  return names;
}

/** Display names the recent sweep runs recorded, for CLI listings outside a report: table reads, no ARM call. */
export async function recordedSubscriptionNames(deps: EnforcerDeps): Promise<Record<string, string>> {
  return namesFromRuns(await deps.sweeps.latestRuns(TREND_RUNS));
}

/** A run with work still pending after this long is reported incomplete (its worker died). */
export const STALE_AFTER_MS = 6 * 3_600_000;
/** Sweeps shown in the trend (two weeks of nightly runs). */
export const TREND_RUNS = 14;

/** Runs read for a report: enough for the trend, the previous run and a run id a little in the past. */
const RECENT_RUNS = TREND_RUNS * 2;

/** A run as a column of the trend: its state and its per-status counts summed over subscriptions. */
function trendRun(deps: EnforcerDeps, r: SweepRunRecord): TrendRunInput {
  const counts: Record<string, number> = {};
  for (const s of r.subscriptions) for (const [status, n] of Object.entries(s.counts ?? {})) counts[status] = (counts[status] ?? 0) + n;
  return { runId: r.id, startedAt: r.startedAt, status: runState(r, deps.clock(), STALE_AFTER_MS), counts };
}

/** Everything a report needs, read from the tables: a sweep run (latest by default) and current findings. */
export async function loadReportInput(deps: EnforcerDeps, runId = 'latest'): Promise<ReportInput> {
  // One read of the recent runs serves the run itself (usually), the previous one and the trend.
  const recent = await deps.sweeps.latestRuns(RECENT_RUNS);
  const run = runId === 'latest' ? recent[0] : (recent.find((r) => r.id === runId) ?? (await deps.sweeps.getRun(runId)));
  if (!run && runId !== 'latest') throw new InvalidInputError(`no sweep run ${runId}`);
  const subscriptions = run ? run.subscriptions.map((s) => s.subscriptionId) : undefined;
  const findings: Finding[] = [];
  for (const subscriptionId of subscriptions ?? [undefined]) {
    for await (const f of deps.findings.list(subscriptionId ? { subscriptionId } : {})) findings.push(f);
  }
  const settings = await listSubscriptionSettings(deps);
  const input: ReportInput = {
    findings,
    exemptions: (await listExemptions(deps)).map((e) => ({ scopeDisplay: e.scopeDisplay, owner: e.owner, expiresAt: e.expiresAt, reason: e.reason, category: e.category, approver: e.approver })),
    subscriptionModes: Object.fromEntries(settings.map((s) => [s.subscriptionId, { mode: s.mode, allowedModes: s.allowedModes, ...(s.updatedBy ? { updatedBy: s.updatedBy } : {}) }])),
    subscriptionNames: namesFromRuns(run ? [run, ...recent] : recent),
  };
  const earlier = run ? recent.filter((r) => r.id !== run.id && r.startedAt < run.startedAt).sort((a, b) => a.startedAt.localeCompare(b.startedAt)) : [];
  const previousRun = earlier.at(-1);
  if (previousRun) input.previous = await findingsAsOf(deps, findings, finishedAt(previousRun));
  if (run) {
    const runInput: RunInput = {
      id: run.id,
      startedAt: run.startedAt,
      status: runState(run, deps.clock(), STALE_AFTER_MS),
      subscriptions: run.subscriptions.map((s) => ({
        subscriptionId: s.subscriptionId, ...(s.subscriptionName ? { subscriptionName: s.subscriptionName } : {}), status: s.mode === 'off' ? 'off' : s.status,
        ...(s.error ? { error: s.error } : {}), ...(s.evaluated !== undefined ? { evaluated: s.evaluated } : {}),
        // The sweep's non-compliance and its baseline debt (absent on rows recorded before debt was counted: unknown).
        ...(s.counts ? { noncompliant: s.counts.noncompliant ?? 0 } : {}), ...(s.debt !== undefined ? { debt: s.debt } : {}),
      })),
    };
    input.run = runInput;
    input.trend = [...earlier.slice(-(TREND_RUNS - 1)), run].map((r) => trendRun(deps, r));
  }
  const rollout = await loadRolloutReportInput(deps, run ? [...earlier.slice(-(TREND_RUNS - 1)), run] : []);
  if (rollout) input.rollout = rollout;
  return input;
}
