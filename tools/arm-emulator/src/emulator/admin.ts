import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ArmResponse } from './armErrors.js';
import { isResource, matchRoute } from './armRoutes.js';
import type { FaultKind, FaultRule, RandomFaults } from './faults.js';
import type { GenerateOptions } from './generateFleet.js';
import type { ServerContext } from './handle.js';
import { header, parseJsonObject } from './httpIo.js';
import { toArmJson } from './resource.js';
import type { FleetSeed } from './seed.js';
import type { EmulatorState } from './state.js';
import type { ThrottleLimits } from './throttle.js';
import { callerFromAuthorization, type EmulatorCaller } from './token.js';
import type { WebhookSubscription } from './webhooks.js';

type Body = Record<string, unknown>;
type AdminHandler = (state: EmulatorState, body: Body, url: URL) => ArmResponse | Promise<ArmResponse>;

const ok = (body: unknown): ArmResponse => ({ status: 200, body });
const bad = (message: string): ArmResponse => ({ status: 400, body: { error: { code: 'BadRequest', message } } });
const FAULT_KINDS = new Set<FaultKind>(['500', '503', '429', '403', 'drop', 'slow', '202', 'policy', 'locked']);

/**
 * The emulator's own admin API under `/admin/` (not ARM; no bearer token, optional `x-admin-key`).
 * Each route is a thin wrapper over the same-named operation on EmulatorState.
 */
const ROUTES: Record<string, AdminHandler> = {
  'GET stats': (s) => ok({ ...s.stats.snapshot(), writes: s.stats.writes.length, size: s.fleet.size(), deliveries: s.deliveryStats, webhooks: s.deliveries.list() }),
  'GET requests': (s) => ok(s.stats.snapshot()),
  'GET resource': (s, _b, url) => resource(s, url.searchParams.get('id') ?? ''),
  'POST reset-stats': (s) => (s.resetCounters(), ok({ reset: true })),
  'POST seed': (s, b) => (Array.isArray(b.subscriptions) ? ok({ seeded: s.seed(b as unknown as FleetSeed) }) : bad('a seed needs subscriptions: [...]')),
  'POST generate': (s, b) => generate(s, b),
  'POST webhooks': async (s, b) => (typeof b.url === 'string' ? ok({ id: await s.subscribeWebhook(b as unknown as WebhookSubscription) }) : bad('a webhook needs a url')),
  'POST write': (s, b) => s.userWrite(String(b.id ?? ''), isObject(b.properties) ? b.properties : {}, callerOf(b), isObject(b.tags) ? (b.tags as Record<string, string>) : undefined),
  'POST delete': (s, b) => s.userDelete(String(b.id ?? ''), callerOf(b)),
  'POST faults': (s, b) => faults(s, b),
  'POST latency': (s, b) => (s.setLatency(Number(b.ms ?? 0) || 0), ok({ latencyMs: s.latencyMs })),
  'POST throttle': (s, b) => (s.setThrottle(b.enabled === false ? false : (b as Partial<ThrottleLimits>)), ok({ limits: s.throttle.limits })),
  'POST flush': async (s) => (await s.flushDeliveries(), ok({ deliveries: s.deliveryStats })),
};

export async function adminRoute(ctx: ServerContext, req: IncomingMessage, url: URL, text: string): Promise<ArmResponse> {
  if (ctx.adminKey && !sameSecret(header(req, 'x-admin-key') ?? '', ctx.adminKey)) return { status: 401, body: { error: { code: 'Unauthorized', message: 'x-admin-key is missing or wrong' } } };
  const path = url.pathname.slice('/admin/'.length).replace(/\/$/, '');
  const method = (req.method ?? 'GET').toUpperCase();
  const webhook = /^webhooks\/([^/]+)$/.exec(path);
  if (method === 'DELETE' && webhook) return ok({ removed: ctx.state.unsubscribeWebhook(decodeURIComponent(webhook[1] as string)) });
  const handler = ROUTES[`${method} ${path}`];
  if (!handler) return { status: 404, body: { error: { code: 'NotFound', message: `no admin route ${method} /admin/${path}`, routes: Object.keys(ROUTES) } } };
  const body = parseJsonObject(text);
  if (!body) return bad('the body must be a JSON object');
  try {
    return await handler(ctx.state, body, url);
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
}

function resource(state: EmulatorState, id: string): ArmResponse {
  const route = matchRoute(id);
  const found = route && isResource(route) ? state.fleet.get(route.target) : undefined;
  return found ? ok(toArmJson(found)) : { status: 404, body: { error: { code: 'ResourceNotFound', message: `no site or slot ${id}` } } };
}

function generate(state: EmulatorState, b: Body): ArmResponse {
  const subscriptions = Number(b.subscriptions);
  const sitesPerSubscription = Number(b.sitesPerSubscription);
  if (!(subscriptions >= 1 && sitesPerSubscription >= 0)) return bad('generate needs subscriptions >= 1 and sitesPerSubscription >= 0');
  return ok({ generated: state.generate({ ...(b as unknown as GenerateOptions), subscriptions, sitesPerSubscription }), size: state.fleet.size() });
}

/** `{clear: true}`, a random rate `{rate, kinds}`, or one-off faults `{kind, count, method, pathIncludes}`; any with `slowMs`. */
function faults(state: EmulatorState, b: Body): ArmResponse {
  if (b.slowMs !== undefined) state.faults.slowMs = Math.max(0, Number(b.slowMs) || 0);
  if (b.clear === true) return (state.setFaults(undefined), ok({ cleared: true }));
  if (b.rate !== undefined) {
    const kinds = Array.isArray(b.kinds) ? (b.kinds as FaultKind[]) : ['500' as const];
    if (!kinds.every((k) => FAULT_KINDS.has(k))) return bad(`fault kinds are ${[...FAULT_KINDS].join(', ')}`);
    state.setFaults({ ...(b as unknown as RandomFaults), rate: Number(b.rate), kinds });
    return ok({ rate: Number(b.rate), kinds });
  }
  if (!FAULT_KINDS.has(b.kind as FaultKind)) return bad(`fault kind must be one of ${[...FAULT_KINDS].join(', ')}`);
  state.injectFault(b as unknown as FaultRule, Math.max(1, Number(b.count ?? 1) || 1));
  return ok({ injected: b.kind, count: Number(b.count ?? 1) || 1 });
}

/** The caller as `caller: {objectId, appId, name, upn}` or as a bearer `token`. */
function callerOf(b: Body): EmulatorCaller {
  if (typeof b.token === 'string') return callerFromAuthorization(`Bearer ${b.token}`) ?? { objectId: 'admin-user' };
  const c = isObject(b.caller) ? b.caller : {};
  const caller: EmulatorCaller = { objectId: typeof c.objectId === 'string' ? c.objectId : 'admin-user' };
  if (typeof c.appId === 'string') caller.appId = c.appId;
  if (typeof c.name === 'string') caller.name = c.name;
  if (typeof c.upn === 'string') caller.upn = c.upn;
  return caller;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
