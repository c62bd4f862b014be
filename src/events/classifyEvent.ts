import { classifyResourceEvent } from './classifyResourceEvent.js';
import { SUBSCRIPTION_VALIDATION } from './eventTypes.js';
import { readEnvelope } from './readEnvelope.js';
import { isResourceEventType } from './siteOperation.js';
import type { ClassifiedEvent } from './types.js';
import { validationRequest } from './validationRequest.js';

/**
 * One event of a delivery, in either schema: relevant (a site or slot to evaluate or mark
 * deleted), ignored (with why), or invalid (with why). Never throws, whatever the event holds.
 */
export function classifyEvent(event: unknown): ClassifiedEvent {
  const envelope = readEnvelope(event);
  if ('problem' in envelope) return { kind: 'invalid', eventId: envelope.eventId, eventType: envelope.eventType, reason: envelope.problem };
  const { id: eventId, type: eventType } = envelope;
  if (eventType === SUBSCRIPTION_VALIDATION) {
    // Event Grid sends the handshake alone; parseDelivery answers it there, not inside a batch.
    if (!validationRequest(event)) return { kind: 'invalid', eventId, eventType, reason: 'a validation event needs the Event Grid schema and data.validationCode' };
    return { kind: 'ignored', eventId, eventType, reason: 'a subscription validation event is answered only when it arrives alone' };
  }
  if (!isResourceEventType(eventType)) return { kind: 'ignored', eventId, eventType, reason: `event type ${eventType} is not acted on` };
  return classifyResourceEvent(envelope);
}
