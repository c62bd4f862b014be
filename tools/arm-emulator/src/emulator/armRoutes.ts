import { resourceGroupNotFound, subscriptionNotFound, type ArmResponse } from './armErrors.js';
import type { Fleet, Target } from './fleet.js';

/** The ARM operations the emulator serves: collections (lists) and single resources. */
export type RouteKind = 'subscriptions' | 'sites' | 'site' | 'slots' | 'slot';

export interface Route {
  kind: RouteKind;
  target: Partial<Target>;
}

const SEG = '([^/]+)';
const SITES = `^/subscriptions/${SEG}(?:/resourcegroups/${SEG})?/providers/microsoft\\.web/sites`;
const PATTERNS: Array<[RouteKind, RegExp]> = [
  ['subscriptions', /^\/subscriptions\/?$/i],
  ['sites', new RegExp(`${SITES}/?$`, 'i')],
  ['site', new RegExp(`${SITES}/${SEG}/?$`, 'i')],
  ['slots', new RegExp(`${SITES}/${SEG}/slots/?$`, 'i')],
  ['slot', new RegExp(`${SITES}/${SEG}/slots/${SEG}/?$`, 'i')],
];

/** Which ARM operation a path names; segments are URL-decoded, casing kept. */
export function matchRoute(pathname: string): Route | undefined {
  for (const [kind, pattern] of PATTERNS) {
    const m = pattern.exec(pathname);
    if (!m) continue;
    const [subscriptionId, resourceGroup, site, slot] = m.slice(1).map((s) => (s === undefined ? undefined : safeDecode(s)));
    // A single site or its slots needs the resource group segment (ARM has no subscription-level site id).
    if (kind !== 'sites' && kind !== 'subscriptions' && !resourceGroup) return undefined;
    const target: Partial<Target> = {};
    if (subscriptionId) target.subscriptionId = subscriptionId;
    if (resourceGroup) target.resourceGroup = resourceGroup;
    if (site) target.site = site;
    if (slot) target.slot = slot;
    return { kind, target };
  }
  return undefined;
}

/** Is this an operation on one site or slot (as opposed to a list)? */
export const isResource = (route: Route): route is Route & { target: Target } => route.kind === 'site' || route.kind === 'slot';

/** ARM's first checks: the subscription, then the resource group, must exist. */
export function scopeError(fleet: Fleet, target: Partial<Target>): ArmResponse | undefined {
  if (!target.subscriptionId) return undefined;
  if (!fleet.subscription(target.subscriptionId)) return subscriptionNotFound(target.subscriptionId);
  if (target.resourceGroup && !fleet.hasResourceGroup(target.subscriptionId, target.resourceGroup)) return resourceGroupNotFound(target.resourceGroup);
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray % is kept as written; the lookup then simply finds nothing
  }
}
