import { normaliseId, parseSiteId, type SiteRef } from '../policy/index.js';
import type { SiteOperation } from './siteOperation.js';

/**
 * The site or slot an operation acts on, from its resourceUri, or why the uri does not fit the
 * operation (a slot write must name a slot, a config write a config resource under it, ...).
 */
export function siteTarget(resourceUri: string, operationName: string, operation: SiteOperation): SiteRef | string {
  const ref = parseSiteId(resourceUri);
  if (!ref) return `resourceUri "${resourceUri}" is not a site or slot, yet the operation is ${operationName}`;
  if (operation.slot !== (ref.slot !== undefined)) {
    return `resourceUri "${resourceUri}" names a ${ref.slot ? 'slot' : 'site'}, yet the operation ${operationName} is on a ${operation.slot ? 'slot' : 'site'}`;
  }
  const below = normaliseId(resourceUri).slice(ref.key.length);
  const fits = operation.config ? /^\/config\/[^/]+$/.test(below) : below === '';
  if (!fits) {
    const expected = operation.config ? 'a config resource of' : 'exactly';
    return `resourceUri "${resourceUri}" is not ${expected} the ${ref.slot ? 'slot' : 'site'} the operation ${operationName} acts on`;
  }
  return ref;
}
