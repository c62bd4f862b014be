import { randomUUID } from 'node:crypto';
import { setTimeout as wait } from 'node:timers/promises';
import { inSchema, type EmulatorEvent, type EventSchemaName } from './eventShapes.js';
import { cloudEventsHandshake, eventGridHandshake } from './handshake.js';
import { redactUrl, sendRequest } from './httpPost.js';

/** An Event Grid event subscription with a webhook destination. */
export interface WebhookSubscription {
  url: string;
  /** Default: the emulator's `eventSchema` option (itself `eventgrid` by default). */
  schema?: EventSchemaName;
  /** Sent with every request (e.g. a Functions key). */
  headers?: Record<string, string>;
  /** CA to trust when the webhook is HTTPS with its own certificate. */
  caCertPem?: string;
  /**
   * A client certificate to present (PEM): Event Grid cannot, so in Azure an app that requires
   * client certificates is reached through a queue; the local host accepts deliveries this way.
   */
  clientCertificate?: { cert: string; key: string };
  /** Events per delivery (Event Grid allows up to 5,000); default 1. */
  maxEventsPerBatch?: number;
  /** Only these event types (case-insensitive); default all. */
  includedEventTypes?: string[];
  /** Only events of these Azure subscriptions (one system topic each in Azure); default all. */
  subscriptionIds?: string[];
}

export interface DeliveryStats {
  published: number;
  /** Batches handed to webhooks. */
  deliveries: number;
  /** HTTP attempts, retries included. */
  sent: number;
  delivered: number;
  retried: number;
  failed: number;
  /** Events the `eventSink` callback threw or rejected on. */
  sinkFailed: number;
}

export interface DeliveryOptions {
  /** Waits between attempts; Event Grid uses 10 s, 30 s, 1 min ... up to 24 h, shortened here. */
  retryDelaysMs?: number[];
  /** How long a partial batch waits for more events. */
  batchWindowMs?: number;
  /** Event Grid waits 30 s for an answer. */
  timeoutMs?: number;
}

/** Event Grid's no-retry statuses: the delivery is dropped (dead-lettered in Azure). */
const NO_RETRY = new Set([400, 401, 403, 413]);
const DEFAULT_DELAYS = [50, 200, 500, 1000];

interface Subscriber {
  id: string;
  sub: WebhookSubscription;
  schema: EventSchemaName;
  buffer: EmulatorEvent[];
  timer?: NodeJS.Timeout;
}

/** Event Grid's side of webhook delivery: handshake first, then batched, retried, asynchronous POSTs. */
export class WebhookDeliveries {
  readonly stats: DeliveryStats = { published: 0, deliveries: 0, sent: 0, delivered: 0, retried: 0, failed: 0, sinkFailed: 0 };
  private readonly subscribers: Subscriber[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private closing = new AbortController();

  constructor(
    private readonly options: DeliveryOptions = {},
    private readonly defaultSchema: EventSchemaName = 'eventgrid',
  ) {}

  /** Validates the endpoint as Event Grid does, then delivers to it; returns the subscription's id. Throws if the handshake fails. */
  async subscribe(sub: WebhookSubscription): Promise<string> {
    const schema = sub.schema ?? this.defaultSchema;
    if (schema === 'cloudevents') await cloudEventsHandshake(sub);
    else await eventGridHandshake(sub, `/subscriptions/${sub.subscriptionIds?.[0] ?? '00000000-0000-0000-0000-000000000000'}`);
    const id = randomUUID();
    this.subscribers.push({ id, sub, schema, buffer: [] });
    return id;
  }

  unsubscribe(id: string): boolean {
    const i = this.subscribers.findIndex((s) => s.id === id);
    if (i < 0) return false;
    const [gone] = this.subscribers.splice(i, 1);
    if (gone?.timer) clearTimeout(gone.timer);
    return true;
  }

  list(): Array<{ id: string; url: string; schema: EventSchemaName }> {
    return this.subscribers.map((s) => ({ id: s.id, url: redactUrl(s.sub.url), schema: s.schema }));
  }

  publish(event: EmulatorEvent): void {
    this.stats.published++;
    for (const s of this.subscribers) {
      if (!wants(s.sub, event)) continue;
      s.buffer.push(event);
      if (s.buffer.length >= (s.sub.maxEventsPerBatch ?? 1)) this.flush(s);
      else s.timer ??= setTimeout(() => this.flush(s), this.options.batchWindowMs ?? 10);
    }
  }

  /** Await `work` in `idle()` too (e.g. an event sink putting events on a queue). */
  track(work: Promise<unknown>): void {
    const job = work.finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves once every event published so far has been delivered or given up on. */
  async idle(): Promise<void> {
    for (const s of this.subscribers) this.flush(s);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops delivering: drops subscriptions and cuts retry waits short. */
  close(): void {
    for (const s of this.subscribers) if (s.timer) clearTimeout(s.timer);
    this.subscribers.length = 0;
    this.closing.abort();
    this.closing = new AbortController();
  }

  private flush(s: Subscriber): void {
    if (s.timer) clearTimeout(s.timer);
    delete s.timer;
    const batch = s.buffer.splice(0, s.buffer.length);
    if (batch.length > 0) this.track(this.deliver(s, batch));
  }

  /** Event Grid retries the whole batch on any non-2xx except the no-retry statuses. */
  private async deliver(s: Subscriber, batch: EmulatorEvent[]): Promise<void> {
    this.stats.deliveries++;
    const delays = this.options.retryDelaysMs ?? DEFAULT_DELAYS;
    const signal = this.closing.signal;
    const body = JSON.stringify(batch.map((e) => inSchema(e, s.schema)));
    for (let attempt = 0; ; attempt++) {
      this.stats.sent++;
      const options = {
        timeoutMs: this.options.timeoutMs ?? 30_000,
        ...(s.sub.caCertPem ? { caCertPem: s.sub.caCertPem } : {}),
        ...(s.sub.clientCertificate ? { clientCertificate: s.sub.clientCertificate } : {}),
      };
      const status = await sendRequest('POST', s.sub.url, headersFor(s, attempt), body, options).then((r) => r.status, () => 0);
      if (status >= 200 && status <= 204) {
        this.stats.delivered++;
        return;
      }
      if (NO_RETRY.has(status) || attempt >= delays.length || signal.aborted) {
        this.stats.failed++;
        return;
      }
      this.stats.retried++;
      const waited = await wait(delays[attempt], true, { signal }).catch(() => false);
      if (!waited) {
        this.stats.failed++;
        return;
      }
    }
  }
}

function headersFor(s: Subscriber, attempt: number): Record<string, string> {
  const common = { ...s.sub.headers, 'aeg-subscription-name': `EMULATOR-${s.id.slice(0, 8).toUpperCase()}`, 'aeg-delivery-count': String(attempt) };
  if (s.schema === 'cloudevents') return { ...common, 'content-type': 'application/cloudevents-batch+json; charset=utf-8' };
  return { ...common, 'content-type': 'application/json; charset=utf-8', 'aeg-event-type': 'Notification', 'aeg-data-version': '2', 'aeg-metadata-version': '1' };
}

function wants(sub: WebhookSubscription, event: EmulatorEvent): boolean {
  const type = String(event.eventType ?? '').toLowerCase();
  const types = sub.includedEventTypes;
  if (types && !types.some((t) => t.toLowerCase() === type)) return false;
  const topic = String(event.topic ?? '').toLowerCase();
  return !sub.subscriptionIds || sub.subscriptionIds.some((id) => topic === `/subscriptions/${id.toLowerCase()}`);
}
