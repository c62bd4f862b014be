import { InvalidInputError } from '../errors.js';
import { normaliseId, parseSiteId } from '../policy/resourceId.js';
import type { Exemption } from '../policy/types.js';
import type { ExemptionRecord } from './ports.js';

const SUBSCRIPTION = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCE_GROUP = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourcegroups\/[^/]+$/i;

/** Check an exemption scope (subscription, resource group, site or slot id) and return it lowercased. */
export function parseExemptionScope(input: string): string {
  const scope = normaliseId(input ?? '');
  if (SUBSCRIPTION.test(scope) || RESOURCE_GROUP.test(scope)) return scope;
  const site = parseSiteId(scope);
  if (site && site.key === scope) return scope;
  throw new InvalidInputError(
    `scope must be /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{rg}, or a Microsoft.Web/sites (or slots) id; got ${JSON.stringify(input)}`,
  );
}

/** Whether a finding's key lies in a scope (the scope itself or anything under it). */
export function inScope(key: string, scope: string): boolean {
  return key === scope || key.startsWith(`${scope}/`);
}

/** The register's exemptions whose scope covers the resource `key` (itself, its site, group or subscription), as the policy judges them. */
export function registerExemptionsFor(key: string, records: Iterable<ExemptionRecord>): Exemption[] {
  const covering: Exemption[] = [];
  for (const r of records) {
    if (inScope(key, r.scope)) covering.push({ source: 'register', scope: r.scope, owner: r.owner, approver: r.approver, reason: r.reason, category: r.category, expiresAt: r.expiresAt });
  }
  return covering;
}
