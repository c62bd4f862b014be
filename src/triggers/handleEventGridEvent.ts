import type { EnforcerDeps } from '../enforcer/index.js';
import { publicReason, shouldRetry } from './errorPolicy.js';
import { processDelivery, type DeliveryResult } from './processDelivery.js';

/** Direct Event Grid trigger delivery: transient failures throw (redelivered); bad input is logged and dropped. */
export async function handleEventGridEvent(deps: EnforcerDeps, event: unknown): Promise<DeliveryResult | undefined> {
  try {
    return await processDelivery(deps, event);
  } catch (err) {
    if (shouldRetry(err)) throw err;
    deps.log('error', `dropped an Event Grid delivery: ${publicReason(err)}`);
    return undefined;
  }
}
