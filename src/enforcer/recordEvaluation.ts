import type { Caller } from '../events/types.js';
import type { SiteRef } from '../policy/resourceId.js';
import { ConflictError, TransientError } from '../errors.js';
import { evaluate } from '../policy/index.js';
import type { Policy, SiteSnapshot, Status, Verdict } from '../policy/types.js';
import type { Finding, FindingSource, HistoryEntry, ObservedCert } from '../store/types.js';
import type { EnforcerDeps } from './deps.js';

/** What caused an evaluation; `id` and `at` make the history row deterministic, so retries rewrite it. */
export interface Cause {
  id: string;
  at: string;
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

const DRIFTING: ReadonlySet<Status> = new Set(['noncompliant', 'flapping']);

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
  for (let attempt = 1; ; attempt++) {
    const changed = !base || base.status !== verdict.status || reasonCodes(base) !== codesOf(verdict);
    const finding = buildFinding(ref, snapshot ?? base, verdict, extra.keepLastCaller ? withoutCaller(cause) : cause, base, nowIso, changed);
    const remediatedAt = extra.remediatedAt ?? base?.remediatedAt;
    if (remediatedAt) finding.remediatedAt = remediatedAt;
    if (changed || extra.force) await deps.history.append(historyEntry(finding, cause, base, extra));
    try {
      // Conditional on the version read, so a concurrent writer's fields (remediatedAt, drift age) are never lost.
      await deps.findings.put(finding, base?.etag ? { etag: base.etag } : { absent: true });
      return base ? { finding, previous: base, changed } : { finding, changed };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      if (attempt >= MAX_CONFLICT_RETRIES) throw new TransientError(`finding ${ref.key} kept changing under concurrent writers`, undefined, { cause: err });
      base = await deps.findings.get(ref.key);
      // A concurrent writer reached the same conclusion: nothing of ours is missing from the row.
      if (base && !extra.force && sameOutcome(base, verdict)) return { finding: base, previous: base, changed: false };
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

const MAX_CONFLICT_RETRIES = 8;

const sameOutcome = (f: Finding, v: Verdict) => f.status === v.status && reasonCodes(f) === codesOf(v);

function buildFinding(
  ref: SiteRef,
  observed: Pick<Finding, 'kind' | 'sku' | 'clientCertEnabled' | 'clientCertMode' | 'clientCertExclusionPaths'> | undefined,
  verdict: Verdict,
  cause: Cause,
  previous: Finding | undefined,
  nowIso: string,
  changed: boolean,
): Finding {
  const finding: Finding = {
    key: ref.key,
    resourceId: (observed as SiteSnapshot | undefined)?.id || previous?.resourceId || ref.id,
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    site: ref.site,
    status: verdict.status,
    reasons: verdict.reasons,
    advice: verdict.advice,
    lastEvaluatedAt: nowIso,
    lastChangedAt: changed || !previous ? nowIso : previous.lastChangedAt,
    source: cause.source,
  };
  if (ref.slot) finding.slot = ref.slot;
  copyObserved(finding, observed);
  const caller = cause.caller ?? previous?.lastCaller;
  if (caller) finding.lastCaller = caller;
  const eventId = cause.eventId ?? previous?.lastEventId;
  if (eventId) finding.lastEventId = eventId;
  const correlationId = cause.correlationId ?? previous?.lastCorrelationId;
  if (correlationId) finding.lastCorrelationId = correlationId;
  const since = driftSince(verdict.status, previous, nowIso);
  if (since) finding.firstNonCompliantAt = since;
  return finding;
}

function copyObserved(finding: Finding, observed: Parameters<typeof buildFinding>[1]): void {
  if (!observed) return;
  if (observed.kind !== undefined) finding.kind = observed.kind;
  if (observed.sku !== undefined) finding.sku = observed.sku;
  if (observed.clientCertEnabled !== undefined) finding.clientCertEnabled = observed.clientCertEnabled;
  if (observed.clientCertMode !== undefined) finding.clientCertMode = observed.clientCertMode;
  if (observed.clientCertExclusionPaths !== undefined) finding.clientCertExclusionPaths = observed.clientCertExclusionPaths;
}

/** Drift age survives re-evaluations: keep the first time of the current non-compliant stretch. */
function driftSince(status: Status, previous: Finding | undefined, nowIso: string): string | undefined {
  if (!DRIFTING.has(status)) return undefined;
  if (previous && DRIFTING.has(previous.status) && previous.firstNonCompliantAt) return previous.firstNonCompliantAt;
  return nowIso;
}

function historyEntry(finding: Finding, cause: Cause, previous: Finding | undefined, extra: HistoryExtra): HistoryEntry {
  const entry: HistoryEntry = {
    key: finding.key,
    resourceId: finding.resourceId,
    at: extra.at ?? cause.at,
    causeId: extra.action && extra.action !== 'evaluated' ? `${cause.id}#${extra.action}` : cause.id,
    action: extra.action ?? (finding.status === 'deleted' ? 'deleted' : finding.status === 'error' ? 'error' : 'evaluated'),
    status: finding.status,
    reasons: finding.reasons,
    source: cause.source,
  };
  if (previous) entry.previousStatus = previous.status;
  if (cause.caller) entry.caller = cause.caller;
  if (cause.correlationId) entry.correlationId = cause.correlationId;
  if (extra.before) entry.before = extra.before;
  if (extra.after) entry.after = extra.after;
  if (extra.undoneCaller) entry.undoneCaller = extra.undoneCaller;
  if (extra.detail) entry.detail = extra.detail;
  return entry;
}

/** The client-cert fields of a snapshot, for before/after in history. */
export function observedCert(s: ObservedCert | undefined): ObservedCert {
  const out: ObservedCert = {};
  if (s?.clientCertEnabled !== undefined) out.clientCertEnabled = s.clientCertEnabled;
  if (s?.clientCertMode !== undefined) out.clientCertMode = s.clientCertMode;
  if (s?.clientCertExclusionPaths !== undefined) out.clientCertExclusionPaths = s.clientCertExclusionPaths;
  return out;
}

function withoutCaller(cause: Cause): Cause {
  const { caller: _caller, ...rest } = cause;
  return rest;
}

function deletedVerdict(): Verdict {
  return { status: 'deleted', reasons: [{ code: 'deleted', message: 'The app or slot no longer exists in Azure.' }], advice: [] };
}

const reasonCodes = (f: Finding) => f.reasons.map((r) => r.code).sort().join(',');
const codesOf = (v: Verdict) => v.reasons.map((r) => r.code).sort().join(',');
