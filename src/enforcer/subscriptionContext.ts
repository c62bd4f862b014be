import { policyForSubscription } from '../policy/index.js';
import type { Policy } from '../policy/types.js';
import type { EnforcerDeps } from './deps.js';
import type { Mode } from './ports.js';

export interface SubscriptionContext {
  mode: Mode;
  policy: Policy;
  /** Whether a settings row decided them (false: the deployment defaults). */
  fromSettings: boolean;
}

/** The mode and policy one subscription is under: its settings row, else the deployment defaults. */
export async function subscriptionContext(deps: EnforcerDeps, subscriptionId: string): Promise<SubscriptionContext> {
  const settings = await deps.settings.get(subscriptionId);
  return {
    mode: settings?.mode ?? deps.remediation.defaultMode,
    policy: policyForSubscription(deps.policy, settings?.allowedModes ? { allowedModes: settings.allowedModes } : undefined),
    fromSettings: settings !== undefined,
  };
}
