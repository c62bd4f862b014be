import { InvalidInputError } from '../errors.js';
import { normaliseId, parseSiteId } from '../policy/index.js';
import { isGuid } from './guid.js';

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)$/;
const RESOURCE_GROUP = /^\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+$/;

/**
 * The lowercased scope of a register exemption: a subscription, a resource group, or a site or
 * slot id exactly (not something under one, such as `.../config/web`, which no lookup would find).
 */
export function registerScope(input: string): string {
  const scope = typeof input === 'string' ? normaliseId(input) : '';
  const subscription = (SUBSCRIPTION.exec(scope) ?? RESOURCE_GROUP.exec(scope))?.[1];
  if (subscription !== undefined && isGuid(subscription)) return scope;
  const site = parseSiteId(scope);
  if (site && site.key === scope && isGuid(site.subscriptionId)) return scope;
  throw new InvalidInputError(
    `exemption scope must be /subscriptions/{guid}, /subscriptions/{guid}/resourceGroups/{rg}, or a Microsoft.Web/sites (or slots) id; got ${JSON.stringify(input)}`,
  );
}
