import { InvalidInputError } from '../errors.js';
import { normaliseId, parseSiteId } from '../policy/index.js';
import type { Exemption } from '../policy/index.js';
import type { ExemptionRecord } from '../model/index.js';

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
