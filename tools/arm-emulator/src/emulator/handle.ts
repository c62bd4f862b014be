import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminRoute } from './admin.js';
import { armError, throttled, type ArmResponse } from './armErrors.js';
import { readRoute } from './armReads.js';
import { isResource, matchRoute, type Route } from './armRoutes.js';
import type { FaultKind } from './faults.js';
import { BodyTooLarge, header, parseJsonObject, readText, send, sleep, withHeaders } from './httpIo.js';
import type { EmulatorState } from './state.js';
import { callerFromAuthorization, type EmulatorCaller } from './token.js';

export interface ServerContext {
  state: EmulatorState;
  /** `https://host:port`, for absolute `nextLink`s. */
  baseUrl: string;
  adminKey?: string;
}

/** One request: the admin API, or an ARM call. Never throws; an unexpected error is ARM's 500. */
export async function handleRequest(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', ctx.baseUrl);
    const text = await readText(req);
    if (url.pathname.startsWith('/admin/')) return send(res, await adminRoute(ctx, req, url, text));
    const answer = await armRequest(ctx.state, req, res, url, text);
    ctx.state.stats.answered(answer?.status ?? 0);
    if (answer) send(res, answer);
  } catch (err) {
    if (err instanceof BodyTooLarge) return send(res, armError(413, 'RequestEntityTooLarge', err.message));
    send(res, armError(500, 'InternalServerError', err instanceof Error ? err.message : String(err)));
  }
}

/** ARM's order: authentication, api-version, throttling, then the operation. `undefined`: the connection was dropped. */
async function armRequest(state: EmulatorState, req: IncomingMessage, res: ServerResponse, url: URL, text: string): Promise<ArmResponse | undefined> {
  const method = (req.method ?? 'GET').toUpperCase();
  const route = matchRoute(url.pathname);
  if (!route) return armError(404, 'InvalidResourceType', `The emulator does not serve ${method} ${url.pathname}.`);
  const caller = callerFromAuthorization(req.headers.authorization);
  if (!caller) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  if (!url.searchParams.get('api-version')) return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  if (state.latencyMs > 0) await sleep(state.latencyMs);
  state.stats.count(operationName(method, route), route.target.subscriptionId);
  if (method !== 'GET' && !(isResource(route) && ['PUT', 'PATCH', 'DELETE'].includes(method))) {
    return armError(405, 'MethodNotAllowed', `${method} is not supported on ${url.pathname}.`);
  }
  const kind = method === 'GET' ? 'read' : 'write';
  const budget = state.throttle.take(`${route.target.subscriptionId ?? 'tenant'}|${caller.objectId}`, kind);
  if (!budget.ok) {
    state.stats.throttled++;
    return throttled(Math.max(1, Math.ceil(budget.retryAfterMs / 1000)), kind);
  }
  const fault = state.faults.pick({ method, path: url.pathname });
  if (fault) {
    state.stats.faults++;
    const faulted = await applyFault(fault, state, res, url.pathname);
    if (faulted !== 'continue') return faulted;
  }
  const correlationId = header(req, 'x-ms-correlation-request-id') ?? randomUUID();
  const headers = { [`x-ms-ratelimit-remaining-subscription-${kind}s`]: String(budget.remaining), 'x-ms-correlation-request-id': correlationId };
  if (method === 'GET') return withHeaders(readRoute(state.fleet, route, url, state.pageSize), headers);
  const answer = write(state, req, route, method, url, text, caller, correlationId);
  if (fault === '202' && method === 'PATCH' && answer.status === 200) answer.status = 202;
  return withHeaders(answer, headers);
}

function write(state: EmulatorState, req: IncomingMessage, route: Route, method: string, url: URL, text: string, caller: EmulatorCaller, correlationId: string): ArmResponse {
  const body = parseJsonObject(text);
  if (!body || !isResource(route)) return armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const clientRequestId = header(req, 'x-ms-client-request-id');
  const request = { method, url: url.toString(), correlationId, clientIpAddress: req.socket.remoteAddress ?? '127.0.0.1', ...(clientRequestId ? { clientRequestId } : {}) };
  const { response } = state.write(route.target, body, caller, request);
  state.stats.recordWrite({ method, path: url.pathname, body, caller, status: response.status, at: new Date().toISOString() });
  return response;
}

/** `LIST sites`, `GET site`, `PATCH slot`, ... (the counters tests and benchmarks read). */
function operationName(method: string, route: Route): string {
  const isList = route.kind === 'sites' || route.kind === 'slots' || route.kind === 'subscriptions';
  return `${method === 'GET' && isList ? 'LIST' : method} ${route.kind}`;
}

/** Error statuses answer now; `drop` destroys the socket; `slow` waits and proceeds; `202` acts after the write. */
async function applyFault(fault: FaultKind, state: EmulatorState, res: ServerResponse, path: string): Promise<ArmResponse | undefined | 'continue'> {
  switch (fault) {
    case 'drop':
      res.socket?.destroy();
      return undefined;
    case 'slow':
      await sleep(state.faults.slowMs);
      return 'continue';
    case '202':
      return 'continue';
    case '429':
      return throttled(1, 'read');
    case '403':
      return armError(403, 'AuthorizationFailed', 'The client does not have authorization to perform this action (injected).');
    case '503':
      return armError(503, 'ServiceUnavailable', 'The service is unavailable (injected).', { 'retry-after': '1' });
    case '500':
      return armError(500, 'InternalServerError', 'An internal error occurred (injected).');
    case 'policy':
      return armError(403, 'RequestDisallowedByPolicy', `Resource '${path.split('/').pop() ?? ''}' was disallowed by policy (injected).`);
    case 'locked':
      return armError(409, 'ScopeLocked', `The scope '${path}' cannot perform write operation because following scope(s) are locked: '${path}'. Please remove the lock and try again (injected).`);
  }
}
