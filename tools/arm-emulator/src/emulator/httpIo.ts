import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArmResponse } from './armErrors.js';

/** ARM refuses request bodies above 4 MB. */
const MAX_BODY = 4 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new BodyTooLarge('request body larger than 4 MB');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON object, `{}` for an empty body, `undefined` when the body is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function send(res: ServerResponse, answer: ArmResponse): void {
  if (res.destroyed || res.headersSent) return;
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(Buffer.byteLength(text)),
    'x-ms-request-id': randomUUID(),
    ...answer.headers,
  });
  res.end(text);
}

export function withHeaders(answer: ArmResponse, headers: Record<string, string>): ArmResponse {
  return { ...answer, headers: { ...headers, ...answer.headers } };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A header's single value (Node gives arrays for repeated ones). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
