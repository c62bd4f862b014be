import { randomUUID } from 'node:crypto';
import { armError, type ArmResponse } from './armErrors.js';
import { isResource, matchRoute } from './armRoutes.js';
import { writeRoute, type WriteResult } from './armWrites.js';
import { inSchema, toEventGridEvent, type EmulatorEvent, type EventSchemaName } from './eventShapes.js';
import { FaultPlan, type FaultOptions, type FaultRule } from './faults.js';
import { DEFAULT_TENANT, Fleet, type Target } from './fleet.js';
import { generateFleet, type GenerateOptions } from './generateFleet.js';
import type { FleetSeed } from './seed.js';
import { EmulatorStats } from './stats.js';
import { Throttle, type ThrottleLimits } from './throttle.js';
import type { EmulatorCaller } from './token.js';
import { WebhookDeliveries, type DeliveryOptions, type DeliveryStats, type WebhookSubscription } from './webhooks.js';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Added to every ARM request. */
  latencyMs?: number;
  /** Items per list page before `nextLink`. Default 50. */
  pageSize?: number;
  /** Per subscription and principal token buckets; `false` turns throttling off. Default: Azure's limits. */
  throttle?: Partial<ThrottleLimits> | false;
  faults?: FaultOptions;
  /** Schema of webhooks that do not say, and of the events handed to `eventSink`. Default `eventgrid`. */
  eventSchema?: EventSchemaName;
  tenantId?: string;
  delivery?: DeliveryOptions;
  /** Receives every event (e.g. to put it on a Storage Queue as Event Grid does); a returned promise is awaited by `idle()`. */
  eventSink?: (event: EmulatorEvent) => unknown;
  seed?: FleetSeed;
  /** When set, `/admin/` requests need header `x-admin-key` with this value. */
  adminKey?: string;
}

/** The request behind a write, as the event's `httpRequest` and `correlationId` report it. */
export interface WriteRequest {
  method: string;
  url: string;
  clientRequestId?: string;
  correlationId?: string;
  clientIpAddress?: string;
}

/**
 * Everything the emulator holds, and the admin operations on it (the library face of `/admin/`):
 * fleet, counters, faults, throttling, latency, webhooks, and writes made "as a user".
 */
export class EmulatorState {
  readonly fleet: Fleet;
  readonly stats = new EmulatorStats();
  readonly faults: FaultPlan;
  readonly throttle: Throttle;
  readonly deliveries: WebhookDeliveries;
  readonly tenantId: string;
  readonly eventSchema: EventSchemaName;
  latencyMs: number;
  pageSize: number;
  private readonly sink: EmulatorOptions['eventSink'];

  constructor(options: EmulatorOptions = {}) {
    this.tenantId = options.tenantId ?? DEFAULT_TENANT;
    this.fleet = new Fleet(this.tenantId);
    this.faults = new FaultPlan(options.faults);
    this.throttle = new Throttle(options.throttle ?? {});
    this.eventSchema = options.eventSchema ?? 'eventgrid';
    this.deliveries = new WebhookDeliveries(options.delivery ?? {}, this.eventSchema);
    this.latencyMs = Math.max(0, options.latencyMs ?? 0);
    this.pageSize = Math.max(1, options.pageSize ?? 50);
    this.sink = options.eventSink;
    if (options.seed) this.fleet.seed(options.seed);
  }

  /** Adds subscriptions, resource groups, sites and slots; emits no events. Returns sites + slots added. */
  seed(seed: FleetSeed): number {
    return this.fleet.seed(seed);
  }

  /** A large synthetic fleet (see GenerateOptions); no events. */
  generate(options: GenerateOptions): number {
    return generateFleet(this.fleet, options);
  }

  /** Handshake, then deliver every later event to `sub`; returns the subscription id. */
  subscribeWebhook(sub: WebhookSubscription): Promise<string> {
    return this.deliveries.subscribe(sub);
  }

  unsubscribeWebhook(id: string): boolean {
    return this.deliveries.unsubscribe(id);
  }

  /** A change made by someone else (drift): a PATCH of `properties` (and `tags`) as `caller`, event included. */
  userWrite(resourceId: string, properties: Record<string, unknown>, caller: EmulatorCaller, tags?: Record<string, string>): ArmResponse {
    return this.direct('PATCH', resourceId, { properties, ...(tags ? { tags } : {}) }, caller);
  }

  userDelete(resourceId: string, caller: EmulatorCaller): ArmResponse {
    return this.direct('DELETE', resourceId, {}, caller);
  }

  /** Performs a PUT, PATCH or DELETE and, when it succeeded, publishes its event. */
  write(target: Target, body: Record<string, unknown>, caller: EmulatorCaller, request: WriteRequest): WriteResult {
    const result = writeRoute(this.fleet, target, request.method, body);
    if (result.changed) this.emit(result, caller, request);
    return result;
  }

  resetCounters(): void {
    this.stats.reset();
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /** Standing faults (random rate or a decider); `undefined` clears them and any queued ones. */
  setFaults(faults: FaultOptions | undefined): void {
    if (faults === undefined) this.faults.clear();
    else this.faults.set(faults);
  }

  /** Fail the next `count` requests matching `rule`. */
  injectFault(rule: FaultRule, count = 1): void {
    this.faults.inject(rule, count);
  }

  setThrottle(limits: Partial<ThrottleLimits> | false): void {
    this.throttle.limits = limits;
  }

  get deliveryStats(): DeliveryStats {
    return this.deliveries.stats;
  }

  /** Resolves when every event published so far has been delivered (or given up on) and sunk. */
  flushDeliveries(): Promise<void> {
    return this.deliveries.idle();
  }

  idle(): Promise<void> {
    return this.deliveries.idle();
  }

  private direct(method: string, resourceId: string, body: Record<string, unknown>, caller: EmulatorCaller): ArmResponse {
    const route = matchRoute(resourceId);
    if (!route || !isResource(route)) return armError(400, 'InvalidResourceId', `Not a site or slot id: ${resourceId}`);
    const url = `https://management.azure.com${resourceId}?api-version=2024-11-01`;
    return this.write(route.target, body, caller, { method, url }).response;
  }

  private emit(result: WriteResult, caller: EmulatorCaller, request: WriteRequest): void {
    const change = result.changed;
    if (!change) return;
    const tenantId = this.fleet.subscription(change.resource.subscriptionId)?.tenantId ?? this.tenantId;
    const httpRequest = {
      clientRequestId: request.clientRequestId ?? randomUUID(),
      clientIpAddress: request.clientIpAddress ?? '127.0.0.1',
      method: request.method,
      url: request.url,
    };
    const event = toEventGridEvent({
      ...change,
      caller,
      tenantId,
      correlationId: request.correlationId ?? randomUUID(),
      at: new Date(),
      ...(change.created ? {} : { httpRequest }),
    });
    this.deliveries.publish(event);
    this.toSink(event);
  }

  /** The sink must not break the ARM answer: its failures are counted, not thrown. */
  private toSink(event: EmulatorEvent): void {
    if (!this.sink) return;
    const failed = () => void this.deliveries.stats.sinkFailed++;
    try {
      const done = this.sink(inSchema(event, this.eventSchema));
      if (isThenable(done)) this.deliveries.track(Promise.resolve(done).catch(failed));
    } catch {
      failed();
    }
  }
}

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';
