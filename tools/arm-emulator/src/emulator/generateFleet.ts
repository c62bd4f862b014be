import type { Fleet } from './fleet.js';
import { NO_TAGS, type ResourceRecord } from './resource.js';

export interface GenerateOptions {
  subscriptions: number;
  sitesPerSubscription: number;
  /** Every Nth site gets a `staging` slot (0 = none). Default 10. */
  slotEvery?: number;
  /** Share of sites (and slots) that break the control, 0..1. Default 0.1. */
  nonCompliantFraction?: number;
  resourceGroupsPerSubscription?: number;
  /** Index of the first subscription, to add a second batch next to an earlier one. */
  firstSubscription?: number;
}

/** Deterministic subscription id for index i (so benchmarks and tests can address it). */
export function generatedSubscriptionId(i: number): string {
  return `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
}

type Props = Record<string, unknown>;

/**
 * The properties objects are shared between records: writes always build a new object, never
 * change one in place, so 100k generated sites cost a record each and little more.
 */
const SHARED: Record<'ok' | 'disabled' | 'optional' | 'excluded', (sku: string) => Props> = {
  ok: (sku) => ({ sku, clientCertEnabled: true, clientCertMode: 'Required' }),
  disabled: (sku) => ({ sku, clientCertEnabled: false, clientCertMode: 'Required' }),
  optional: (sku) => ({ sku, clientCertEnabled: true, clientCertMode: 'Optional' }),
  excluded: (sku) => ({ sku, clientCertEnabled: true, clientCertMode: 'Required', clientCertExclusionPaths: '/health' }),
};

const KINDS = [
  { kind: 'app', sku: 'Standard' },
  { kind: 'app,linux', sku: 'PremiumV3' },
  { kind: 'functionapp,linux', sku: 'Dynamic' },
] as const;

/**
 * Fill the fleet with a large synthetic tenant straight into memory (no JSON, no events).
 * Which sites drift is deterministic: the same options give the same fleet. Returns sites + slots.
 */
export function generateFleet(fleet: Fleet, o: GenerateOptions): number {
  const drift = Math.min(1, Math.max(0, o.nonCompliantFraction ?? 0.1));
  const groups = Math.max(1, o.resourceGroupsPerSubscription ?? 10);
  const slotEvery = o.slotEvery ?? 10;
  const props = new Map<string, Props>();
  const shared = (state: keyof typeof SHARED, sku: string): Props => {
    const key = `${state}|${sku}`;
    let p = props.get(key);
    if (!p) props.set(key, (p = Object.freeze(SHARED[state](sku)) as Props));
    return p;
  };
  let count = 0;
  for (let s = o.firstSubscription ?? 0; s < (o.firstSubscription ?? 0) + o.subscriptions; s++) {
    const subscriptionId = generatedSubscriptionId(s);
    fleet.addSubscription(subscriptionId, `generated-${s + 1}`);
    const rgNames = Array.from({ length: groups }, (_, g) => `rg-${g}`);
    for (let i = 0; i < o.sitesPerSubscription; i++) {
      const { kind, sku } = KINDS[i % KINDS.length] as (typeof KINDS)[number];
      const site: ResourceRecord = { subscriptionId, resourceGroup: rgNames[i % groups] as string, site: `app-${s}-${i}`, kind, location: 'West Europe', tags: NO_TAGS, properties: shared(stateOf(i, drift), sku) };
      fleet.put(site);
      count++;
      if (slotEvery > 0 && i % slotEvery === 0) {
        fleet.put({ ...site, slot: 'staging', properties: shared(stateOf(i + 1, drift), sku) });
        count++;
      }
    }
  }
  return count;
}

/** Spreads drift evenly: mostly disabled, some Optional, a few with exclusion paths. */
function stateOf(i: number, drift: number): keyof typeof SHARED {
  const bucket = (i * 7919) % 1000;
  if (bucket >= drift * 1000) return 'ok';
  const share = bucket / (drift * 1000);
  return share < 0.6 ? 'disabled' : share < 0.9 ? 'optional' : 'excluded';
}
