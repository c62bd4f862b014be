import type { Caller } from '../model/index.js';
import type { SiteRef } from '../policy/index.js';
import { ConflictError, TransientError } from '../errors.js';
import { evaluate } from '../policy/index.js';
import type { Policy, SiteSnapshot, Verdict } from '../policy/index.js';
import type { Finding, FindingSource, HistoryEntry, ObservedCert } from '../model/index.js';
import { buildFinding, deletedVerdict, historyEntry, outcomeChanged, withoutCaller } from './findingBuilder.js';
export { observedCert } from './findingBuilder.js';
import type { EnforcerDeps } from './deps.js';

/** What caused an evaluation; `id` and `at` make the history row deterministic, so a retry rewrites it. */
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

/** Evaluate what ARM returned (undefined = gone) and record it (see record). */
export async function recordEvaluation(
  deps: EnforcerDeps,
  ref: SiteRef,
  snapshot: SiteSnapshot | undefined,
  cause: Cause,
): Promise<Recorded> {
  const now = deps.clock();
  const previous = await deps.findings.get(ref.key);
  const verdict = await judge(deps, deps.policy, ref, snapshot, now);
  return record(deps, { ref, snapshot, verdict, cause, previous, now: now.toISOString() });
}

/** The verdict for what ARM returned: evaluated against `policy` with the register's exemptions; undefined = deleted. */
export async function judge(deps: EnforcerDeps, policy: Policy, ref: SiteRef, snapshot: SiteSnapshot | undefined, now: Date): Promise<Verdict> {
  return snapshot ? evaluate(snapshot, policy, now, await deps.exemptions.forResource(ref)) : deletedVerdict();
}

/** One recording: what was evaluated, the verdict, what caused it, and the row it starts from. */
export interface Recording {
  ref: SiteRef;
  /** What ARM returned (undefined: gone, or not read; the previous row's observed fields then stay). */
  snapshot?: SiteSnapshot | undefined;
  verdict: Verdict;
  cause: Cause;
  /** The row as read: the write is conditional on its ETag (absent: on there being no row). */
  previous: Finding | undefined;
  /** The time of recording. */
  now: string;
  /** How the history row differs from a plain evaluation's. */
  extra?: HistoryExtra;
}

/**
 * Record a verdict: the finding, and a history row when the outcome changed (or `force`), in one
 * transaction conditional on the version read. On a conflict, re-read and try again from the new
 * row: a row from a later ARM read, or one holding the same outcome already, is kept as it is.
 */
export async function record(deps: EnforcerDeps, { ref, snapshot, verdict, cause, previous, now, extra = {} }: Recording): Promise<Recorded> {
  let base = previous;
  for (let attempt = 1; ; attempt++) {
    if (base && supersedes(base, cause)) return { finding: base, previous: base, changed: false };
    const changed = outcomeChanged(base, verdict);
    const finding = buildFinding(ref, snapshot ?? base, verdict, extra.keepLastCaller ? withoutCaller(cause) : cause, base, now, changed);
    if (extra.remediatedAt) {
      finding.remediatedAt = extra.remediatedAt;
      if (extra.remediationCorrelationId) finding.remediationCorrelationId = extra.remediationCorrelationId;
      else delete finding.remediationCorrelationId;
    }
    const entry = changed || extra.force ? historyEntry(finding, cause, base, extra) : undefined;
    if (entry) finding.historyAt = entry.at;
    try {
      // Conditional on the version read, so a concurrent writer's fields (remediatedAt, drift age) are never lost.
      const etag = await deps.findings.put(finding, base?.etag ? { etag: base.etag } : { absent: true }, entry);
      // The row as now stored, version included: a next recording starts from it without a read.
      if (etag) finding.etag = etag;
      return base ? { finding, previous: base, changed } : { finding, changed };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      if (attempt >= MAX_CONFLICT_RETRIES) throw new TransientError(`finding ${ref.key} kept changing under concurrent writers`, undefined, { cause: err });
      base = await deps.findings.get(ref.key);
      // A concurrent writer reached the same conclusion: nothing of ours is missing from the row.
      if (base && !extra.force && !outcomeChanged(base, verdict)) return { finding: base, previous: base, changed: false };
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

const MAX_CONFLICT_RETRIES = 8;

/** The stored row comes from a later read of ARM than ours: ours is stale, and must not replace it. */
function supersedes(stored: Finding, cause: Cause): boolean {
  return !!stored.observedAt && !!cause.observedAt && Date.parse(stored.observedAt) > Date.parse(cause.observedAt);
}
