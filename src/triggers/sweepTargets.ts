import { isActiveSubscription, type SubscriptionLister } from '../azure/armSubscriptions.js';
import type { EnforcerDeps, Mode } from '../enforcer/index.js';

export interface SweepTargets {
  /** The subscriptions to sweep, lowercased, in the order found. */
  targets: string[];
  /** Found but left out: their mode is `off`. */
  off: string[];
  /** Where the list came from. */
  source: 'configured' | 'discovered';
}

/**
 * The subscriptions a sweep covers: the configured list, else every active subscription the
 * identity can read (`Microsoft.Resources/subscriptions/read`); those whose mode is `off` (their
 * settings row, else the deployment's default mode) are left out.
 */
export async function sweepTargets(deps: EnforcerDeps, configured: readonly string[], discovery: SubscriptionLister): Promise<SweepTargets> {
  const modes = new Map<string, Mode>();
  for await (const s of deps.settings.list()) modes.set(s.subscriptionId.toLowerCase(), s.mode);
  const found: string[] = [];
  if (configured.length > 0) found.push(...configured.map((s) => s.toLowerCase()));
  else for await (const s of discovery.listSubscriptions()) if (isActiveSubscription(s)) found.push(s.subscriptionId.toLowerCase());
  const unique = [...new Set(found)];
  const isOff = (id: string) => (modes.get(id) ?? deps.remediation.defaultMode) === 'off';
  return { targets: unique.filter((id) => !isOff(id)), off: unique.filter(isOff), source: configured.length > 0 ? 'configured' : 'discovered' };
}
