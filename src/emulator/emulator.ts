import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ArmResponse } from './armErrors.js';
import { armError } from './armErrors.js';
import { matchRoute, writeRoute, type Route } from './armRoutes.js';
import { generateCertificate } from './certificate.js';
import { toEventGridEvent } from './eventShapes.js';
import { FaultPlan, type RandomFaults } from './faults.js';
import { Fleet } from './fleet.js';
import { DEFAULT_TENANT, type EmulatorCaller, type FleetSeed } from './model.js';
import { EmulatorStats } from './stats.js';
import { handle } from './handle.js';
import { AZURE_LIMITS, Throttle, type ThrottleLimits } from './throttle.js';
import { WebhookDeliveries, type DeliveryOptions, type WebhookSubscription } from './webhooks.js';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  latencyMs?: number;
  pageSize?: number;
  /** Per-subscription token buckets; `false` turns throttling off. Default: Azure's limits. */
  throttle?: ThrottleLimits | false;
  faults?: RandomFaults;
  tenantId?: string;
  delivery?: DeliveryOptions;
  /** Receives every Event Grid schema event (e.g. to put it on a Storage Queue as Event Grid does). */
  eventSink?: (event: Record<string, unknown>) => void;
  seed?: FleetSeed;
}

export interface Emulator {
  url: string;
  port: number;
  caCertPem: string;
  fleet: Fleet;
  stats: EmulatorStats;
  faults: FaultPlan;
  throttle: Throttle;
  deliveries: WebhookDeliveries;
  latencyMs: number;
  seed(seed: FleetSeed): number;
  subscribeWebhook(sub: WebhookSubscription): Promise<void>;
  /** A "user" write through the same path as an HTTP PATCH (events included). */
  userWrite(resourceId: string, properties: Record<string, unknown>, caller: EmulatorCaller): ArmResponse;
  userDelete(resourceId: string, caller: EmulatorCaller): ArmResponse;
  /** Resolves when every event published so far has been delivered or given up on. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Start the ARM emulator: HTTPS on loopback with a certificate made now, for the real SDK clients. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const cert = await generateCertificate(host);
  const emulator = createState(options, cert.cert);
  const server = https.createServer({ key: cert.key, cert: cert.cert, keepAlive: true }, (req, res) => {
    void handle(emulator as Internal, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  emulator.port = (server.address() as AddressInfo).port;
  emulator.url = `https://${host}:${emulator.port}`;
  emulator.stop = async () => {
    emulator.deliveries.unsubscribeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return emulator;
}

function createState(options: EmulatorOptions, caCertPem: string): Emulator {
  const fleet = new Fleet();
  const deliveries = new WebhookDeliveries(options.delivery ?? {});
  const tenantId = options.tenantId ?? DEFAULT_TENANT;
  const publish = (kind: 'write' | 'delete', resource: import('./model.js').ResourceRecord, caller: EmulatorCaller, created: boolean, url?: string, method?: string) => {
    const change = { kind, resource, caller, tenantId, at: new Date(), ...(created || !url ? {} : { httpRequest: { method: method ?? 'PATCH', url, clientIpAddress: '127.0.0.1' } }) };
    const event = toEventGridEvent(change);
    options.eventSink?.(event);
    deliveries.publish(event);
  };
  const emulator: Internal = {
    url: '',
    port: 0,
    caCertPem,
    fleet,
    stats: new EmulatorStats(),
    faults: new FaultPlan(options.faults),
    throttle: new Throttle(options.throttle === undefined ? AZURE_LIMITS : options.throttle),
    deliveries,
    latencyMs: options.latencyMs ?? 0,
    pageSize: options.pageSize ?? 50,
    publish,
    seed: (seed) => fleet.seed(seed),
    subscribeWebhook: (sub) => deliveries.subscribe(sub),
    userWrite: (id, properties, caller) => direct(emulator, 'PATCH', id, { properties }, caller),
    userDelete: (id, caller) => direct(emulator, 'DELETE', id, {}, caller),
    idle: () => deliveries.idle(),
    stop: async () => undefined,
  };
  if (options.seed) fleet.seed(options.seed);
  return emulator;
}

type Internal = Emulator & { publish: (kind: 'write' | 'delete', r: import('./model.js').ResourceRecord, c: EmulatorCaller, created: boolean, url?: string, method?: string) => void; pageSize: number };

function direct(emulator: Emulator, method: string, id: string, body: Record<string, unknown>, caller: EmulatorCaller): ArmResponse {
  const route = matchRoute(id);
  if (!route || (route.kind !== 'site' && route.kind !== 'slot')) return armError(400, 'InvalidResourceId', `not a site or slot id: ${id}`);
  return applyWrite(emulator as Internal, route, method, body, caller, `https://management.azure.com${id}?api-version=2024-04-01`);
}

function applyWrite(emulator: Internal, route: Route, method: string, body: Record<string, unknown>, caller: EmulatorCaller, url: string): ArmResponse {
  const result = writeRoute(emulator.fleet, route, method, body);
  if (result.changed) emulator.publish(result.changed.kind, result.changed.resource, caller, result.changed.created, url, method);
  return result.response;
}

export { applyWrite, type Internal };
