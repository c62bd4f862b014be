import { createArmSites } from '../../src/azure/index.js';
import { sweepSubscription, type SubscriptionSweepResult } from '../../src/enforcer/index.js';
import { emulatorCredential, makeEmulatorToken } from '../../tools/arm-emulator/src/emulator/index.js';
import { ENFORCER, type Stack } from './stack.js';

/**
 * Sweep one subscription of the stack now, through the emulator's list payloads, and wait for the
 * events it caused. In `enforce` the first such sweep is the subscription's baseline: apps
 * compliant then are guarded (their drift is reverted), apps failing then are baseline debt.
 */
export async function sweepNow(stack: Stack, subscriptionId: string, runId = `sweep-${subscriptionId.slice(0, 8)}`): Promise<SubscriptionSweepResult> {
  const lister = createArmSites({ endpoint: stack.emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: stack.emu.caCertPem });
  const result = await sweepSubscription(stack.deps, lister, subscriptionId, { id: runId, startedAt: new Date().toISOString() });
  await stack.settle();
  return result;
}
