import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '../errors.js';

/** Event Grid caps a delivery at 1 MB (64 KB per event in the EG schema); allow a little headroom. */
export const MAX_BODY_BYTES = 1_100_000;

export class BodyTooLargeError extends InvalidInputError {}

/**
 * Read a request body up to a cap; past it, fail with BodyTooLargeError (413). The rest of an
 * oversized body is read and dropped rather than the socket destroyed, so the client gets the 413
 * (Event Grid does not retry a 413; a reset connection it would retry for a day).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(`request body over ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      chunks.length = 0;
      req.resume();
      reject(new BodyTooLargeError(`request body over ${limit} bytes`));
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    req.on('data', onData).on('end', onEnd).once('error', reject);
  });
}
