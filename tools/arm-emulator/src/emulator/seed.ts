import { NO_TAGS, type ResourceRecord } from './resource.js';

/** Seed input for one site (and its slots): what a test or the demo describes. */
export interface SiteSeed {
  resourceGroup: string;
  name: string;
  /** `app`, `app,linux`, `functionapp,linux`, `functionapp,workflowapp`, ... Default `app`. */
  kind?: string;
  location?: string;
  /** `Free`, `Shared`, `Basic`, `Standard`, `PremiumV3`, `Dynamic`, `FlexConsumption`, ... Default `Standard`. */
  sku?: string;
  tags?: Record<string, string>;
  clientCertEnabled?: boolean;
  clientCertMode?: string;
  clientCertExclusionPaths?: string;
  /** `Enabled` or `Disabled`; absent (as on most real apps) reads as enabled. */
  publicNetworkAccess?: string;
  /** Any further ARM properties to serve as they are (e.g. `httpsOnly`). */
  properties?: Record<string, unknown>;
  slots?: SlotSeed[];
}

/** A slot inherits kind, location and sku from its site unless given. */
export type SlotSeed = Omit<SiteSeed, 'resourceGroup' | 'slots'>;

export interface SubscriptionSeed {
  id: string;
  displayName?: string;
  /** Resource groups that exist even without sites (those of the sites are created anyway). */
  resourceGroups?: string[];
  sites?: SiteSeed[];
}

export interface FleetSeed {
  tenantId?: string;
  subscriptions: SubscriptionSeed[];
}

/** The stored record for a seeded site, or a slot of it when `parent` is given. */
export function recordFromSeed(subscriptionId: string, resourceGroup: string, seed: SlotSeed, parent?: ResourceRecord): ResourceRecord {
  const record: ResourceRecord = {
    subscriptionId,
    resourceGroup,
    site: parent ? parent.site : seed.name,
    kind: seed.kind ?? parent?.kind ?? 'app',
    location: seed.location ?? parent?.location ?? 'West Europe',
    tags: seed.tags ? { ...seed.tags } : NO_TAGS,
    properties: seededProperties(seed, parent),
  };
  if (parent) record.slot = seed.name;
  return record;
}

function seededProperties(seed: SlotSeed, parent: ResourceRecord | undefined): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    ...seed.properties,
    sku: seed.sku ?? parent?.properties.sku ?? 'Standard',
    clientCertEnabled: seed.clientCertEnabled ?? false,
    clientCertMode: seed.clientCertMode ?? 'Required',
  };
  if (seed.clientCertExclusionPaths !== undefined) properties.clientCertExclusionPaths = seed.clientCertExclusionPaths;
  if (seed.publicNetworkAccess !== undefined) properties.publicNetworkAccess = seed.publicNetworkAccess;
  return properties;
}
