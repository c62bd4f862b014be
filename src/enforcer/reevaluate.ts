import type { SiteRef } from '../policy/index.js';
import { forEachLimited } from '../shared/index.js';
import { assessAndAct } from './assess.js';
import type { EnforcerDeps } from './deps.js';
import { subscriptionContext } from './subscriptionContext.js';

const CONCURRENCY = 8;

/** Re-read and re-assess resources after a register change, a few at a time (ARM read budget). */
export async function reevaluate(deps: EnforcerDeps, refs: readonly SiteRef[], causeId: string): Promise<void> {
  const at = deps.clock().toISOString();
  await forEachLimited(refs, CONCURRENCY, async (ref) => {
    const context = await subscriptionContext(deps, ref.subscriptionId);
    if (context.mode === 'off') return;
    const snapshot = await deps.sites.getSite(ref);
    await assessAndAct(deps, ref, snapshot, { id: causeId, at, source: 'cli' }, context);
  });
}
