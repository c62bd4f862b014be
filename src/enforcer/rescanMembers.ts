import { parseSiteId } from '../policy/index.js';
import type { SiteSnapshot } from '../policy/index.js';
import { forEachLimited } from '../shared/index.js';
import type { EnforcerDeps } from './deps.js';
import { recordEvaluation, type Cause } from './recordEvaluation.js';
import type { RolloutMemberRecord } from '../model/index.js';
import type { SubscriptionContext } from './subscriptionContext.js';

/** Lists a resource group's sites with their slots in one paged listing (the sweep's lister has it). */
export interface GroupLister {
  listGroupWithSlots(subscriptionId: string, resourceGroup: string): AsyncIterable<SiteSnapshot>;
}

/**
 * Re-scan a wave's members from one listing per resource group (no per-site GET), record each
 * (history when it changed), and mark the compliant ones guarded; a member the listing no longer
 * holds is recorded deleted. Updates `members` in place.
 */
export async function rescanMembers(
  deps: EnforcerDeps,
  lister: GroupLister,
  members: RolloutMemberRecord[],
  contextOf: (subscriptionId: string) => Promise<SubscriptionContext>,
  cause: Cause,
): Promise<void> {
  const groups = new Map<string, RolloutMemberRecord[]>();
  for (const m of members) {
    const group = `${m.subscriptionId.toLowerCase()}|${m.resourceGroup.toLowerCase()}`;
    const list = groups.get(group);
    if (list) list.push(m);
    else groups.set(group, [m]);
  }
  await forEachLimited([...groups.values()], 4, async (group) => {
    const first = group[0] as RolloutMemberRecord;
    const listedAt = deps.clock().toISOString();
    const wanted = new Set(group.map((m) => m.key));
    const seen = new Map<string, SiteSnapshot>();
    for await (const site of lister.listGroupWithSlots(first.subscriptionId, first.resourceGroup)) {
      if (wanted.has(site.id.toLowerCase())) seen.set(site.id.toLowerCase(), site);
    }
    const context = await contextOf(first.subscriptionId);
    for (const m of group) {
      const ref = parseSiteId(m.resourceId);
      if (!ref) continue;
      const { finding } = await recordEvaluation({ ...deps, policy: context.policy }, ref, seen.get(m.key), { ...cause, observedAt: listedAt });
      m.status = finding.status;
      m.guarded = finding.status === 'compliant';
    }
  });
}
