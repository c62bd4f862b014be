import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '../errors.js';

/** Event Grid caps a delivery at 1 MB (64 KB per event in the EG schema); allow a little headroom. */
export const MAX_BODY_BYTES = 1_100_000;

export class BodyTooLargeError extends InvalidInputError {}

/** Read a request body up to a cap; past it, stop reading and fail with BodyTooLargeError (413). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError(`request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(`request body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
