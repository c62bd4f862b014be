export { planRollout } from './planRollout.js';
export { planOrder } from './planOrder.js';
export { parseEvery } from './parseEvery.js';
export { isDebt, EXCLUDED_STATUSES } from './isDebt.js';
export { isInternetExposed, isProduction, ownerOf, tierOf } from './appTraits.js';
export type { ExcludedApp, PlanCandidate, PlannedApp, PlannedWave, PlanOptions, RolloutPlan, RolloutRules, Tier } from './types.js';
