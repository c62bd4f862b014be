import type { ArmResponse } from './armErrors.js';
import type { Internal } from './emulator.js';
import type { FaultKind, FaultRule } from './faults.js';
import { generateFleet, type GenerateOptions } from './generateFleet.js';
import type { EmulatorCaller, FleetSeed } from './model.js';
import type { WebhookSubscription } from './webhooks.js';

/**
 * The emulator's own admin API (not ARM): seed, subscribe webhooks, user writes, faults, stats.
 * It serves loopback only; it is a development tool.
 */
export async function adminRoute(emulator: Internal, method: string, url: URL, text: string): Promise<ArmResponse> {
  const path = url.pathname.replace(/^\/admin\//, '');
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (method === 'GET' && path === 'stats') return ok({ ...emulator.stats.snapshot(), size: emulator.fleet.size(), deliveries: emulator.deliveries.stats });
  if (method !== 'POST') return { status: 405, body: { error: 'admin routes take POST (GET for stats)' } };
  switch (path) {
    case 'seed':
      return ok({ seeded: emulator.seed(body as unknown as FleetSeed) });
    case 'generate':
      return ok({ generated: generateFleet(emulator.fleet, body as unknown as GenerateOptions) });
    case 'webhooks':
      await emulator.subscribeWebhook(body as unknown as WebhookSubscription);
      return ok({ subscribed: true });
    case 'write':
      return emulator.userWrite(String(body.id), (body.properties ?? {}) as Record<string, unknown>, callerOf(body));
    case 'delete':
      return emulator.userDelete(String(body.id), callerOf(body));
    case 'faults':
      if (body.rate !== undefined) emulator.faults.random = { rate: Number(body.rate), kinds: (body.kinds ?? ['500']) as FaultKind[] };
      else emulator.faults.inject(body as unknown as FaultRule, Number(body.count ?? 1));
      return ok({ ok: true });
    case 'latency':
      emulator.latencyMs = Math.max(0, Number(body.ms ?? 0));
      return ok({ latencyMs: emulator.latencyMs });
    case 'reset-stats':
      emulator.stats.reset();
      return ok({ ok: true });
    default:
      return { status: 404, body: { error: `no admin route ${path}` } };
  }
}

function callerOf(body: Record<string, unknown>): EmulatorCaller {
  const c = (body.caller ?? {}) as Partial<EmulatorCaller>;
  const caller: EmulatorCaller = { objectId: c.objectId ?? 'admin-user' };
  if (c.appId) caller.appId = c.appId;
  if (c.name) caller.name = c.name;
  return caller;
}

const ok = (body: unknown): ArmResponse => ({ status: 200, body });
