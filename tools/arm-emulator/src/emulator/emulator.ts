import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ArmResponse } from './armErrors.js';
import { generateCertificate } from './certificate.js';
import type { FaultPlan } from './faults.js';
import type { Fleet } from './fleet.js';
import { handleRequest, type ServerContext } from './handle.js';
import type { FleetSeed } from './seed.js';
import { EmulatorState, type EmulatorOptions } from './state.js';
import type { EmulatorStats } from './stats.js';
import type { Throttle } from './throttle.js';
import type { EmulatorCaller } from './token.js';
import type { WebhookDeliveries, WebhookSubscription } from './webhooks.js';

/** A running emulator. `state` is the admin library; the other members are shortcuts to it. */
export interface Emulator {
  /** `https://127.0.0.1:PORT`: the `endpoint` for the SDK clients. */
  url: string;
  port: number;
  host: string;
  /** The self-signed certificate (PEM) to trust, e.g. with `trustExtraCaPolicy`. */
  caCertPem: string;
  state: EmulatorState;
  fleet: Fleet;
  stats: EmulatorStats;
  faults: FaultPlan;
  throttle: Throttle;
  deliveries: WebhookDeliveries;
  seed(seed: FleetSeed): number;
  subscribeWebhook(sub: WebhookSubscription): Promise<string>;
  userWrite(resourceId: string, properties: Record<string, unknown>, caller: EmulatorCaller, tags?: Record<string, string>): ArmResponse;
  userDelete(resourceId: string, caller: EmulatorCaller): ArmResponse;
  /** Resolves when every event published so far has been delivered (or given up on). */
  idle(): Promise<void>;
  flushDeliveries(): Promise<void>;
  /** Stops deliveries and the server (open connections included). Safe to call twice. */
  stop(): Promise<void>;
}

/** Start the ARM emulator: HTTPS with a certificate made now, for the real SDK clients. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const cert = await generateCertificate(host);
  const state = new EmulatorState(options);
  const ctx: ServerContext = { state, baseUrl: '', ...(options.adminKey ? { adminKey: options.adminKey } : {}) };
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => void handleRequest(ctx, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.baseUrl = url;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      state.deliveries.close();
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return facade({ url, port, host, caCertPem: cert.cert, state, stop });
}

function facade(base: Pick<Emulator, 'url' | 'port' | 'host' | 'caCertPem' | 'state' | 'stop'>): Emulator {
  const { state } = base;
  return {
    ...base,
    fleet: state.fleet,
    stats: state.stats,
    faults: state.faults,
    throttle: state.throttle,
    deliveries: state.deliveries,
    seed: (seed) => state.seed(seed),
    subscribeWebhook: (sub) => state.subscribeWebhook(sub),
    userWrite: (id, properties, caller, tags) => state.userWrite(id, properties, caller, tags),
    userDelete: (id, caller) => state.userDelete(id, caller),
    idle: () => state.idle(),
    flushDeliveries: () => state.flushDeliveries(),
  };
}
