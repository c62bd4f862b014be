import type { EnforcerDeps } from './deps.js';
import type { GroupLister } from './rescanMembers.js';

/** The ARM reader as a resource-group lister (the runtime's ARM adapter is both), for the HTTP API and timer. */
export function groupListerOf(deps: Pick<EnforcerDeps, 'sites'>): GroupLister {
  const sites = deps.sites as Partial<GroupLister>;
  if (typeof sites.listGroupWithSlots !== 'function') throw new Error('the ARM reader of these deps cannot list a resource group');
  return { listGroupWithSlots: sites.listGroupWithSlots.bind(deps.sites) };
}
