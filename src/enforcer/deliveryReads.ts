import type { SiteRef } from '../policy/index.js';
import type { EnforcerDeps } from './deps.js';

/**
 * What every resource of one delivery reads alike, read once for the delivery: each
 * subscription's settings row, and the register's exemptions for all of its resources together
 * (a resource outside the delivery is read once on its own). The evaluation, the re-read before a
 * revert and its read-back so all judge against the register as the delivery found it. Nothing
 * outlives the delivery (the next one reads afresh, so a settings or register change applies from
 * the next delivery on), and a failed read is not kept: the next asker reads again.
 */
export function readsOnceForDelivery(deps: EnforcerDeps, refs: readonly SiteRef[]): EnforcerDeps {
  const inDelivery = new Set(refs.map((r) => r.key));
  const settings = onceEach((subscriptionId: string) => deps.settings.get(subscriptionId));
  const register = onceEach(() => (deps.exemptions.forResources ? deps.exemptions.forResources(refs) : Promise.resolve(new Map())));
  const alone = onceEach((_key: string, ref: SiteRef) => deps.exemptions.forResource(ref));
  return {
    ...deps,
    settings: { ...deps.settings, get: (subscriptionId) => settings(subscriptionId) },
    exemptions: {
      ...deps.exemptions,
      async forResource(ref) {
        const together = inDelivery.has(ref.key) ? (await register('')).get(ref.key) : undefined;
        return together ?? alone(ref.key, ref);
      },
    },
  };
}

/** `read`, once per key while it succeeds; a failed read is forgotten so the next call tries again. */
function onceEach<A extends unknown[], T>(read: (key: string, ...rest: A) => Promise<T>): (key: string, ...rest: A) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key, ...rest) => {
    let p = pending.get(key);
    if (!p) {
      p = read(key, ...rest);
      pending.set(key, p);
      p.catch(() => pending.delete(key));
    }
    return p;
  };
}
