import { resourceNotFound, type ArmResponse } from './armErrors.js';
import { scopeError, type Route } from './armRoutes.js';
import type { Fleet, Target } from './fleet.js';
import { toArmJson, type ResourceRecord } from './resource.js';

/** GETs: subscription list, site and slot lists with `nextLink` paging, single sites and slots. */
export function readRoute(fleet: Fleet, route: Route, url: URL, pageSize: number): ArmResponse {
  if (route.kind === 'subscriptions') return listSubscriptions(fleet);
  const scope = scopeError(fleet, route.target);
  if (scope) return scope;
  const offset = Math.max(0, Math.floor(Number(url.searchParams.get('$skiptoken') ?? 0)) || 0);
  const t = route.target as Target;
  if (route.kind === 'sites') return listSites(fleet, t, url, offset, pageSize);
  if (route.kind === 'slots') return listSlots(fleet, t, url, offset, pageSize);
  const found = fleet.get(t);
  return found ? { status: 200, body: toArmJson(found) } : notFound(t);
}

function listSubscriptions(fleet: Fleet): ArmResponse {
  const value = fleet.subscriptions().map((s) => ({
    id: `/subscriptions/${s.subscriptionId}`,
    subscriptionId: s.subscriptionId,
    displayName: s.displayName,
    state: 'Enabled',
    tenantId: s.tenantId,
  }));
  return { status: 200, body: { value } };
}

/** `includeSlots=true` is honoured on the resource-group list only, as in Azure. */
function listSites(fleet: Fleet, t: Partial<Target> & { subscriptionId: string }, url: URL, offset: number, pageSize: number): ArmResponse {
  const page = fleet.pageSites(t.subscriptionId, t.resourceGroup, offset, pageSize);
  const includeSlots = t.resourceGroup !== undefined && /^true$/i.test(url.searchParams.get('includeSlots') ?? '');
  const items: ResourceRecord[] = includeSlots ? page.items.flatMap((s) => [s, ...fleet.slotsOf(s)]) : page.items;
  return listPage(items, page.more, url, offset + pageSize);
}

function listSlots(fleet: Fleet, t: Target, url: URL, offset: number, pageSize: number): ArmResponse {
  if (!fleet.get(t)) return notFound(t);
  const all = fleet.slotsOf(t);
  return listPage(all.slice(offset, offset + pageSize), offset + pageSize < all.length, url, offset + pageSize);
}

/** A page; `nextLink` is absolute on this server (the SDK follows it as given). */
function listPage(items: ResourceRecord[], more: boolean, url: URL, nextOffset: number): ArmResponse {
  const body: Record<string, unknown> = { value: items.map(toArmJson) };
  if (more) {
    const next = new URL(url.toString());
    next.searchParams.set('$skiptoken', String(nextOffset));
    body.nextLink = next.toString();
  }
  return { status: 200, body };
}

export function notFound(t: Target): ArmResponse {
  return t.slot
    ? resourceNotFound('Microsoft.Web/sites/slots', t.resourceGroup, `${t.site}/${t.slot}`)
    : resourceNotFound('Microsoft.Web/sites', t.resourceGroup, t.site);
}
