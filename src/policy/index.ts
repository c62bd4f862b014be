export { baselineDebtReason, isBaselineDebt, isGuarded, nextStanding, withDebtReason, withStanding, type Baseline, type StandingRow } from './baselineDebt.js';
export { evaluate } from './evaluate.js';
export { exclusionPaths } from './exclusionPaths.js';
export { exemptionProblem } from './exemptionProblem.js';
export { parseExemptionTag } from './parseExemptionTag.js';
export { parseIsoDate } from './parseIsoDate.js';
export { policyForSubscription, type SubscriptionOverrides } from './policyForSubscription.js';
export { portalName } from './portalName.js';
export { normaliseId, parseSiteId, type SiteRef } from './resourceId.js';
export { sameText } from './sameText.js';
export {
  DEFAULT_POLICY,
  type Exemption,
  type ExemptionCategory,
  type Policy,
  type Reason,
  type ReasonCode,
  type Debt,
  type Standing,
  type SiteSnapshot,
  type Status,
  type Verdict,
} from './types.js';
export { inScope, registerExemptionsFor, type RegisterEntry } from './registerExemptions.js';
