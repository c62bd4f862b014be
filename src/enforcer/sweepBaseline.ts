import type { EnforcerDeps } from './deps.js';
import type { SubscriptionContext } from './subscriptionContext.js';

/**
 * A subscription's first complete sweep after it was set to `enforce` is its baseline: what was
 * non-compliant until then is baseline debt (recorded by this very sweep), what appears later is
 * drift. Set once per stretch of enforce, on the settings row this sweep read (a mode change
 * meanwhile wins, and a later sweep sets it). A subscription in enforce by the deployment default,
 * with no settings row, has no baseline: its unknown apps stay debt (the safe side).
 */
export async function recordSweepBaseline(deps: EnforcerDeps, context: SubscriptionContext, subscriptionId: string, runId: string): Promise<boolean> {
  if (context.mode !== 'enforce' || context.baseline || !context.settingsUpdatedAt) return false;
  const at = deps.clock().toISOString();
  const set = await deps.settings.recordBaseline(subscriptionId, { at, runId }, { updatedAt: context.settingsUpdatedAt });
  if (set) deps.log('info', `subscription ${subscriptionId}: enforce baseline set by sweep ${runId}; apps non-compliant until now are baseline debt, left for rollout waves`);
  return set;
}
