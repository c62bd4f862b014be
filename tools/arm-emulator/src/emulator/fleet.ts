import type { ResourceRecord } from './resource.js';
import { recordFromSeed, type FleetSeed, type SiteSeed } from './seed.js';

export const DEFAULT_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** Where a site or slot lives; names in any case. */
export interface Target {
  subscriptionId: string;
  resourceGroup: string;
  site: string;
  slot?: string;
}

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

interface SiteEntry {
  record: ResourceRecord;
  /** Created on the first slot: most sites have none. */
  slots?: Map<string, ResourceRecord>;
}

/** Entries in insertion order for O(1) paging; `undefined` after a delete until the next list. */
interface Ordered {
  sites: Map<string, SiteEntry>;
  order: SiteEntry[] | undefined;
}

interface GroupEntry extends Ordered {
  name: string;
}

interface SubscriptionEntry {
  info: SubscriptionInfo;
  groups: Map<string, GroupEntry>;
  all: Ordered;
}

const lower = (s: string) => s.toLowerCase();
const siteKey = (resourceGroup: string, site: string) => `${lower(resourceGroup)}/${lower(site)}`;

/** The emulator's resources: subscriptions → resource groups → sites → slots, keyed case-insensitively like ARM. */
export class Fleet {
  private readonly subs = new Map<string, SubscriptionEntry>();

  constructor(private readonly defaultTenant = DEFAULT_TENANT) {}

  subscriptions(): SubscriptionInfo[] {
    return [...this.subs.values()].map((s) => s.info);
  }

  subscription(subscriptionId: string): SubscriptionInfo | undefined {
    return this.subs.get(lower(subscriptionId))?.info;
  }

  addSubscription(subscriptionId: string, displayName = subscriptionId, tenantId = this.defaultTenant): void {
    if (this.subs.has(lower(subscriptionId))) return;
    const info = { subscriptionId, displayName, tenantId };
    this.subs.set(lower(subscriptionId), { info, groups: new Map(), all: { sites: new Map(), order: [] } });
  }

  hasResourceGroup(subscriptionId: string, resourceGroup: string): boolean {
    return this.subs.get(lower(subscriptionId))?.groups.has(lower(resourceGroup)) ?? false;
  }

  addResourceGroup(subscriptionId: string, resourceGroup: string): void {
    this.addSubscription(subscriptionId);
    const groups = this.entry(subscriptionId).groups;
    if (!groups.has(lower(resourceGroup))) groups.set(lower(resourceGroup), { name: resourceGroup, sites: new Map(), order: [] });
  }

  /** Adds (or replaces) what the seed describes; returns the number of sites and slots. No events. */
  seed(seed: FleetSeed): number {
    let count = 0;
    for (const sub of seed.subscriptions) {
      this.addSubscription(sub.id, sub.displayName, seed.tenantId);
      for (const rg of sub.resourceGroups ?? []) this.addResourceGroup(sub.id, rg);
      for (const site of sub.sites ?? []) count += this.seedSite(sub.id, site);
    }
    return count;
  }

  seedSite(subscriptionId: string, seed: SiteSeed): number {
    const record = recordFromSeed(subscriptionId, seed.resourceGroup, seed);
    this.put(record);
    for (const slot of seed.slots ?? []) this.put(recordFromSeed(subscriptionId, seed.resourceGroup, slot, record));
    return 1 + (seed.slots?.length ?? 0);
  }

  get(t: Target): ResourceRecord | undefined {
    const entry = this.siteEntry(t);
    return t.slot ? entry?.slots?.get(lower(t.slot)) : entry?.record;
  }

  /** Shortcut of `get` for a site. */
  getSite(subscriptionId: string, resourceGroup: string, site: string): ResourceRecord | undefined {
    return this.get({ subscriptionId, resourceGroup, site });
  }

  getSlot(subscriptionId: string, resourceGroup: string, site: string, slot: string): ResourceRecord | undefined {
    return this.get({ subscriptionId, resourceGroup, site, slot });
  }

  /** Stores a site or slot (a slot needs its site). Resource group and subscription are created as needed. */
  put(record: ResourceRecord): boolean {
    if (record.slot) return this.putSlot(record);
    this.addResourceGroup(record.subscriptionId, record.resourceGroup);
    const sub = this.entry(record.subscriptionId);
    const group = sub.groups.get(lower(record.resourceGroup)) as GroupEntry;
    const existing = group.sites.get(lower(record.site));
    if (existing) {
      existing.record = record;
      return true;
    }
    const entry: SiteEntry = { record };
    group.sites.set(lower(record.site), entry);
    group.order?.push(entry);
    sub.all.sites.set(siteKey(record.resourceGroup, record.site), entry);
    sub.all.order?.push(entry);
    return true;
  }

  delete(t: Target): boolean {
    const entry = this.siteEntry(t);
    if (!entry) return false;
    if (t.slot) return entry.slots?.delete(lower(t.slot)) ?? false;
    const sub = this.entry(t.subscriptionId);
    const group = sub.groups.get(lower(t.resourceGroup)) as GroupEntry;
    group.sites.delete(lower(t.site));
    sub.all.sites.delete(siteKey(t.resourceGroup, t.site));
    group.order = undefined;
    sub.all.order = undefined;
    return true;
  }

  /** One page of a subscription's (or one resource group's) sites, in a stable order. */
  pageSites(subscriptionId: string, resourceGroup: string | undefined, offset: number, size: number): { items: ResourceRecord[]; more: boolean } {
    const sub = this.subs.get(lower(subscriptionId));
    const index = resourceGroup ? sub?.groups.get(lower(resourceGroup)) : sub?.all;
    if (!index) return { items: [], more: false };
    index.order ??= [...index.sites.values()];
    return { items: index.order.slice(offset, offset + size).map((e) => e.record), more: offset + size < index.order.length };
  }

  slotsOf(t: Target): ResourceRecord[] {
    return [...(this.siteEntry(t)?.slots?.values() ?? [])];
  }

  size(): { subscriptions: number; sites: number; slots: number } {
    let sites = 0;
    let slots = 0;
    for (const sub of this.subs.values()) {
      sites += sub.all.sites.size;
      for (const s of sub.all.sites.values()) slots += s.slots?.size ?? 0;
    }
    return { subscriptions: this.subs.size, sites, slots };
  }

  clear(): void {
    this.subs.clear();
  }

  private putSlot(record: ResourceRecord): boolean {
    const entry = this.siteEntry(record);
    if (!entry || !record.slot) return false;
    entry.slots ??= new Map();
    entry.slots.set(lower(record.slot), record);
    return true;
  }

  private siteEntry(t: Target): SiteEntry | undefined {
    return this.subs.get(lower(t.subscriptionId))?.groups.get(lower(t.resourceGroup))?.sites.get(lower(t.site));
  }

  private entry(subscriptionId: string): SubscriptionEntry {
    return this.subs.get(lower(subscriptionId)) as SubscriptionEntry;
  }
}
