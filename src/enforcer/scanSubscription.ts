import { parseSiteId, type SiteRef } from '../policy/resourceId.js';
import type { SiteSnapshot, Status } from '../policy/types.js';
import { assessAndAct } from './assess.js';
import type { EnforcerDeps } from './deps.js';
import { subscriptionContext } from './subscriptionContext.js';

/** Lists a subscription's sites (the list payload carries the client-cert fields) and each site's slots. */
export interface SiteLister {
  listSites(subscriptionId: string): AsyncIterable<SiteSnapshot>;
  listSlots(site: SiteRef): AsyncIterable<SiteSnapshot>;
}

export interface ScanResult {
  subscriptionId: string;
  mode: string;
  counts: Partial<Record<Status, number>>;
  evaluated: number;
}

/**
 * Evaluate every site and slot of one subscription from list payloads (no per-site GET), and act
 * by its mode through the same assessment as the event path. The nightly sweep builds on this.
 */
export async function scanSubscription(deps: EnforcerDeps, lister: SiteLister, subscriptionId: string, runId: string): Promise<ScanResult> {
  const context = await subscriptionContext(deps, subscriptionId);
  const result: ScanResult = { subscriptionId, mode: context.mode, counts: {}, evaluated: 0 };
  if (context.mode === 'off') return result;
  const at = deps.clock().toISOString();
  const assess = async (snapshot: SiteSnapshot) => {
    const ref = parseSiteId(snapshot.id);
    if (!ref) return;
    let status: Status;
    try {
      ({ status } = await assessAndAct(deps, ref, snapshot, { id: runId, at, source: 'sweep' }, context));
    } catch (err) {
      // One resource failing must not stop the scan of the others; it is counted and logged.
      status = 'error';
      deps.log('warn', `could not assess ${ref.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
    result.counts[status] = (result.counts[status] ?? 0) + 1;
    result.evaluated++;
  };
  for await (const site of lister.listSites(subscriptionId)) {
    await assess(site);
    const ref = parseSiteId(site.id);
    if (ref) for await (const slot of lister.listSlots(ref)) await assess(slot);
  }
  return result;
}
