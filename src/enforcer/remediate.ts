import type { SiteRef } from '../policy/index.js';
import type { Policy, SiteSnapshot, Status, Verdict } from '../policy/index.js';
import { ArmRefusedError, PermissionError, TransientError, UnsupportedPlanError } from '../errors.js';
import type { EnforcerDeps } from './deps.js';
import type { ClientCertPatch } from '../model/index.js';
import { landed, patchFor } from './clientCertPatch.js';
import type { Finding } from '../model/index.js';
import { judge, observedCert, record, type Cause } from './recordEvaluation.js';
import { withLease } from './withLease.js';

export type RemediationResult =
  /** `status`: what the read-back recorded (the PATCH may not show yet, or someone undid it again). */
  | { kind: 'remediated'; after?: SiteSnapshot; status: Status }
  | { kind: 'already-resolved'; status: Status }
  | { kind: 'unsupported-plan' }
  | { kind: 'nothing-to-write' }
  | { kind: 'denied'; reason: string };

/**
 * Revert drift on one resource, once: take the per-resource lease, re-read right before writing,
 * PATCH only the client-cert fields if still non-compliant, read back to confirm, record.
 * Throws TransientError (lease released) so the delivery is retried; never writes twice for one drift.
 */
export async function remediate(
  deps: EnforcerDeps,
  ref: SiteRef,
  policy: Policy,
  cause: Cause,
  /** The finding as the caller just wrote it: with its ETag, the first write here needs no read (a changed row still conflicts). */
  recorded?: Finding,
): Promise<RemediationResult> {
  return withLease(
    deps,
    ref.key,
    () => remediateHoldingLease(deps, ref, policy, cause, recorded?.etag ? recorded : undefined),
    () => {
      // Someone else is writing this resource: retry the delivery later, when it re-reads (and finds it
      // fixed, or reverts it). Acknowledging here could drop a drift that arrived after their read.
      throw new TransientError(`remediation of ${ref.id} is in progress elsewhere; retry`, 2_000);
    },
  );
}

async function remediateHoldingLease(deps: EnforcerDeps, ref: SiteRef, policy: Policy, cause: Cause, recorded: Finding | undefined): Promise<RemediationResult> {
  // The row each recording starts from: the last one written here (with its ETag), else read.
  const current = async (written?: Finding): Promise<Finding | undefined> => (written?.etag ? written : deps.findings.get(ref.key));
  const beforeAt = deps.clock().toISOString();
  const before = await deps.sites.getSite(ref);
  const verdict = await judge(deps, policy, ref, before, deps.clock());
  if (!before || verdict.status !== 'noncompliant') {
    // Record what was just read: the drift recorded earlier may already be undone by someone else.
    await record(deps, { ref, snapshot: before, verdict, cause: { ...cause, observedAt: beforeAt }, previous: await current(recorded), now: deps.clock().toISOString() });
    return { kind: 'already-resolved', status: verdict.status };
  }
  const patch = patchFor(before, policy, deps.remediation.clearExclusionPaths);
  // Only exclusion paths left, and clearing them is not enabled: there is nothing remediation may write.
  if (landed(before, patch)) return { kind: 'nothing-to-write' };
  let answered: SiteSnapshot;
  const patchedAt = deps.clock().toISOString();
  // Its event comes back carrying this id: once the read-back below is recorded, that event has nothing to add.
  const correlationId = deps.newId();
  try {
    answered = await deps.writer.patchClientCert(ref, patch, { correlationId });
  } catch (err) {
    return recordFailedWrite(deps, ref, before, verdict, cause, err, await current(recorded));
  }
  // Record the remediation as soon as ARM accepted it, so a failure in the read-back cannot lose it
  // (the flap guard counts these rows).
  const remediated = await record(deps, {
    ref,
    snapshot: answered,
    verdict: await judge(deps, policy, ref, answered, deps.clock()),
    cause: { ...cause, observedAt: patchedAt },
    previous: await current(recorded),
    now: patchedAt,
    extra: {
      action: 'remediated',
      before: observedCert(before),
      after: observedCert(answered),
      ...(cause.caller ? { undoneCaller: cause.caller } : {}),
      force: true,
      at: patchedAt,
      remediatedAt: patchedAt,
      remediationCorrelationId: correlationId,
    },
  });
  const afterAt = deps.clock().toISOString();
  const after = await readBack(deps, ref, patch);
  // What ARM shows now; history gains a row only if it differs from what the PATCH answered.
  const verdictAfter = await judge(deps, policy, ref, after, deps.clock());
  const { finding } = await record(deps, { ref, snapshot: after, verdict: verdictAfter, cause: { ...cause, observedAt: afterAt }, previous: await current(remediated.finding), now: deps.clock().toISOString(), extra: { at: afterAt } });
  deps.log('info', `reverted drift on ${ref.id}`, { resourceId: ref.id, undid: cause.caller });
  return after ? { kind: 'remediated', after, status: finding.status } : { kind: 'remediated', status: finding.status };
}

/**
 * ARM may answer 202 and apply a moment later: look a few times. If it still does not show, record
 * what is there and write nothing more (a second PATCH for one drift is what must not happen); the
 * next event or sweep sees the outcome.
 */
async function readBack(deps: EnforcerDeps, ref: SiteRef, patch: ClientCertPatch): Promise<SiteSnapshot | undefined> {
  let after = await deps.sites.getSite(ref);
  for (let attempt = 1; attempt <= READ_BACK_ATTEMPTS && after && !landed(after, patch); attempt++) {
    await new Promise((r) => setTimeout(r, 250 * attempt));
    after = await deps.sites.getSite(ref);
  }
  if (after && !landed(after, patch)) deps.log('warn', `PATCH of ${ref.id} accepted but not visible yet; not writing again`, { resourceId: ref.id });
  return after;
}

const READ_BACK_ATTEMPTS = 3;

async function recordFailedWrite(
  deps: EnforcerDeps,
  ref: SiteRef,
  before: SiteSnapshot,
  verdict: Verdict,
  cause: Cause,
  err: unknown,
  previous: Finding | undefined,
): Promise<RemediationResult> {
  const now = deps.clock().toISOString();
  if (err instanceof UnsupportedPlanError) {
    const blocked: Verdict = {
      status: 'unsupported-plan',
      reasons: [{ code: 'unsupported-plan', message: `${err.message}. Move the app to Basic or higher.` }, ...verdict.reasons],
      advice: verdict.advice,
    };
    await record(deps, { ref, snapshot: before, verdict: blocked, cause, previous, now });
    return { kind: 'unsupported-plan' };
  }
  if (err instanceof PermissionError || err instanceof ArmRefusedError) {
    // A missing RBAC action, or Azure refusing the write for a reason of its own (a Policy deny, a
    // lock): the app stays noncompliant and says why; the same write would meet the same answer.
    const reason = err instanceof PermissionError ? `the enforcer's identity lacks ${err.action}` : err.message;
    const denied: Verdict = {
      status: 'noncompliant',
      reasons: [...verdict.reasons, { code: 'remediation-denied', message: `Remediation denied: ${reason}.` }],
      advice: verdict.advice,
    };
    await record(deps, { ref, snapshot: before, verdict: denied, cause, previous, now, extra: { action: 'remediation-denied', detail: err.message, force: true } });
    deps.log('warn', err instanceof PermissionError ? `remediation of ${ref.id} denied: grant ${err.action}` : `remediation of ${ref.id} denied: ${reason}`, { resourceId: ref.id });
    return { kind: 'denied', reason };
  }
  throw err;
}
