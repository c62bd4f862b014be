export { checkDelivery, type CheckedEvent, type DeliveryCheck } from './checkDelivery.js';
export { classifyEvent } from './classifyEvent.js';
export { extractCaller } from './extractCaller.js';
export type { HeaderMap } from './headerValue.js';
export { isCloudEventsOptionsHandshake, optionsHandshakeResponse } from './optionsHandshake.js';
export { parseDelivery } from './parseDelivery.js';
export type { Caller, ClassifiedEvent, Delivery, EventSchema, SiteEvent } from './types.js';
export { validationResponse } from './validationResponse.js';
