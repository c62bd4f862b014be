// The fields the custom policy definition (infra/policy.json) may read, each with where Azure
// publishes it. The test fails if the definition uses a field that is not here, or if an entry
// here is not used (a stale list proves nothing).

export interface PublishedAlias {
  alias: string;
  /** The path of the property in the resource's ARM JSON that the alias reads. */
  path: readonly string[];
  /** Where the alias is published: the test names these, the README repeats them. */
  sources: readonly string[];
}

/** Azure's own built-in definitions (github.com/Azure/azure-policy, built-in-policies/policyDefinitions/App Service/). */
const BUILT_IN_SITE = 'Azure/azure-policy: AppService_ClientCert_Webapp_Audit.json (built-in 19dd1db6-f442-49cf-a838-b0786b4401ef)';
const BUILT_IN_SLOT = 'Azure/azure-policy: AppService_ClientCert_FunctionApp_Slot_Audit.json (built-in 153ab4ca-2d58-4b5d-9134-6d8c6bdd321c)';
/**
 * The alias list Azure publishes per resource type (`Get-AzPolicyAlias -NamespaceMatch Microsoft.Web`,
 * `az provider show --namespace Microsoft.Web --expand "resourceTypes/aliases"`), as mirrored in
 * github.com/maciejporebski/azure-policy-aliases (aliases/Microsoft.Web/sites.md, sites-slots.md).
 */
const ALIAS_LIST_SITES = 'Microsoft.Web alias list, type sites: "properties.clientCertMode" → Microsoft.Web/sites/clientCertMode, etc.';
const ALIAS_LIST_SLOTS = 'Microsoft.Web alias list, type sites/slots: "properties.clientCertMode" → Microsoft.Web/sites/slots/clientCertMode, etc.';

export const PUBLISHED_ALIASES: readonly PublishedAlias[] = [
  { alias: 'Microsoft.Web/sites/clientCertEnabled', path: ['properties', 'clientCertEnabled'], sources: [BUILT_IN_SITE, ALIAS_LIST_SITES] },
  { alias: 'Microsoft.Web/sites/clientCertMode', path: ['properties', 'clientCertMode'], sources: [ALIAS_LIST_SITES] },
  { alias: 'Microsoft.Web/sites/clientCertExclusionPaths', path: ['properties', 'clientCertExclusionPaths'], sources: [ALIAS_LIST_SITES] },
  { alias: 'Microsoft.Web/sites/slots/clientCertEnabled', path: ['properties', 'clientCertEnabled'], sources: [BUILT_IN_SLOT, ALIAS_LIST_SLOTS] },
  { alias: 'Microsoft.Web/sites/slots/clientCertMode', path: ['properties', 'clientCertMode'], sources: [ALIAS_LIST_SLOTS] },
  { alias: 'Microsoft.Web/sites/slots/clientCertExclusionPaths', path: ['properties', 'clientCertExclusionPaths'], sources: [ALIAS_LIST_SLOTS] },
];

/**
 * Fields every resource has without an alias (learn.microsoft.com, "Azure Policy definition
 * structure policy rule", section Fields: name, fullName, kind, type, location, id, identity.type, tags).
 * The definition uses only these two.
 */
export const STANDARD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  type: ['type'],
  kind: ['kind'],
};

