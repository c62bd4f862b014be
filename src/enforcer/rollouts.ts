/** The rollout use cases other layers may use (CLI, HTTP API, timer, report input). */
export { createRolloutPlan, newPlanId, type PlanRequest, type PlanResult } from './planRolloutUseCase.js';
export { applyWave, type ApplyRequest, type WaveResult } from './applyWave.js';
export { applyDueWaves, type DueWaveResult } from './applyDueWaves.js';
export { changeRolloutStatus, getRollout, listRollouts } from './rolloutAccess.js';
export { planView, everyText } from './rolloutView.js';
export type { GroupLister } from './rescanMembers.js';
export { groupListerOf } from './groupLister.js';
export type { MemberState, PlanStatus, RolloutMemberRecord, RolloutPlanRecord, RolloutRecord, RolloutsPort, RolloutWaveRecord, WaveStatus } from '../model/index.js';
