import type { Caller } from '../events/types.js';
import type { SiteRef } from '../policy/resourceId.js';
import { evaluate } from '../policy/index.js';
import type { SiteSnapshot, Status, Verdict } from '../policy/types.js';
import type { Finding, FindingSource, HistoryEntry } from '../store/types.js';
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
  const verdict = snapshot ? evaluate(snapshot, deps.policy, now, await deps.exemptions.forResource(ref)) : deletedVerdict();
  return record(deps, ref, snapshot, verdict, cause, previous, now.toISOString());
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
): Promise<Recorded> {
  const changed = !previous || previous.status !== verdict.status || reasonCodes(previous) !== codesOf(verdict);
  const finding = buildFinding(ref, snapshot ?? previous, verdict, cause, previous, nowIso, changed);
  if (changed) await deps.history.append(historyEntry(finding, cause, previous));
  await deps.findings.put(finding);
  return previous ? { finding, previous, changed } : { finding, changed };
}

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

function historyEntry(finding: Finding, cause: Cause, previous: Finding | undefined): HistoryEntry {
  const entry: HistoryEntry = {
    key: finding.key,
    resourceId: finding.resourceId,
    at: cause.at,
    causeId: cause.id,
    action: finding.status === 'deleted' ? 'deleted' : finding.status === 'error' ? 'error' : 'evaluated',
    status: finding.status,
    reasons: finding.reasons,
    source: cause.source,
  };
  if (previous) entry.previousStatus = previous.status;
  if (cause.caller) entry.caller = cause.caller;
  if (cause.correlationId) entry.correlationId = cause.correlationId;
  return entry;
}

function deletedVerdict(): Verdict {
  return { status: 'deleted', reasons: [{ code: 'deleted', message: 'The app or slot no longer exists in Azure.' }], advice: [] };
}

const reasonCodes = (f: Finding) => f.reasons.map((r) => r.code).sort().join(',');
const codesOf = (v: Verdict) => v.reasons.map((r) => r.code).sort().join(',');
