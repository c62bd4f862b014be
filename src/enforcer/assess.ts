import { withStanding } from '../policy/index.js';
import type { SiteRef } from '../policy/index.js';
import type { SiteSnapshot, Status, Verdict } from '../policy/index.js';
import type { Finding } from '../model/index.js';
import type { EnforcerDeps } from './deps.js';
import { callerLabel, flapState } from './flapGuard.js';
import { isOwnWrite } from './isOwnWrite.js';
import { landed, patchFor } from './clientCertPatch.js';
import { judge, observedCert, record, type Cause } from './recordEvaluation.js';
import { remediate, type RemediationResult } from './remediate.js';
import type { SubscriptionContext } from './subscriptionContext.js';
import { withLease } from './withLease.js';

export interface Assessment {
  status: Status;
  changed: boolean;
  /** `rollout-pending`: baseline debt, left for a rollout wave (in audit and enforce alike). */
  remediation?: RemediationResult['kind'] | 'would-remediate' | 'rollout-pending' | 'own-write' | 'flapping';
}

const FLAP_HISTORY_ROWS = 200;

/**
 * Evaluate what ARM returned and act on it by the subscription's mode: record the finding;
 * in audit, say what enforcement would do; in enforce, revert drift (unless it is the enforcer's
 * own write, or the resource is flapping). Baseline debt is recorded and left for a rollout wave
 * in both modes, never reverted here. Shared by the event path and sweeps.
 */
export async function assessAndAct(
  deps: EnforcerDeps,
  ref: SiteRef,
  snapshot: SiteSnapshot | undefined,
  cause: Cause,
  context: SubscriptionContext,
  /** The current finding, when the caller already asked for it (its write stays conditional on its ETag). */
  read: { previous?: Promise<Finding | undefined> } = {},
): Promise<Assessment> {
  const own = isOwnWrite(cause.caller, deps.remediation.self);
  if (own) return recordOwnWrite(deps, ref, cause, context);
  const now = deps.clock();
  const [judged, previous] = await Promise.all([judge(deps, context.policy, ref, snapshot, now), read.previous ?? deps.findings.get(ref.key)]);
  const nowIso = now.toISOString();
  const verdict = withStanding(judged, previous, context.baseline, nowIso);
  const failing = verdict.status === 'noncompliant';
  const debt = failing && verdict.standing?.debt !== undefined;
  const drift = failing && !debt;
  if (drift && context.mode === 'enforce') {
    // Flapping sticks until a human fixes the app (it then evaluates compliant): no timer resumes the fight.
    const flapping = previous?.status === 'flapping' ? { ...verdict, status: 'flapping' as const, reasons: [...previous.reasons.filter((r) => r.code === 'flapping'), ...verdict.reasons] } : await flappingVerdict(deps, ref, verdict, now, previous);
    if (flapping) {
      const { changed } = await record(deps, { ref, snapshot, verdict: flapping, cause, previous, now: nowIso, extra: { action: 'flapping' } });
      return { status: 'flapping', changed, remediation: 'flapping' };
    }
  }
  // What enforce would send (the same function computes it): audit records it as the fix it would make.
  const patch = drift && snapshot ? patchFor(snapshot, context.policy, deps.remediation.clearExclusionPaths) : undefined;
  const audit = context.mode === 'audit' && !!snapshot && !!patch && !landed(snapshot, patch);
  const extra = audit ? { action: 'would-remediate' as const, before: observedCert(snapshot), after: { ...patch } } : debt ? { action: 'rollout-pending' as const } : {};
  const { changed, finding } = await record(deps, { ref, snapshot, verdict, cause, previous, now: nowIso, extra });
  if (debt) return { status: verdict.status, changed, remediation: 'rollout-pending' };
  if (!drift) return { status: verdict.status, changed };
  if (audit) return { status: verdict.status, changed, remediation: 'would-remediate' };
  if (context.mode !== 'enforce') return { status: verdict.status, changed };
  const result = await remediate(deps, ref, context.policy, cause, finding);
  // What the revert recorded (its read-back, or the re-read that found the drift already undone), not the drift's status.
  const status: Status = result.kind === 'remediated' || result.kind === 'already-resolved' ? result.status : result.kind === 'unsupported-plan' ? 'unsupported-plan' : verdict.status;
  return { status, changed: true, remediation: result.kind };
}

/**
 * Loop guard: the enforcer's own write is evaluated but never acted on. It is recorded under the
 * resource's lease, so it cannot interleave with the remediation that caused it (which records the
 * final state itself before releasing); if that remediation still holds the lease, there is nothing to add.
 */
async function recordOwnWrite(deps: EnforcerDeps, ref: SiteRef, cause: Cause, context: SubscriptionContext): Promise<Assessment> {
  // The revert this event reports (same correlation id) has since recorded an ARM read made after
  // its PATCH (its read-back, or anything later): the event has nothing to add, no lease, no read.
  const answered = (f: Finding): boolean => !!cause.correlationId && f.remediationCorrelationId === cause.correlationId && readAfterRevert(f);
  const known = await deps.findings.get(ref.key);
  if (known && answered(known)) return { status: known.status, changed: false, remediation: 'own-write' };
  const busy = (): Assessment => ({ status: known?.status ?? 'compliant', changed: false, remediation: 'own-write' });
  return withLease(deps, ref.key, async (): Promise<Assessment> => {
    // Under the lease the revert behind this event has finished: its read-back may be on the row now.
    const previous = await deps.findings.get(ref.key);
    if (previous && answered(previous)) return { status: previous.status, changed: false, remediation: 'own-write' };
    // Read again under the lease: the state the event's handler read may predate the remediation's read-back.
    const observedAt = deps.clock().toISOString();
    const fresh = await deps.sites.getSite(ref);
    const now = deps.clock();
    const verdict = withStanding(await judge(deps, context.policy, ref, fresh, now), previous, context.baseline, now.toISOString());
    const { changed } = await record(deps, { ref, snapshot: fresh, verdict, cause: { ...cause, observedAt }, previous, now: now.toISOString(), extra: { keepLastCaller: true } });
    return { status: verdict.status, changed, remediation: 'own-write' };
  }, busy);
}

/** The row holds an ARM read made after its last revert's PATCH (both times from this side's clock). */
function readAfterRevert(finding: Finding): boolean {
  return !!finding.remediatedAt && !!finding.observedAt && Date.parse(finding.observedAt) > Date.parse(finding.remediatedAt);
}

async function flappingVerdict(deps: EnforcerDeps, ref: SiteRef, verdict: Verdict, now: Date, previous: Finding | undefined): Promise<Verdict | undefined> {
  const { flapMaxReverts, flapWindowMs } = deps.remediation;
  // The finding keeps the time of the last revert: none within the window, none to count (no
  // history read). (A revert whose finding write failed is not on it; its redelivery records it.)
  if (!previous?.remediatedAt || Date.parse(previous.remediatedAt) < now.getTime() - flapWindowMs) return undefined;
  const history = await deps.history.list(ref.key, FLAP_HISTORY_ROWS);
  const state = flapState(history, now, flapMaxReverts, flapWindowMs);
  if (!state.flapping) return undefined;
  const who = state.callers.map(callerLabel).join(', ') || 'unknown callers';
  const minutes = Math.round(flapWindowMs / 60_000);
  return {
    status: 'flapping',
    reasons: [
      { code: 'flapping', message: `Reverted ${state.reverts} times in ${minutes} min; undone each time by ${who}. Stopped reverting: a human must look.` },
      ...verdict.reasons,
    ],
    advice: verdict.advice,
  };
}
