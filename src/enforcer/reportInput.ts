import type { ReportInput, RunInput } from '../report/index.js';
import { InvalidInputError } from '../errors.js';
import type { Finding } from '../store/types.js';
import type { EnforcerDeps } from './deps.js';
import { listExemptions } from './manageExemptions.js';
import { listSubscriptionSettings } from './manageSettings.js';
import { runState } from './sweepRun.js';

/** A run with work still pending after this long is reported incomplete (its worker died). */
const STALE_AFTER_MS = 6 * 3_600_000;

/** Everything a report needs, read from the tables: a sweep run (latest by default) and current findings. */
export async function loadReportInput(deps: EnforcerDeps, runId = 'latest'): Promise<ReportInput> {
  const run = runId === 'latest' ? (await deps.sweeps.latestRuns(1))[0] : await deps.sweeps.getRun(runId);
  if (!run && runId !== 'latest') throw new InvalidInputError(`no sweep run ${runId}`);
  const subscriptions = run ? run.subscriptions.map((s) => s.subscriptionId) : undefined;
  const findings: Finding[] = [];
  for (const subscriptionId of subscriptions ?? [undefined]) {
    for await (const f of deps.findings.list(subscriptionId ? { subscriptionId } : {})) findings.push(f);
  }
  const settings = await listSubscriptionSettings(deps);
  const input: ReportInput = {
    findings,
    exemptions: (await listExemptions(deps)).map((e) => ({ scopeDisplay: e.scopeDisplay, owner: e.owner, expiresAt: e.expiresAt, reason: e.reason, category: e.category })),
    subscriptionModes: Object.fromEntries(settings.map((s) => [s.subscriptionId, { mode: s.mode, allowedModes: s.allowedModes }])),
  };
  if (run) {
    const runInput: RunInput = {
      id: run.id,
      startedAt: run.startedAt,
      status: runState(run, deps.clock(), STALE_AFTER_MS),
      subscriptions: run.subscriptions.map((s) => ({ subscriptionId: s.subscriptionId, status: s.mode === 'off' ? 'off' : s.status, ...(s.error ? { error: s.error } : {}), ...(s.evaluated !== undefined ? { evaluated: s.evaluated } : {}) })),
    };
    input.run = runInput;
  }
  return input;
}
