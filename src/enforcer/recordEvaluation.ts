import type { Caller } from '../events/types.js';
import type { SiteRef } from '../policy/resourceId.js';
import { ConflictError, TransientError } from '../errors.js';
import { evaluate } from '../policy/index.js';
import type { Policy, SiteSnapshot, Verdict } from '../policy/types.js';
import type { Finding, FindingSource, HistoryEntry, ObservedCert } from '../store/types.js';
import { buildFinding, deletedVerdict, historyEntry, historyRowId, outcomeChanged, withChangeRows, withoutCaller } from './findingBuilder.js';
export { observedCert } from './findingBuilder.js';
import type { EnforcerDeps } from './deps.js';

/** What caused an evaluation; `id` and `at` make the history row deterministic, so retries rewrite it. */
export interface Cause {
  id: string;
  at: string;
  /** When the ARM state being recorded was read (defaults to the time of recording). */
  observedAt?: string;
  source: FindingSource;
  caller?: Caller;
  correlationId?: string;
  eventId?: string;
}

/** How the history row of a recording differs from a plain evaluation. */
export interface HistoryExtra {
  action?: HistoryEntry['action'];
  before?: ObservedCert;
  after?: ObservedCert;
  undoneCaller?: Caller;
  detail?: string;
  /** Append a row even when status and reasons did not change (e.g. a remediation). */
  force?: boolean;
  remediatedAt?: string;
  /** The correlation id the remediation's PATCH was sent with. */
  remediationCorrelationId?: string;
  /** When the row happened, if not at the cause's time (a remediation lands after the drift it undoes). */
  at?: string;
  /** The cause is the enforcer's own write: keep the finding's last (human or pipeline) caller. */
  keepLastCaller?: boolean;
}

export interface Recorded {
  finding: Finding;
  previous?: Finding;
  changed: boolean;
}

/**
 * Evaluate what ARM returned (undefined = gone) and record it: history first, then the current
 * finding, both idempotent, so a failure between the two loses nothing on retry.
 */
export async function recordEvaluation(
  deps: EnforcerDeps,
  ref: SiteRef,
  snapshot: SiteSnapshot | undefined,
  cause: Cause,
): Promise<Recorded> {
  const now = deps.clock();
  const previous = await deps.findings.get(ref.key);
  const verdict = await judge(deps, deps.policy, ref, snapshot, now);
  return record(deps, ref, snapshot, verdict, cause, previous, now.toISOString());
}

/** The verdict for what ARM returned: evaluated against `policy` with the register's exemptions; undefined = deleted. */
export async function judge(deps: EnforcerDeps, policy: Policy, ref: SiteRef, snapshot: SiteSnapshot | undefined, now: Date): Promise<Verdict> {
  return snapshot ? evaluate(snapshot, policy, now, await deps.exemptions.forResource(ref)) : deletedVerdict();
}

/** Record a verdict reached without a snapshot (e.g. an `error` the evaluation could not get past). */
export async function record(
  deps: EnforcerDeps,
  ref: SiteRef,
  snapshot: SiteSnapshot | undefined,
  verdict: Verdict,
  cause: Cause,
  previous: Finding | undefined,
  nowIso: string,
  extra: HistoryExtra = {},
): Promise<Recorded> {
  let base = previous;
  // The history row this call appended and has not yet backed with a finding write. History goes
  // first (a crash before the finding write loses nothing), so a write that then loses its race
  // takes its row back: otherwise the row would record a change the finding never made.
  let appended: { entry: HistoryEntry; etag: string } | undefined;
  // Rows of another outcome found at this recording's row id and stepped over (see appendRow).
  const bypassed: Array<{ entry: HistoryEntry; etag: string }> = [];
  const retract = async () => {
    // A row the current finding's lineage holds stays: another copy of this event wrote the same
    // row and backed it (even if a later writer has moved on since). Only the lineage says so: a
    // winner with the same event and outcome may have written a row of its own (another time).
    const backed = !!appended && !!base?.changeRows?.includes(historyRowId(appended.entry));
    if (appended && !backed) await deps.history.retract(appended.entry, appended.etag);
    appended = undefined;
  };
  for (let attempt = 1; ; attempt++) {
    if (base && supersedes(base, cause)) {
      await retract();
      return { finding: base, previous: base, changed: false };
    }
    const changed = outcomeChanged(base, verdict);
    const finding = buildFinding(ref, snapshot ?? base, verdict, extra.keepLastCaller ? withoutCaller(cause) : cause, base, nowIso, changed);
    if (extra.remediatedAt) {
      finding.remediatedAt = extra.remediatedAt;
      if (extra.remediationCorrelationId) finding.remediationCorrelationId = extra.remediationCorrelationId;
      else delete finding.remediationCorrelationId;
    }
    if (changed || extra.force) {
      const entry = historyEntry(finding, cause, base, extra);
      // A retry against a newer row writes a row of its own (its time follows that row): take the first back.
      if (appended && historyRowId(appended.entry) !== historyRowId(entry)) await retract();
      const etag = await appendRow(deps, entry, bypassed);
      appended = etag ? { entry, etag } : undefined;
      withChangeRows(finding, base, entry);
    } else {
      await retract();
      withChangeRows(finding, base, undefined);
    }
    try {
      // Conditional on the version read, so a concurrent writer's fields (remediatedAt, drift age) are never lost.
      const etag = await deps.findings.put(finding, base?.etag ? { etag: base.etag } : { absent: true });
      // The row as now stored, version included: a next recording starts from it without a read.
      if (etag) finding.etag = etag;
      // A row stepped over is no lineage's now: no later write can start from the version this one replaced.
      for (const row of bypassed.splice(0)) if (!finding.changeRows?.includes(historyRowId(row.entry))) await deps.history.retract(row.entry, row.etag);
      return base ? { finding, previous: base, changed } : { finding, changed };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      if (attempt >= MAX_CONFLICT_RETRIES) {
        await retract();
        throw new TransientError(`finding ${ref.key} kept changing under concurrent writers`, undefined, { cause: err });
      }
      base = await deps.findings.get(ref.key);
      // A concurrent writer reached the same conclusion: nothing of ours is missing from the row.
      if (base && !extra.force && sameOutcome(base, verdict)) {
        await retract();
        return { finding: base, previous: base, changed: false };
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

const MAX_CONFLICT_RETRIES = 8;
const MAX_ROW_PROBES = 8;

/**
 * Append the row without replacing another recording's: two copies of one event read from the
 * same finding place their rows at the same (at, causeId), and if ARM answered them differently,
 * an overwrite would change the row the winner's finding stands on. A row of another outcome at
 * that id is stepped over (the next millisecond, deterministically, so a retry of this recording
 * finds its own row again) and noted in `bypassed`; it belongs to a recording that has not won, or
 * to one that failed before its finding write, and is taken back once this recording wins.
 */
async function appendRow(deps: EnforcerDeps, entry: HistoryEntry, bypassed: Array<{ entry: HistoryEntry; etag: string }>): Promise<string | void> {
  if (!deps.history.insert) return deps.history.append(entry);
  for (let probe = 0; ; probe++) {
    const written = await deps.history.insert(entry);
    if ('etag' in written) return written.etag;
    if (probe >= MAX_ROW_PROBES) throw new TransientError(`history of ${entry.key} at ${entry.at} is held by other recordings of ${entry.causeId}`);
    bypassed.push({ entry: { ...entry }, etag: written.taken });
    entry.at = new Date(Date.parse(entry.at) + 1).toISOString();
  }
}

/** The stored row comes from a later read of ARM than ours: ours is stale, and must not replace it. */
function supersedes(stored: Finding, cause: Cause): boolean {
  return !!stored.observedAt && !!cause.observedAt && Date.parse(stored.observedAt) > Date.parse(cause.observedAt);
}

const sameOutcome = (f: Finding, v: Verdict) => !outcomeChanged(f, v);

