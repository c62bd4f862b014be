import type { InvocationContext } from '@azure/functions';
import type { EnforcerDeps, EventWindow } from '../enforcer/index.js';
import { publicReason, shouldRetry } from './errorPolicy.js';
import { processDelivery, type DeliveryResult } from './processDelivery.js';

/** Matches host.json `extensions.queues.maxDequeueCount`: the attempt after which the runtime poisons. */
export const MAX_DEQUEUE_COUNT = 10;

/**
 * A Storage Queue message written by an Event Grid subscription (one event per message; the
 * runtime has already base64-decoded it). Throws to have the runtime retry; says when the
 * message is about to go to the poison queue, with the reason. With `window`, its event is worked
 * together with those of the invocations running beside it in this process (one dedupe query,
 * one ARM read per resource, ...), and the invocation still settles on its own event alone.
 */
export async function handleQueueMessage(deps: EnforcerDeps, message: unknown, context: InvocationContext, window?: EventWindow): Promise<DeliveryResult> {
  try {
    return await processDelivery(deps, message, {}, window ? (d, events) => window.submit(d, events) : undefined);
  } catch (err) {
    const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
    const reason = publicReason(err);
    const last = !shouldRetry(err) || dequeueCount >= MAX_DEQUEUE_COUNT;
    deps.log('error', last ? `event message goes to the poison queue: ${reason}` : `event message will be retried (attempt ${dequeueCount}): ${reason}`, {
      messageId: context.triggerMetadata?.id,
      dequeueCount,
    });
    throw err;
  }
}
