import type { SiteRef } from '../policy/resourceId.js';
import { assessAndAct } from './assess.js';
import type { EnforcerDeps } from './deps.js';
import { subscriptionContext } from './subscriptionContext.js';

const CONCURRENCY = 8;

/** Re-read and re-assess resources after a register change, a few at a time (ARM read budget). */
export async function reevaluate(deps: EnforcerDeps, refs: readonly SiteRef[], causeId: string): Promise<void> {
  const at = deps.clock().toISOString();
  let next = 0;
  const worker = async () => {
    while (next < refs.length) {
      const ref = refs[next++] as SiteRef;
      const context = await subscriptionContext(deps, ref.subscriptionId);
      if (context.mode === 'off') continue;
      const snapshot = await deps.sites.getSite(ref);
      await assessAndAct(deps, ref, snapshot, { id: causeId, at, source: 'cli' }, context);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, refs.length) }, worker));
}
