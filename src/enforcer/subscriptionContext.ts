import { policyForSubscription, type Baseline } from '../policy/index.js';
import type { Policy } from '../policy/index.js';
import type { EnforcerDeps } from './deps.js';
import type { Mode } from '../model/index.js';

export interface SubscriptionContext {
  mode: Mode;
  policy: Policy;
  /** Whether a settings row decided them (false: the deployment defaults). */
  fromSettings: boolean;
  /** The enforce baseline, while the subscription's row (in enforce) has one (drift vs baseline debt). */
  baseline?: Baseline;
  /** The settings row's version as read (its `updatedAt`): a baseline is set only on that row. */
  settingsUpdatedAt?: string;
}

/** The mode and policy one subscription is under: its settings row, else the deployment defaults. */
export async function subscriptionContext(deps: EnforcerDeps, subscriptionId: string): Promise<SubscriptionContext> {
  const settings = await deps.settings.get(subscriptionId);
  const context: SubscriptionContext = {
    mode: settings?.mode ?? deps.remediation.defaultMode,
    policy: policyForSubscription(deps.policy, settings?.allowedModes ? { allowedModes: settings.allowedModes } : undefined),
    fromSettings: settings !== undefined,
  };
  if (settings) context.settingsUpdatedAt = settings.updatedAt;
  // Only a row in enforce is stored with a baseline; a dry run that previews it as audit keeps it,
  // so its would-remediate is exactly what enforce would revert.
  if (context.mode !== 'off' && settings?.baselineAt) {
    context.baseline = settings.baselineRunId ? { at: settings.baselineAt, runId: settings.baselineRunId } : { at: settings.baselineAt };
  }
  return context;
}
