import { DEFAULT_TENANT, siteId, type FleetSeed, type ResourceRecord, type SiteSeed, type SubscriptionRecord } from './model.js';

interface SiteEntry {
  record: ResourceRecord;
  slots: Map<string, ResourceRecord>;
}

interface SubscriptionEntry {
  info: SubscriptionRecord;
  sites: Map<string, SiteEntry>;
  /** Insertion-ordered list for O(1) paging at 100k sites; rebuilt only after deletes. */
  order: SiteEntry[] | undefined;
}

const lower = (s: string) => s.toLowerCase();

/** The emulator's resources: subscriptions → sites → slots, keyed case-insensitively like ARM. */
export class Fleet {
  private readonly subs = new Map<string, SubscriptionEntry>();

  subscriptions(): SubscriptionRecord[] {
    return [...this.subs.values()].map((s) => s.info);
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subs.has(lower(subscriptionId));
  }

  addSubscription(subscriptionId: string, displayName = subscriptionId, tenantId = DEFAULT_TENANT): void {
    if (this.subs.has(lower(subscriptionId))) return;
    this.subs.set(lower(subscriptionId), { info: { subscriptionId, displayName, tenantId }, sites: new Map(), order: [] });
  }

  seed(seed: FleetSeed): number {
    let count = 0;
    for (const sub of seed.subscriptions) {
      this.addSubscription(sub.id, sub.displayName, seed.tenantId);
      for (const site of sub.sites ?? []) count += this.seedSite(sub.id, site);
    }
    return count;
  }

  seedSite(subscriptionId: string, seed: SiteSeed): number {
    this.addSubscription(subscriptionId);
    const record = fromSeed(subscriptionId, seed.resourceGroup, seed.name, undefined, seed, seed.sku);
    this.putSite(record);
    for (const slot of seed.slots ?? []) this.putSlot(fromSeed(subscriptionId, seed.resourceGroup, seed.name, slot.name, slot, slot.sku ?? seed.sku));
    return 1 + (seed.slots?.length ?? 0);
  }

  getSite(subscriptionId: string, resourceGroup: string, site: string): ResourceRecord | undefined {
    const entry = this.subs.get(lower(subscriptionId))?.sites.get(lower(site));
    return entry && lower(entry.record.resourceGroup) === lower(resourceGroup) ? entry.record : undefined;
  }

  getSlot(subscriptionId: string, resourceGroup: string, site: string, slot: string): ResourceRecord | undefined {
    const entry = this.subs.get(lower(subscriptionId))?.sites.get(lower(site));
    if (!entry || lower(entry.record.resourceGroup) !== lower(resourceGroup)) return undefined;
    return entry.slots.get(lower(slot));
  }

  putSite(record: ResourceRecord): void {
    this.addSubscription(record.subscriptionId);
    const sub = this.subs.get(lower(record.subscriptionId)) as SubscriptionEntry;
    const existing = sub.sites.get(lower(record.site));
    if (existing) {
      existing.record = record;
      return;
    }
    const entry: SiteEntry = { record, slots: new Map() };
    sub.sites.set(lower(record.site), entry);
    sub.order?.push(entry);
  }

  putSlot(record: ResourceRecord): boolean {
    const entry = this.subs.get(lower(record.subscriptionId))?.sites.get(lower(record.site));
    if (!entry || !record.slot) return false;
    entry.slots.set(lower(record.slot), record);
    return true;
  }

  deleteSite(subscriptionId: string, resourceGroup: string, site: string): boolean {
    const sub = this.subs.get(lower(subscriptionId));
    if (!sub || !this.getSite(subscriptionId, resourceGroup, site)) return false;
    sub.sites.delete(lower(site));
    sub.order = undefined;
    return true;
  }

  deleteSlot(subscriptionId: string, resourceGroup: string, site: string, slot: string): boolean {
    if (!this.getSlot(subscriptionId, resourceGroup, site, slot)) return false;
    return this.subs.get(lower(subscriptionId))?.sites.get(lower(site))?.slots.delete(lower(slot)) ?? false;
  }

  /** One page of a subscription's sites (optionally one resource group), in a stable order. */
  pageSites(subscriptionId: string, resourceGroup: string | undefined, offset: number, size: number): { items: ResourceRecord[]; more: boolean } {
    const sub = this.subs.get(lower(subscriptionId));
    if (!sub) return { items: [], more: false };
    sub.order ??= [...sub.sites.values()];
    const pool = resourceGroup ? sub.order.filter((e) => lower(e.record.resourceGroup) === lower(resourceGroup)) : sub.order;
    return { items: pool.slice(offset, offset + size).map((e) => e.record), more: offset + size < pool.length };
  }

  slotsOf(subscriptionId: string, site: string): ResourceRecord[] {
    return [...(this.subs.get(lower(subscriptionId))?.sites.get(lower(site))?.slots.values() ?? [])];
  }

  size(): { subscriptions: number; sites: number; slots: number } {
    let sites = 0;
    let slots = 0;
    for (const sub of this.subs.values()) {
      sites += sub.sites.size;
      for (const s of sub.sites.values()) slots += s.slots.size;
    }
    return { subscriptions: this.subs.size, sites, slots };
  }
}

function fromSeed(subscriptionId: string, resourceGroup: string, site: string, slot: string | undefined, seed: Omit<SiteSeed, 'resourceGroup' | 'slots'>, sku?: string): ResourceRecord {
  const record: ResourceRecord = {
    id: siteId(subscriptionId, resourceGroup, site, slot),
    subscriptionId,
    resourceGroup,
    site,
    kind: seed.kind ?? 'app',
    location: seed.location ?? 'West Europe',
    tags: { ...(seed.tags ?? {}) },
    properties: defaultProperties(site, slot, resourceGroup, subscriptionId, seed, sku),
  };
  if (slot) record.slot = slot;
  return record;
}

function defaultProperties(site: string, slot: string | undefined, rg: string, sub: string, seed: Omit<SiteSeed, 'resourceGroup' | 'slots'>, sku?: string): Record<string, unknown> {
  const host = slot ? `${site}-${slot}.azurewebsites.net` : `${site}.azurewebsites.net`;
  const properties: Record<string, unknown> = {
    state: 'Running',
    hostNames: [host],
    enabled: true,
    serverFarmId: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${site}-plan`,
    sku: sku ?? 'Standard',
    httpsOnly: true,
    clientCertEnabled: seed.clientCertEnabled ?? false,
    // Azure reads Required even while clientCertEnabled is false (see the REST examples).
    clientCertMode: seed.clientCertMode ?? 'Required',
  };
  if (seed.clientCertExclusionPaths !== undefined) properties.clientCertExclusionPaths = seed.clientCertExclusionPaths;
  return properties;
}
