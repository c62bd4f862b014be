import type { Policy, SiteSnapshot } from '../policy/index.js';
import type { ClientCertPatch } from '../model/index.js';

/**
 * The PATCH that fixes a site's client-cert drift: certificates on, its mode kept if the policy
 * allows it (else Required), exclusion paths cleared only when clearing is enabled. Enforce sends
 * it; audit records it as what enforce would send.
 */
export function patchFor(site: SiteSnapshot, policy: Policy, clearExclusionPaths: boolean): ClientCertPatch {
  const keep = site.clientCertMode && policy.allowedModes.includes(site.clientCertMode) ? site.clientCertMode : 'Required';
  const patch: ClientCertPatch = { clientCertEnabled: true, clientCertMode: keep };
  if (clearExclusionPaths && site.clientCertExclusionPaths?.trim()) patch.clientCertExclusionPaths = '';
  return patch;
}

/** Whether the site already shows everything the patch sets (then there is nothing to write). */
export function landed(site: SiteSnapshot, patch: ClientCertPatch): boolean {
  const pathsCleared = patch.clientCertExclusionPaths === undefined || !site.clientCertExclusionPaths?.trim();
  return site.clientCertEnabled === true && site.clientCertMode === patch.clientCertMode && pathsCleared;
}
