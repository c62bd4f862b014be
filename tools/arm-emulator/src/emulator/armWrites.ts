import { armError, clientCertNotAllowed, type ArmResponse } from './armErrors.js';
import { notFound } from './armReads.js';
import { scopeError } from './armRoutes.js';
import type { Fleet, Target } from './fleet.js';
import { isFreeTier, NO_TAGS, READ_ONLY_PROPERTIES, toArmJson, type ResourceRecord } from './resource.js';

/** A successful write or delete: what the event will be about. */
export interface Change {
  kind: 'write' | 'delete';
  resource: ResourceRecord;
  /** A PUT that created the resource: its event carries no `httpRequest`, as in Azure. */
  created: boolean;
}

export interface WriteResult {
  response: ArmResponse;
  changed?: Change;
}

const MODES = new Set(['required', 'optional', 'optionalinteractiveuser']);

/** PUT (create or replace), PATCH (merge `properties` and `tags`) or DELETE of one site or slot. */
export function writeRoute(fleet: Fleet, t: Target, method: string, body: Record<string, unknown>, now = new Date()): WriteResult {
  const scope = scopeError(fleet, t);
  if (scope) return { response: scope };
  if (method === 'DELETE') return deleteResource(fleet, t);
  const current = fleet.get(t);
  const parent = t.slot ? fleet.get({ ...t, slot: undefined }) : undefined;
  if (method === 'PATCH' && !current) return { response: notFound(t) };
  if (t.slot && !parent) return { response: notFound({ ...t, slot: undefined }) };
  const given = isObject(body.properties) ? body.properties : {};
  const invalid = invalidClientCertFields(given);
  if (invalid) return { response: invalid };
  const next = nextRecord(t, current, parent, body, method === 'PATCH');
  if (given.clientCertEnabled === true && isFreeTier(next)) {
    return { response: clientCertNotAllowed(t.slot ? `${next.site}(${next.slot})` : next.site) };
  }
  next.properties.lastModifiedTimeUtc = now.toISOString();
  fleet.put(next);
  return { response: { status: 200, body: toArmJson(next) }, changed: { kind: 'write', resource: next, created: !current } };
}

function nextRecord(t: Target, current: ResourceRecord | undefined, parent: ResourceRecord | undefined, body: Record<string, unknown>, merge: boolean): ResourceRecord {
  const given = isObject(body.properties) ? body.properties : {};
  const writable = Object.fromEntries(Object.entries(given).filter(([k]) => !READ_ONLY_PROPERTIES.has(k)));
  // The plan decides the tier: a PUT keeps it (a new resource takes its site's, or the one sent).
  const sku = current?.properties.sku ?? parent?.properties.sku ?? given.sku ?? 'Standard';
  const record: ResourceRecord = {
    subscriptionId: current?.subscriptionId ?? t.subscriptionId,
    resourceGroup: current?.resourceGroup ?? t.resourceGroup,
    site: current?.site ?? parent?.site ?? t.site,
    kind: typeof body.kind === 'string' ? body.kind : (current?.kind ?? parent?.kind ?? 'app'),
    location: typeof body.location === 'string' ? body.location : (current?.location ?? parent?.location ?? 'West Europe'),
    tags: isObject(body.tags) ? stringTags(body.tags) : merge && current ? current.tags : NO_TAGS,
    properties: merge && current ? { ...current.properties, ...writable } : { sku, ...writable },
  };
  const slot = current?.slot ?? t.slot;
  if (slot) record.slot = slot;
  return record;
}

/** ARM validates types and enum values before anything else. */
function invalidClientCertFields(given: Record<string, unknown>): ArmResponse | undefined {
  const bad = (field: string, value: unknown) =>
    armError(400, 'InvalidRequestContent', `The request content was invalid: '${field}' cannot be '${String(value)}'.`);
  if ('clientCertEnabled' in given && typeof given.clientCertEnabled !== 'boolean') return bad('clientCertEnabled', given.clientCertEnabled);
  const mode = given.clientCertMode;
  if (mode !== undefined && (typeof mode !== 'string' || !MODES.has(mode.toLowerCase()))) return bad('clientCertMode', mode);
  const paths = given.clientCertExclusionPaths;
  if (paths !== undefined && paths !== null && typeof paths !== 'string') return bad('clientCertExclusionPaths', paths);
  return undefined;
}

/** Azure answers 200 after deleting, 204 when there was nothing to delete (no event then). */
function deleteResource(fleet: Fleet, t: Target): WriteResult {
  const current = fleet.get(t);
  if (!current) return { response: { status: 204 } };
  fleet.delete(t);
  return { response: { status: 200 }, changed: { kind: 'delete', resource: current, created: false } };
}

function stringTags(tags: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
