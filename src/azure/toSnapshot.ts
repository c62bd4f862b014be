import type { Site } from '@azure/arm-appservice';
import type { SiteSnapshot } from '../policy/index.js';
import { copyDefined } from '../shared/index.js';

/** The fields the control reads, from an SDK `Site` (get or list payload: both carry them). */
export function toSnapshot(site: Site): SiteSnapshot {
  const id = site.id ?? '';
  const isSlot = /\/slots\/[^/]+$/i.test(id) || (site.type ?? '').toLowerCase() === 'microsoft.web/sites/slots';
  const snapshot: SiteSnapshot = { id, name: site.name ?? '', isSlot };
  copyDefined(snapshot, site, ['kind', 'location', 'clientCertEnabled', 'clientCertMode', 'clientCertExclusionPaths', 'sku', 'tags']);
  if (site.publicNetworkAccess !== undefined && site.publicNetworkAccess !== null) snapshot.publicNetworkAccess = site.publicNetworkAccess;
  return snapshot;
}
