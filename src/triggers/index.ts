export { processDelivery, type DeliveryResult } from './processDelivery.js';
export { handleQueueMessage, MAX_DEQUEUE_COUNT } from './handleQueueMessage.js';
export { handleEventGridEvent } from './handleEventGridEvent.js';
export { httpStatusFor, shouldRetry, publicReason } from './errorPolicy.js';
export { contextLog } from './contextLog.js';
export { createRuntime, sharedRuntime, type Runtime } from './runtime.js';
export { handleSweepJob } from './handleSweepJob.js';
export { sweepTargets } from './sweepTargets.js';
export { runRolloutTimer } from './runRolloutTimer.js';
