/**
 * One App Service site or slot held by the emulator. Only what was seeded or written is stored;
 * everything Azure derives (host names, plan id, availability...) is computed when the resource is
 * served, so a fleet of 100k sites stays small in memory.
 */
export interface ResourceRecord {
  /** Names in the casing they were created with (ARM keeps it for display). */
  subscriptionId: string;
  resourceGroup: string;
  site: string;
  slot?: string;
  kind: string;
  location: string;
  tags: Readonly<Record<string, string>>;
  /** Stored properties (seeded or written); served on top of the derived ones. */
  properties: Record<string, unknown>;
}

/** Shared by every record without tags; replaced, never mutated, when tags are written. */
export const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/** Properties ARM computes itself: a write that sends them is accepted but they are not stored. */
export const READ_ONLY_PROPERTIES = new Set([
  'sku', 'state', 'hostNames', 'enabledHostNames', 'defaultHostName', 'usageState', 'availabilityState',
  'repositorySiteName', 'resourceGroup', 'lastModifiedTimeUtc', 'outboundIpAddresses',
  'possibleOutboundIpAddresses', 'hostNameSslStates', 'customDomainVerificationId',
]);

/** Served for sites never written since seeding (a fixed time keeps responses deterministic). */
const SEEDED_AT = '2026-01-01T00:00:00.000Z';

export function siteId(subscriptionId: string, resourceGroup: string, site: string, slot?: string): string {
  const base = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${site}`;
  return slot ? `${base}/slots/${slot}` : base;
}

export const resourceId = (r: ResourceRecord): string => siteId(r.subscriptionId, r.resourceGroup, r.site, r.slot);

/** `site` or `site/slot`, as ARM names slots. */
export const resourceName = (r: ResourceRecord): string => (r.slot ? `${r.site}/${r.slot}` : r.site);

export const isFreeTier = (r: ResourceRecord): boolean => /^(free|shared)$/i.test(String(r.properties.sku ?? ''));

/** The ARM JSON of a resource, shaped like the REST examples in the fixtures. */
export function toArmJson(r: ResourceRecord): Record<string, unknown> {
  return {
    id: resourceId(r),
    name: resourceName(r),
    type: r.slot ? 'Microsoft.Web/sites/slots' : 'Microsoft.Web/sites',
    kind: r.kind,
    location: r.location,
    tags: r.tags,
    properties: { ...derivedProperties(r), ...r.properties },
  };
}

function derivedProperties(r: ResourceRecord): Record<string, unknown> {
  const host = `${r.slot ? `${r.site}-${r.slot}` : r.site}.azurewebsites.net`.toLowerCase();
  const scm = host.replace('.azurewebsites.net', '.scm.azurewebsites.net');
  return {
    state: 'Running',
    hostNames: [host],
    repositorySiteName: r.site,
    usageState: 'Normal',
    enabled: true,
    enabledHostNames: [host, scm],
    availabilityState: 'Normal',
    hostNameSslStates: [
      { name: host, sslState: 'Disabled', hostType: 'Standard' },
      { name: scm, sslState: 'Disabled', hostType: 'Repository' },
    ],
    serverFarmId: `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.Web/serverfarms/${r.site}-plan`,
    reserved: /linux/i.test(r.kind),
    lastModifiedTimeUtc: SEEDED_AT,
    clientAffinityEnabled: true,
    // Azure reads Required even while clientCertEnabled is false (see the REST examples).
    clientCertEnabled: false,
    clientCertMode: 'Required',
    hostNamesDisabled: false,
    httpsOnly: false,
    defaultHostName: host,
    resourceGroup: r.resourceGroup,
    sku: 'Standard',
  };
}
