import { InvalidInputError } from '../errors.js';
import { headerValue, type HeaderMap } from './headerValue.js';

/** The CloudEvents webhook abuse-protection request: OPTIONS naming the sender in WebHook-Request-Origin. */
export function isCloudEventsOptionsHandshake(method: string | undefined, headers: HeaderMap): boolean {
  return method?.toUpperCase() === 'OPTIONS' && headerValue(headers, 'WebHook-Request-Origin') !== undefined;
}

/**
 * The headers that grant the sender (Event Grid: eventgrid.azure.net) permission to deliver,
 * at any rate: Event Grid expects the origin echoed back.
 */
export function optionsHandshakeResponse(headers: HeaderMap): Record<string, string> {
  const origin = headerValue(headers, 'WebHook-Request-Origin');
  if (origin === undefined) throw new InvalidInputError('not a CloudEvents abuse-protection request: WebHook-Request-Origin is missing');
  return { 'WebHook-Allowed-Origin': origin, 'WebHook-Allowed-Rate': '*' };
}
