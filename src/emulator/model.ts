/** One App Service site or slot held by the emulator (ARM's shape, kept as JSON-ready fields). */
export interface ResourceRecord {
  /** ARM id in the casing it was created with. */
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  site: string;
  slot?: string;
  kind: string;
  location: string;
  tags: Record<string, string>;
  properties: Record<string, unknown>;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

/** Seed input for one site (and its slots): what a test or the demo describes. */
export interface SiteSeed {
  resourceGroup: string;
  name: string;
  kind?: string;
  location?: string;
  sku?: string;
  tags?: Record<string, string>;
  clientCertEnabled?: boolean;
  clientCertMode?: string;
  clientCertExclusionPaths?: string;
  slots?: Array<Omit<SiteSeed, 'resourceGroup' | 'slots'>>;
}

export interface SubscriptionSeed {
  id: string;
  displayName?: string;
  sites?: SiteSeed[];
}

export interface FleetSeed {
  tenantId?: string;
  subscriptions: SubscriptionSeed[];
}

/** Who made a request, from its bearer token. */
export interface EmulatorCaller {
  objectId: string;
  appId?: string;
  name?: string;
}

export const DEFAULT_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export function siteId(subscriptionId: string, resourceGroup: string, site: string, slot?: string): string {
  const base = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${site}`;
  return slot ? `${base}/slots/${slot}` : base;
}

/** The ARM JSON of a resource, as the REST examples show it. */
export function toArmJson(r: ResourceRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.slot ? `${r.site}/${r.slot}` : r.site,
    type: r.slot ? 'Microsoft.Web/sites/slots' : 'Microsoft.Web/sites',
    kind: r.kind,
    location: r.location,
    tags: r.tags,
    properties: r.properties,
  };
}
