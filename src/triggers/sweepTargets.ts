import { isActiveSubscription, type ReadableSubscription, type SubscriptionLister } from '../azure/index.js';
import type { EnforcerDeps } from '../enforcer/index.js';
import type { Mode } from '../model/index.js';

export interface SweepTargets {
  /** The subscriptions to sweep, lowercased, in the order found. */
  targets: string[];
  /** Found but left out: their mode is `off`. */
  off: string[];
  /** Where the list came from. */
  source: 'configured' | 'discovered';
  /** Display names by lowercased id, for those the listing named (reports show them beside the id). */
  names: Record<string, string>;
}

/**
 * The subscriptions a sweep covers: the configured list, else every active subscription the
 * identity can read (`Microsoft.Resources/subscriptions/read`); those whose mode is `off` (their
 * settings row, else the deployment's default mode) are left out. A configured list still costs
 * one subscription listing (not one call per subscription), only for the display names: if that
 * listing fails the sweep goes on and shows those subscriptions by id alone.
 */
export async function sweepTargets(deps: EnforcerDeps, configured: readonly string[], discovery: SubscriptionLister): Promise<SweepTargets> {
  const modes = new Map<string, Mode>();
  for await (const s of deps.settings.list()) modes.set(s.subscriptionId.toLowerCase(), s.mode);
  const found: string[] = [];
  const names: Record<string, string> = {};
  if (configured.length > 0) {
    found.push(...configured.map((s) => s.toLowerCase()));
    await nameConfigured(deps, new Set(found), discovery, names);
  } else {
    for await (const s of discovery.listSubscriptions()) {
      if (!isActiveSubscription(s)) continue;
      found.push(s.subscriptionId.toLowerCase());
      addName(names, s);
    }
  }
  const unique = [...new Set(found)];
  const isOff = (id: string) => (modes.get(id) ?? deps.remediation.defaultMode) === 'off';
  return { targets: unique.filter((id) => !isOff(id)), off: unique.filter(isOff), source: configured.length > 0 ? 'configured' : 'discovered', names };
}

/** Names for a configured list from one listing, stopped as soon as every one is named. */
async function nameConfigured(deps: EnforcerDeps, wanted: Set<string>, discovery: SubscriptionLister, names: Record<string, string>): Promise<void> {
  let left = wanted.size;
  try {
    for await (const s of discovery.listSubscriptions()) {
      if (!wanted.has(s.subscriptionId.toLowerCase())) continue;
      addName(names, s);
      if (--left === 0) break;
    }
  } catch (err) {
    deps.log('warn', `subscription names unavailable, showing ids alone: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A name that only repeats the id (what a subscription without one lists) tells nobody anything. */
function addName(names: Record<string, string>, s: ReadableSubscription): void {
  const name = s.displayName?.trim();
  if (name && name.toLowerCase() !== s.subscriptionId.toLowerCase()) names[s.subscriptionId.toLowerCase()] = name;
}
