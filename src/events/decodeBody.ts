import { InvalidInputError } from '../errors.js';

/**
 * The events of a delivery body (text, bytes, or what a trigger already parsed), always as a
 * list: Event Grid sends batches as arrays, single events as objects. Throws InvalidInputError
 * when the body is not JSON or not an event or list of events: no retry can fix that.
 */
export function decodeBody(body: unknown): unknown[] {
  const parsed = typeof body === 'string' || body instanceof Uint8Array ? parseJson(body) : body;
  if (Array.isArray(parsed)) return parsed;
  if (parsed !== null && typeof parsed === 'object') return [parsed];
  throw new InvalidInputError(`the body is not an event or an array of events (it is ${parsed === null ? 'null' : typeof parsed})`);
}

function parseJson(body: string | Uint8Array): unknown {
  // TextDecoder drops a UTF-8 byte-order mark; a string may still carry one from a file.
  const text = (typeof body === 'string' ? body : new TextDecoder().decode(body)).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new InvalidInputError('the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(`the body is not JSON: ${(err as Error).message}`, { cause: err });
  }
}
