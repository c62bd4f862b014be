import { armError, notFound, type ArmResponse } from './armErrors.js';
import { deleteResource, existing, writeResource, type Target, type WriteResult } from './armWrites.js';
import type { Fleet } from './fleet.js';
import { toArmJson } from './model.js';

export type RouteKind = 'subscriptions' | 'sites' | 'site' | 'slots' | 'slot';

export interface Route {
  kind: RouteKind;
  target: Partial<Target>;
}

const SEG = '([^/]+)';
const PATTERNS: Array<[RouteKind, RegExp]> = [
  ['subscriptions', /^\/subscriptions\/?$/i],
  ['sites', new RegExp(`^/subscriptions/${SEG}(?:/resourcegroups/${SEG})?/providers/microsoft\\.web/sites/?$`, 'i')],
  ['site', new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.web/sites/${SEG}/?$`, 'i')],
  ['slots', new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.web/sites/${SEG}/slots/?$`, 'i')],
  ['slot', new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.web/sites/${SEG}/slots/${SEG}/?$`, 'i')],
];

/** Which ARM operation a path names; segments are URL-decoded, casing kept. */
export function matchRoute(pathname: string): Route | undefined {
  for (const [kind, pattern] of PATTERNS) {
    const m = pattern.exec(pathname);
    if (!m) continue;
    const [, subscriptionId, resourceGroup, site, slot] = m.map((s) => (s === undefined ? undefined : decodeURIComponent(s)));
    const target: Partial<Target> = {};
    if (subscriptionId) target.subscriptionId = subscriptionId;
    if (resourceGroup) target.resourceGroup = resourceGroup;
    if (site) target.site = site;
    if (slot) target.slot = slot;
    return { kind, target };
  }
  return undefined;
}

/** Reads: lists with `nextLink` paging (absolute URL, `$skiptoken` offset), gets with 404s. */
export function readRoute(fleet: Fleet, route: Route, url: URL, pageSize: number): ArmResponse {
  const t = route.target;
  if (route.kind === 'subscriptions') {
    return {
      status: 200,
      body: { value: fleet.subscriptions().map((s) => ({ id: `/subscriptions/${s.subscriptionId}`, subscriptionId: s.subscriptionId, displayName: s.displayName, state: 'Enabled', tenantId: s.tenantId })) },
    };
  }
  if (t.subscriptionId && !fleet.hasSubscription(t.subscriptionId)) return armError(404, 'SubscriptionNotFound', `The subscription '${t.subscriptionId}' could not be found.`);
  const offset = Math.max(0, Number(url.searchParams.get('$skiptoken') ?? 0) || 0);
  if (route.kind === 'sites') {
    const page = fleet.pageSites(t.subscriptionId as string, t.resourceGroup, offset, pageSize);
    const includeSlots = t.resourceGroup && /^true$/i.test(url.searchParams.get('includeSlots') ?? '');
    const items = includeSlots ? page.items.flatMap((s) => [s, ...fleet.slotsOf(s.subscriptionId, s.site)]) : page.items;
    return listPage(items.map(toArmJson), page.more, url, offset + pageSize);
  }
  if (route.kind === 'slots') {
    if (!fleet.getSite(t.subscriptionId as string, t.resourceGroup as string, t.site as string)) return notFound(t.site as string);
    const all = fleet.slotsOf(t.subscriptionId as string, t.site as string);
    return listPage(all.slice(offset, offset + pageSize).map(toArmJson), offset + pageSize < all.length, url, offset + pageSize);
  }
  const found = existing(fleet, t as Target);
  return found ? { status: 200, body: toArmJson(found) } : notFound(t.slot ? `${t.site}/${t.slot}` : (t.site as string));
}

function listPage(value: unknown[], more: boolean, url: URL, nextOffset: number): ArmResponse {
  const body: Record<string, unknown> = { value };
  if (more) {
    const next = new URL(url.toString());
    next.searchParams.set('$skiptoken', String(nextOffset));
    body.nextLink = next.toString();
  }
  return { status: 200, body };
}

/** Writes on a site or slot: PUT, PATCH, DELETE. */
export function writeRoute(fleet: Fleet, route: Route, method: string, body: Record<string, unknown>): WriteResult {
  const t = route.target as Target;
  if (method === 'DELETE') return deleteResource(fleet, t);
  return writeResource(fleet, t, body, method === 'PATCH');
}
