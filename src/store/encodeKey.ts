import { InvalidInputError } from '../errors.js';

/** Table Storage caps PartitionKey and RowKey at 1 KiB; counted in characters here. */
export const MAX_KEY_LENGTH = 1024;

/**
 * What a key may not contain: `/ \ # ?` and control characters (Table Storage rules), `~` (our
 * escape), `%` (point reads of keys with `%` misbehave in URL paths), and lone surrogates
 * (they cannot survive UTF-8 on the wire, so two ids could collapse into one key).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f/\\#?~%]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPE = /~(?:u([0-9a-fA-F]{4})|([0-9a-fA-F]{2}))?/g;

/**
 * Reversible encoding of any string into a legal PartitionKey/RowKey: unsafe characters become
 * `~xx` (two hex digits) or `~uxxxx` (lone surrogates); everything else, including other
 * Unicode, stays as is, so ordinary ids remain readable. Throws InvalidInputError when the
 * result is longer than a key may be.
 */
export function encodeKey(value: string): string {
  const encoded = value.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `~u${code.toString(16).padStart(4, '0')}` : `~${code.toString(16).padStart(2, '0')}`;
  });
  if (encoded.length > MAX_KEY_LENGTH) {
    throw new InvalidInputError(
      `key too long for Table Storage: ${encoded.length} characters encoded (max ${MAX_KEY_LENGTH}), starting ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return encoded;
}

/** Inverse of encodeKey. Throws InvalidInputError on a `~` that starts no valid escape. */
export function decodeKey(key: string): string {
  return key.replace(ESCAPE, (match, long: string | undefined, short: string | undefined) => {
    const hex = long ?? short;
    if (hex === undefined) throw new InvalidInputError(`not an encoded key: stray "~" in ${JSON.stringify(key.slice(0, 80))}`);
    return String.fromCharCode(parseInt(hex, 16));
  });
}
