import { sweepSubscription, type SubscriptionSweepResult } from '../../src/enforcer/index.js';
import { enforcerArmSites, type Stack } from './stack.js';

/**
 * Sweep one subscription of the stack now, through the emulator's list payloads, and wait for the
 * events it caused. In `enforce` the first such sweep is the subscription's baseline: apps
 * compliant then are guarded (their drift is reverted), apps failing then are baseline debt.
 */
export async function sweepNow(stack: Stack, subscriptionId: string, runId = `sweep-${subscriptionId.slice(0, 8)}`): Promise<SubscriptionSweepResult> {
  const result = await sweepSubscription(stack.deps, enforcerArmSites(stack), subscriptionId, { id: runId, startedAt: new Date().toISOString() });
  await stack.settle();
  return result;
}
