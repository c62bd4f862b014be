/** A site or slot, addressed by its parts; parsed from an ARM id case-insensitively. */
export interface SiteRef {
  /**
   * The site or slot id for display: segment values as given, in ARM's canonical spelling
   * (`resourceGroups`, `Microsoft.Web`), without any sub-resource or trailing slash.
   */
  id: string;
  /** Lowercased canonical id, `/subscriptions/{s}/resourcegroups/{rg}/providers/microsoft.web/sites/{site}[/slots/{slot}]`. */
  key: string;
  subscriptionId: string;
  resourceGroup: string;
  site: string;
  slot?: string;
}

// ARM ids are case-insensitive and Azure itself sends both `resourcegroups` and `resourceGroups`.
const SITE_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.web\/sites\/([^/]+)(?:\/slots\/([^/]+))?(?:\/.*)?$/i;

/**
 * Parse an ARM id that is, or lies under, a site or slot (e.g. `.../sites/a/config/web`,
 * `.../sites/a/slots/b/config/web`). Returns the site or slot it belongs to, or undefined.
 * Segment names keep their original case for display; `key` is lowercased for comparison.
 */
export function parseSiteId(id: string): SiteRef | undefined {
  const [, subscriptionId, resourceGroup, site, slot] = SITE_ID.exec(id.trim()) ?? [];
  if (!subscriptionId || !resourceGroup || !site) return undefined;
  const canonical =
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${site}` +
    (slot ? `/slots/${slot}` : '');
  const ref: SiteRef = {
    id: canonical,
    key: canonical.toLowerCase(),
    subscriptionId: subscriptionId.toLowerCase(),
    resourceGroup,
    site,
  };
  if (slot) ref.slot = slot;
  return ref;
}

/** Lowercased ARM id for keys and comparisons. */
export function normaliseId(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}
