import { SUBSCRIPTION_VALIDATION } from './eventTypes.js';

export interface ValidationRequest {
  kind: 'validation';
  validationCode: string;
  validationUrl?: string;
}

/**
 * The Event Grid subscription-validation handshake in an event, if it is one: only the code
 * matters to answer it, so nothing else of the event is required. Undefined for anything else.
 */
export function validationRequest(event: unknown): ValidationRequest | undefined {
  if (event === null || typeof event !== 'object') return undefined;
  const { eventType, data } = event as { eventType?: unknown; data?: unknown };
  if (eventType !== SUBSCRIPTION_VALIDATION || data === null || typeof data !== 'object') return undefined;
  const { validationCode, validationUrl } = data as { validationCode?: unknown; validationUrl?: unknown };
  if (typeof validationCode !== 'string' || validationCode.trim() === '') return undefined;
  const request: ValidationRequest = { kind: 'validation', validationCode };
  if (typeof validationUrl === 'string' && validationUrl !== '') request.validationUrl = validationUrl;
  return request;
}
