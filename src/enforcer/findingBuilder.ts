import { withStanding, type SiteRef } from '../policy/index.js';
import type { Reason, SiteSnapshot, Status, Verdict } from '../policy/index.js';
import type { Finding, HistoryEntry, ObservedCert } from '../model/index.js';
import type { Cause, HistoryExtra } from './recordEvaluation.js';
import { copyDefined } from '../shared/index.js';

/** Pure pieces of recording: the next finding row and its history entry, from a verdict and the previous row. */

const DRIFTING: ReadonlySet<Status> = new Set(['noncompliant', 'flapping']);
/** The client-cert fields, as history's before/after records them. */
const CERT_FIELDS = ['clientCertEnabled', 'clientCertMode', 'clientCertExclusionPaths'] as const;
/** What a finding keeps of the snapshot it was judged on. */
const OBSERVED_FIELDS = ['kind', 'sku', ...CERT_FIELDS, 'publicNetworkAccess', 'tags'] as const;

export function buildFinding(
  ref: SiteRef,
  observed: Pick<Finding, 'kind' | 'sku' | 'clientCertEnabled' | 'clientCertMode' | 'clientCertExclusionPaths' | 'publicNetworkAccess' | 'tags'> | undefined,
  verdict: Verdict,
  cause: Cause,
  previous: Finding | undefined,
  nowIso: string,
  changed: boolean,
): Finding {
  // A verdict recorded without its standing (a remediation's read-back, an error, a delete) derives it
  // from the previous row, knowing no baseline: an app with no compliant record reads as debt, the safe side.
  const { standing, reasons } = verdict.standing ? verdict : withStanding(verdict, previous, undefined, nowIso);
  const finding: Finding = {
    key: ref.key,
    resourceId: (observed as SiteSnapshot | undefined)?.id || previous?.resourceId || ref.id,
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    site: ref.site,
    status: verdict.status,
    reasons,
    advice: verdict.advice,
    lastEvaluatedAt: nowIso,
    lastChangedAt: changed || !previous ? nowIso : previous.lastChangedAt,
    source: cause.source,
  };
  if (ref.slot) finding.slot = ref.slot;
  finding.observedAt = cause.observedAt ?? nowIso;
  copyDefined(finding, observed, OBSERVED_FIELDS);
  const caller = cause.caller ?? previous?.lastCaller;
  if (caller) finding.lastCaller = caller;
  const eventId = cause.eventId ?? previous?.lastEventId;
  if (eventId) finding.lastEventId = eventId;
  const correlationId = cause.correlationId ?? previous?.lastCorrelationId;
  if (correlationId) finding.lastCorrelationId = correlationId;
  const since = driftSince(verdict.status, previous, nowIso);
  if (since) finding.firstNonCompliantAt = since;
  // The last revert stays on the row until another replaces it (recordEvaluation sets a new one).
  if (previous?.remediatedAt) finding.remediatedAt = previous.remediatedAt;
  if (previous?.remediationCorrelationId) finding.remediationCorrelationId = previous.remediationCorrelationId;
  // The newest history row's time, until a write records a newer one with the row.
  if (previous?.historyAt) finding.historyAt = previous.historyAt;
  if (standing?.debt) finding.debt = standing.debt;
  if (standing?.guardedSince) finding.guardedSince = standing.guardedSince;
  return finding;
}

/** Drift age survives re-evaluations: keep the first time of the current non-compliant stretch. */
function driftSince(status: Status, previous: Finding | undefined, nowIso: string): string | undefined {
  // An evaluation that failed says nothing new about drift: keep its age.
  if (status === 'error') return previous?.firstNonCompliantAt;
  if (!DRIFTING.has(status)) return undefined;
  if (previous && DRIFTING.has(previous.status) && previous.firstNonCompliantAt) return previous.firstNonCompliantAt;
  return nowIso;
}

export function historyEntry(finding: Finding, cause: Cause, previous: Finding | undefined, extra: HistoryExtra): HistoryEntry {
  const entry: HistoryEntry = {
    key: finding.key,
    resourceId: finding.resourceId,
    at: rowTime(extra.at ?? cause.at, previous),
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

/**
 * History is read newest first, so a row must sort after the change before it: a late or
 * redelivered event records what ARM says now, after what the finding already holds, not at its
 * own older event time. Still deterministic for a retry, which sees the same previous row.
 */
function rowTime(at: string, previous: Finding | undefined): string {
  // After the last change, and after the last history row (which may be later: a remediation that changed no status).
  const bounds = [previous?.lastChangedAt, previous?.historyAt].map((t) => (t ? Date.parse(t) + 1 : Number.NaN)).filter(Number.isFinite);
  const after = Math.max(...bounds);
  return bounds.length > 0 && after > Date.parse(at) ? new Date(after).toISOString() : at;
}

/** The client-cert fields of a snapshot, for before/after in history. */
export function observedCert(s: ObservedCert | undefined): ObservedCert {
  return copyDefined<ObservedCert, keyof ObservedCert>({}, s, CERT_FIELDS);
}

export function withoutCaller(cause: Cause): Cause {
  const { caller: _caller, ...rest } = cause;
  return rest;
}

export function deletedVerdict(): Verdict {
  return { status: 'deleted', reasons: [{ code: 'deleted', message: 'The app or slot no longer exists in Azure.' }], advice: [] };
}

// The baseline-debt reason follows the row's standing (set or derived while recording), not the
// evaluation: a verdict recorded without it is the same outcome (the standing changes only with the status).
const outcomeCodes = (reasons: readonly Reason[]) => reasons.map((r) => r.code).filter((c) => c !== 'baseline-debt').sort().join(',');
const reasonCodes = (f: Finding) => outcomeCodes(f.reasons);
const codesOf = (v: Verdict) => outcomeCodes(v.reasons);

/** Whether a verdict differs from the stored finding in what history records: status or reason codes. */
export function outcomeChanged(previous: Finding | undefined, verdict: Verdict): boolean {
  return !previous || previous.status !== verdict.status || reasonCodes(previous) !== codesOf(verdict);
}
