/** What a plan orders by: an app planned into a wave, or a stored plan member (excluded ones have no tier). */
export interface Placed {
  tier?: number;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const lower = (s: string) => s.toLowerCase();

/** Tier first (untiered last), then subscription, resource group and name: the plan's own order. */
export function planOrder(a: Placed, b: Placed): number {
  return (a.tier ?? 9) - (b.tier ?? 9)
    || lower(a.subscriptionId).localeCompare(lower(b.subscriptionId))
    || lower(a.resourceGroup).localeCompare(lower(b.resourceGroup))
    || lower(a.name).localeCompare(lower(b.name));
}
