import type { SiteRef } from '../policy/index.js';
import type { Status } from '../policy/index.js';
import type { EnforcerDeps } from './deps.js';
import { judge, type Cause } from './recordEvaluation.js';
import { remediate } from './remediate.js';
import type { MemberState } from '../model/index.js';
import type { SubscriptionContext } from './subscriptionContext.js';

export interface Outcome {
  state: MemberState;
  detail?: string;
}

/** What a member's state is when ARM shows this status now (nothing to write). */
function resolved(status: Status): Outcome {
  switch (status) {
    case 'compliant': return { state: 'done-by-owner' };
    case 'exempt': return { state: 'skipped-exempt' };
    case 'deleted': return { state: 'deleted' };
    case 'unsupported-plan': return { state: 'unsupported-plan', detail: 'needs Basic or higher' };
    case 'not-applicable': return { state: 'not-applicable' };
    default: return { state: 'failed', detail: `could not be judged (${status})` };
  }
}

/** Work one member through the drift path; a failure is the member's outcome, never the wave's end. */
export async function memberOutcome(deps: EnforcerDeps, ref: SiteRef, context: SubscriptionContext, cause: Cause): Promise<Outcome> {
  try {
    const result = await remediate(deps, ref, context.policy, cause);
    switch (result.kind) {
      case 'remediated': return { state: 'remediated' };
      case 'already-resolved': return resolved(result.status);
      case 'unsupported-plan': return { state: 'unsupported-plan', detail: 'needs Basic or higher (ARM refused the write)' };
      case 'denied': return { state: 'remediation-denied', detail: result.reason };
      case 'nothing-to-write': return { state: 'failed', detail: 'only exclusion paths fail and MTLS_CLEAR_EXCLUSION_PATHS is off: nothing the enforcer may write' };
    }
  } catch (err) {
    return { state: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
}

/** The same decision from a read alone (dry run): what applying would do now. */
export async function predictOutcome(deps: EnforcerDeps, ref: SiteRef, context: SubscriptionContext): Promise<Outcome> {
  try {
    const now = deps.clock();
    const verdict = await judge(deps, context.policy, ref, await deps.sites.getSite(ref), now);
    return verdict.status === 'noncompliant' ? { state: 'remediated', detail: 'would be remediated (dry run)' } : resolved(verdict.status);
  } catch (err) {
    return { state: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
}
