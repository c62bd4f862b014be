/**
 * The Azure RBAC actions the enforcer's identity needs on a target subscription — the one list.
 * The ARM adapter names these in its permission errors, and the custom role in
 * infra/subscription.json grants exactly this list (test/infra compares them), nothing else:
 * no `*`, no `Microsoft.Web/sites/config/*`, no deletes, no Contributor.
 */
export const ARM_ACTIONS = {
  /** getSite, listSites (webApps.get, webApps.list, listByResourceGroup). */
  readSite: 'Microsoft.Web/sites/read',
  /** getSite of a slot, listSlots, listByResourceGroup with includeSlots. */
  readSlot: 'Microsoft.Web/sites/slots/read',
  /** enforce: the client-cert PATCH of a site (webApps.update). */
  writeSite: 'Microsoft.Web/sites/write',
  /** enforce: the client-cert PATCH of a slot (webApps.updateSlot). */
  writeSlot: 'Microsoft.Web/sites/slots/write',
  /** Sweep target discovery: subscriptions.list (src/azure/armSubscriptions.ts) when MTLS_SUBSCRIPTIONS is empty. */
  readSubscription: 'Microsoft.Resources/subscriptions/read',
} as const;

export type ArmAction = (typeof ARM_ACTIONS)[keyof typeof ARM_ACTIONS];

/** Every action above, in a stable order: what the custom role's `actions` must equal. */
export const REQUIRED_ACTIONS: readonly ArmAction[] = Object.values(ARM_ACTIONS);

/** Actions only `enforce` mode needs; detection (`audit`) works without them. */
export const ENFORCE_ONLY_ACTIONS: readonly ArmAction[] = [ARM_ACTIONS.writeSite, ARM_ACTIONS.writeSlot];
