import type { Policy } from './types.js';

export interface SubscriptionOverrides {
  allowedModes?: string[];
}

/**
 * The policy one subscription is held to: the base, with the modes that subscription chose to
 * allow. An empty list is no override, since allowing no mode at all would fail every app.
 */
export function policyForSubscription(base: Policy, overrides?: SubscriptionOverrides): Policy {
  const modes = overrides?.allowedModes?.map((m) => m.trim()).filter((m) => m !== '');
  if (!modes || modes.length === 0) return base;
  return { ...base, allowedModes: modes };
}
