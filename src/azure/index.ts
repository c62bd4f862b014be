export { createArmSites, type ArmSites, type ArmSitesOptions } from './armSites.js';
export { countArmRequests } from './armRequestCount.js';
export { createArmCredential, staticTokenCredential } from './credential.js';
export { mapArmError, isNotFound } from './mapArmError.js';
export { agentTrusting, trustExtraCaPolicy } from './trustExtraCa.js';
export { toSnapshot } from './toSnapshot.js';
export { explainAzureError, type ExplainContext } from './explainAzureError.js';
export { createSubscriptionLister, isActiveSubscription, type ReadableSubscription, type SubscriptionLister } from './armSubscriptions.js';
export { ARM_ACTIONS, ENFORCE_ONLY_ACTIONS, REQUIRED_ACTIONS, type ArmAction } from './requiredActions.js';
