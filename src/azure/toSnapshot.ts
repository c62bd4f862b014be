import type { Site } from '@azure/arm-appservice';
import type { SiteSnapshot } from '../policy/index.js';

/** The fields the control reads, from an SDK `Site` (get or list payload: both carry them). */
export function toSnapshot(site: Site): SiteSnapshot {
  const id = site.id ?? '';
  const isSlot = /\/slots\/[^/]+$/i.test(id) || (site.type ?? '').toLowerCase() === 'microsoft.web/sites/slots';
  const snapshot: SiteSnapshot = { id, name: site.name ?? '', isSlot };
  if (site.kind !== undefined) snapshot.kind = site.kind;
  if (site.location !== undefined) snapshot.location = site.location;
  if (site.clientCertEnabled !== undefined) snapshot.clientCertEnabled = site.clientCertEnabled;
  if (site.clientCertMode !== undefined) snapshot.clientCertMode = site.clientCertMode;
  if (site.clientCertExclusionPaths !== undefined) snapshot.clientCertExclusionPaths = site.clientCertExclusionPaths;
  if (site.sku !== undefined) snapshot.sku = site.sku;
  if (site.tags !== undefined) snapshot.tags = site.tags;
  if (site.publicNetworkAccess !== undefined && site.publicNetworkAccess !== null) snapshot.publicNetworkAccess = site.publicNetworkAccess;
  return snapshot;
}
