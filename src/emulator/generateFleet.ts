import type { Fleet } from './fleet.js';

export interface GenerateOptions {
  subscriptions: number;
  sitesPerSubscription: number;
  /** Every Nth site gets one slot (0 = none). */
  slotEvery?: number;
  /** Share of sites (and slots) that drift: client certs off. */
  nonCompliantFraction?: number;
  /** First subscription id's last block; ids are deterministic GUIDs. */
  resourceGroupsPerSubscription?: number;
}

/** Deterministic subscription id for index i (so benchmarks and tests can address it). */
export function generatedSubscriptionId(i: number): string {
  return `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
}

/** Fill the fleet with a large synthetic tenant straight into memory (no JSON, no events). */
export function generateFleet(fleet: Fleet, o: GenerateOptions): number {
  const drift = o.nonCompliantFraction ?? 0.1;
  const groups = Math.max(1, o.resourceGroupsPerSubscription ?? 10);
  let count = 0;
  for (let s = 0; s < o.subscriptions; s++) {
    const sub = generatedSubscriptionId(s);
    fleet.addSubscription(sub, `generated-${s + 1}`);
    for (let i = 0; i < o.sitesPerSubscription; i++) {
      const bad = (i * 7919) % 1000 < drift * 1000;
      const slot = o.slotEvery && i % o.slotEvery === 0 ? [{ name: 'staging', clientCertEnabled: !bad, clientCertMode: 'Required' }] : [];
      count += fleet.seedSite(sub, {
        resourceGroup: `rg-${i % groups}`,
        name: `app-${s}-${i}`,
        kind: i % 3 === 0 ? 'functionapp,linux' : 'app',
        clientCertEnabled: !bad,
        clientCertMode: 'Required',
        slots: slot,
      });
    }
  }
  return count;
}
