import type { SiteRef } from '../policy/resourceId.js';
import type { Exemption } from '../policy/types.js';
import type { EnforcerDeps } from './deps.js';
import type { SubscriptionSettings } from './ports.js';

/**
 * What every resource of one delivery reads alike, read once for the delivery: each
 * subscription's settings row, and the register's exemptions for all of its resources together.
 * Nothing outlives the delivery (the next one reads afresh, so a settings or register change
 * applies from the next delivery on), and a failed read is not kept: the next asker reads again.
 */
export function readsOnceForDelivery(deps: EnforcerDeps, refs: readonly SiteRef[]): EnforcerDeps {
  const settings = new Map<string, Promise<SubscriptionSettings | undefined>>();
  let register: Promise<Map<string, Exemption[]>> | undefined;
  const forResources = deps.exemptions.forResources?.bind(deps.exemptions);
  return {
    ...deps,
    settings: {
      ...deps.settings,
      get(subscriptionId) {
        let pending = settings.get(subscriptionId);
        if (!pending) {
          pending = deps.settings.get(subscriptionId);
          settings.set(subscriptionId, pending);
          pending.catch(() => settings.delete(subscriptionId));
        }
        return pending;
      },
    },
    exemptions: {
      ...deps.exemptions,
      async forResource(ref) {
        if (!forResources || !refs.some((r) => r.key === ref.key)) return deps.exemptions.forResource(ref);
        if (!register) {
          const pending = forResources(refs);
          register = pending;
          pending.catch(() => (register = register === pending ? undefined : register));
        }
        return (await register).get(ref.key) ?? deps.exemptions.forResource(ref);
      },
    },
  };
}
