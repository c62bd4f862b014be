import type { Fleet } from './fleet.js';
import { armError, notFound, type ArmResponse } from './armErrors.js';
import { siteId, toArmJson, type ResourceRecord } from './model.js';

export interface Target {
  subscriptionId: string;
  resourceGroup: string;
  site: string;
  slot?: string;
}

export interface WriteResult {
  response: ArmResponse;
  /** The resource as changed, when the write succeeded (an event follows). */
  changed?: { kind: 'write' | 'delete'; resource: ResourceRecord; created: boolean };
}

const READ_ONLY = new Set(['sku', 'state', 'hostNames', 'usageState', 'repositorySiteName', 'defaultHostName']);

export function existing(fleet: Fleet, t: Target): ResourceRecord | undefined {
  return t.slot ? fleet.getSlot(t.subscriptionId, t.resourceGroup, t.site, t.slot) : fleet.getSite(t.subscriptionId, t.resourceGroup, t.site);
}

/** PUT (create or replace) and PATCH (merge) of a site or slot, with Azure's Free/Shared refusal. */
export function writeResource(fleet: Fleet, t: Target, body: Record<string, unknown>, merge: boolean): WriteResult {
  const current = existing(fleet, t);
  if (merge && !current) return { response: notFound(t.slot ? `${t.site}/${t.slot}` : t.site) };
  if (t.slot && !fleet.getSite(t.subscriptionId, t.resourceGroup, t.site)) return { response: notFound(t.site) };
  const next = nextRecord(fleet, t, current, body, merge);
  const sku = String(next.properties.sku ?? '').toLowerCase();
  if (next.properties.clientCertEnabled === true && (sku === 'free' || sku === 'shared')) {
    const name = t.slot ? `${t.site}(${t.slot})` : t.site;
    return { response: armError(400, 'BadRequest', `Cannot enable client certificate for a site '${name}' because current site mode does not allow it.`) };
  }
  if (t.slot) fleet.putSlot(next);
  else fleet.putSite(next);
  return { response: { status: 200, body: toArmJson(next) }, changed: { kind: 'write', resource: next, created: !current } };
}

function nextRecord(fleet: Fleet, t: Target, current: ResourceRecord | undefined, body: Record<string, unknown>, merge: boolean): ResourceRecord {
  const given = isObject(body.properties) ? body.properties : {};
  const writable = Object.fromEntries(Object.entries(given).filter(([k]) => !READ_ONLY.has(k)));
  const parent = t.slot ? fleet.getSite(t.subscriptionId, t.resourceGroup, t.site) : undefined;
  const base = merge && current ? current.properties : defaults(current, parent, given);
  const record: ResourceRecord = {
    id: current?.id ?? siteId(t.subscriptionId, t.resourceGroup, t.site, t.slot),
    subscriptionId: current?.subscriptionId ?? t.subscriptionId,
    resourceGroup: current?.resourceGroup ?? t.resourceGroup,
    site: current?.site ?? t.site,
    kind: typeof body.kind === 'string' ? body.kind : current?.kind ?? parent?.kind ?? 'app',
    location: typeof body.location === 'string' ? body.location : current?.location ?? parent?.location ?? 'West Europe',
    tags: isObject(body.tags) ? (body.tags as Record<string, string>) : merge ? { ...(current?.tags ?? {}) } : {},
    properties: { ...base, ...writable },
  };
  const slot = current?.slot ?? t.slot;
  if (slot) record.slot = slot;
  return record;
}

/** A PUT keeps what Azure derives (sku from the plan, host names) and resets the rest. */
function defaults(current: ResourceRecord | undefined, parent: ResourceRecord | undefined, given: Record<string, unknown>): Record<string, unknown> {
  return {
    state: 'Running',
    enabled: true,
    sku: current?.properties.sku ?? parent?.properties.sku ?? given.sku ?? 'Standard',
    hostNames: current?.properties.hostNames ?? [],
    clientCertEnabled: false,
    clientCertMode: 'Required',
  };
}

export function deleteResource(fleet: Fleet, t: Target): WriteResult {
  const current = existing(fleet, t);
  if (!current) return { response: { status: 204 } };
  if (t.slot) fleet.deleteSlot(t.subscriptionId, t.resourceGroup, t.site, t.slot);
  else fleet.deleteSite(t.subscriptionId, t.resourceGroup, t.site);
  return { response: { status: 200 }, changed: { kind: 'delete', resource: current, created: false } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
