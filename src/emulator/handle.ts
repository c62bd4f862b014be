import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminRoute } from './admin.js';
import { armError, type ArmResponse } from './armErrors.js';
import { matchRoute, readRoute } from './armRoutes.js';
import { applyWrite, type EmulatorOptions, type Internal } from './emulator.js';
import { callerFromAuthorization } from './token.js';

const MAX_BODY = 4 * 1024 * 1024;

/** One request: admin API, or ARM with auth, latency, throttling, faults, then the operation. */
export async function handle(emulator: Internal, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', emulator.url);
    const method = req.method ?? 'GET';
    const text = await readText(req);
    if (url.pathname.startsWith('/admin/')) return send(res, await adminRoute(emulator, method, url, text));
    const answer = await arm(emulator, req, res, method, url, text);
    if (answer) send(res, answer);
  } catch (err) {
    send(res, armError(500, 'InternalServerError', err instanceof Error ? err.message : String(err)));
  }
}

async function arm(emulator: Internal, req: IncomingMessage, res: ServerResponse, method: string, url: URL, text: string): Promise<ArmResponse | undefined> {
  const route = matchRoute(url.pathname);
  if (!route) return armError(404, 'InvalidResourceType', `The emulator does not serve ${method} ${url.pathname}.`);
  if (!url.searchParams.get('api-version')) return armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  const caller = callerFromAuthorization(req.headers.authorization);
  if (!caller) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  if (emulator.latencyMs > 0) await sleep(emulator.latencyMs);
  const isWrite = method !== 'GET';
  const op = `${method === 'GET' && (route.kind === 'sites' || route.kind === 'slots' || route.kind === 'subscriptions') ? 'LIST' : method} ${route.kind}`;
  emulator.stats.count(op);
  const subscriptionId = route.target.subscriptionId ?? 'tenant';
  const budget = emulator.throttle.take(subscriptionId, isWrite ? 'write' : 'read');
  if (!budget.ok) {
    emulator.stats.throttled++;
    const seconds = String(Math.max(1, Math.ceil(budget.retryAfterMs / 1000)));
    return armError(429, 'TooManyRequests', 'Number of requests for subscription exceeded the limit.', { 'retry-after': seconds });
  }
  const fault = emulator.faults.pick(method, url.pathname);
  if (fault && fault !== '202') {
    emulator.stats.faults++;
    const faulted = await applyFault(fault, emulator, res);
    if (faulted !== 'continue') return faulted;
  }
  const rateHeader = { [`x-ms-ratelimit-remaining-subscription-${isWrite ? 'writes' : 'reads'}`]: String(budget.remaining) };
  if (!isWrite) return withHeaders(readRoute(emulator.fleet, route, url, emulator.pageSize), rateHeader);
  if (method !== 'PUT' && method !== 'PATCH' && method !== 'DELETE') return armError(405, 'MethodNotAllowed', `${method} is not supported here.`);
  if (route.kind !== 'site' && route.kind !== 'slot') return armError(405, 'MethodNotAllowed', `${method} is not supported on a collection.`);
  const body = parseBody(text);
  if (!body) return armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const answer = applyWrite(emulator, route, method, body, caller, url.toString());
  emulator.stats.writes.push({ method, path: url.pathname, body, caller, status: answer.status, at: new Date().toISOString() });
  if (fault === '202' && answer.status === 200) answer.status = 202;
  return withHeaders(answer, rateHeader);
}

async function applyFault(fault: string, emulator: Internal, res: ServerResponse): Promise<ArmResponse | undefined | 'continue'> {
  if (fault === 'drop') {
    res.socket?.destroy();
    return undefined;
  }
  if (fault === 'slow') {
    await sleep(Math.max(1500, emulator.latencyMs * 10));
    return 'continue';
  }
  if (fault === '429') return armError(429, 'TooManyRequests', 'Injected throttling.', { 'retry-after': '1' });
  if (fault === '403') return armError(403, 'AuthorizationFailed', "The client does not have authorization to perform this action.");
  if (fault === '503') return armError(503, 'ServiceUnavailable', 'Injected: the service is unavailable.', { 'retry-after': '1' });
  return armError(500, 'InternalServerError', 'Injected: an internal error occurred.');
}

function parseBody(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function withHeaders(answer: ArmResponse, headers: Record<string, string>): ArmResponse {
  return { ...answer, headers: { ...headers, ...(answer.headers ?? {}) } };
}

export function send(res: ServerResponse, answer: ArmResponse): void {
  if (res.destroyed || res.headersSent) return;
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), 'x-ms-request-id': crypto.randomUUID(), ...(answer.headers ?? {}) });
  res.end(text);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export type { EmulatorOptions };
