import { classifyEvent } from './classifyEvent.js';
import { decodeBody } from './decodeBody.js';
import { detectSchema } from './detectSchema.js';
import { headerValue, type HeaderMap } from './headerValue.js';
import type { Delivery, EventSchema } from './types.js';
import { validationRequest } from './validationRequest.js';

/**
 * A delivery (webhook body, queue message or trigger input; one event or a batch, either schema):
 * the validation handshake, or each event classified on its own so that one bad event never
 * hides the others. Throws InvalidInputError only when the body itself cannot be read.
 */
export function parseDelivery(body: unknown, headers?: HeaderMap): Delivery {
  const events = decodeBody(body);
  const handshake = events.length === 1 ? validationRequest(events[0]) : undefined;
  if (handshake) return handshake;
  return { kind: 'events', schema: deliverySchema(events, headers), events: events.map(classifyEvent) };
}

// Event Grid never mixes schemas in one delivery; an empty batch says nothing, so the
// content type (application/cloudevents-batch+json) decides, then the Event Grid default.
function deliverySchema(events: unknown[], headers: HeaderMap | undefined): EventSchema {
  for (const event of events) {
    const schema = detectSchema(event);
    if (schema) return schema;
  }
  return /cloudevents/i.test(headerValue(headers, 'content-type') ?? '') ? 'cloudevents' : 'eventgrid';
}
