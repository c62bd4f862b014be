import { randomUUID } from 'node:crypto';
import { toCloudEvent, type EventSchemaName } from './eventShapes.js';
import { sendRequest } from './httpPost.js';

export interface WebhookSubscription {
  url: string;
  schema: EventSchemaName;
  headers?: Record<string, string>;
  /** CA to trust when the webhook is HTTPS with its own certificate. */
  caPem?: string;
  /** Events per delivery (Event Grid allows up to 5,000); default 1. */
  maxEventsPerBatch?: number;
}

export interface DeliveryStats {
  published: number;
  deliveries: number;
  delivered: number;
  retried: number;
  failed: number;
}

export interface DeliveryOptions {
  /** Waits between attempts; Event Grid uses 10 s, 30 s, 1 min ... — shortened here for local use. */
  retryDelaysMs?: number[];
  batchWindowMs?: number;
}

/** Event Grid's no-retry statuses: the delivery is dropped (dead-lettered in Azure). */
const NO_RETRY = new Set([400, 401, 403, 413]);
const DEFAULT_DELAYS = [50, 200, 500, 1000];

interface Subscriber {
  sub: WebhookSubscription;
  buffer: Record<string, unknown>[];
  timer?: NodeJS.Timeout;
}

/** Event Grid's side of webhook delivery: handshake first, then batched, retried POSTs. */
export class WebhookDeliveries {
  readonly stats: DeliveryStats = { published: 0, deliveries: 0, delivered: 0, retried: 0, failed: 0 };
  private readonly subscribers: Subscriber[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: DeliveryOptions = {}) {}

  /** Validate the endpoint as Event Grid does, then start delivering to it. Throws if it fails the handshake. */
  async subscribe(sub: WebhookSubscription): Promise<void> {
    if (sub.schema === 'cloudevents') await cloudEventsHandshake(sub);
    else await eventGridHandshake(sub);
    this.subscribers.push({ sub, buffer: [] });
  }

  unsubscribeAll(): void {
    for (const s of this.subscribers) if (s.timer) clearTimeout(s.timer);
    this.subscribers.length = 0;
  }

  publish(event: Record<string, unknown>): void {
    this.stats.published++;
    for (const s of this.subscribers) {
      s.buffer.push(event);
      const max = s.sub.maxEventsPerBatch ?? 1;
      if (s.buffer.length >= max) this.flush(s);
      else s.timer ??= setTimeout(() => this.flush(s), this.options.batchWindowMs ?? 5);
    }
  }

  /** Resolves once every published event has been delivered or given up on. */
  async idle(): Promise<void> {
    for (const s of this.subscribers) if (s.buffer.length > 0) this.flush(s);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private flush(s: Subscriber): void {
    if (s.timer) clearTimeout(s.timer);
    delete s.timer;
    const batch = s.buffer.splice(0, s.buffer.length);
    if (batch.length === 0) return;
    const job = this.deliver(s.sub, batch).finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  private async deliver(sub: WebhookSubscription, batch: Record<string, unknown>[]): Promise<void> {
    this.stats.deliveries++;
    const delays = this.options.retryDelaysMs ?? DEFAULT_DELAYS;
    const { body, headers } = encodeBatch(sub, batch);
    for (let attempt = 0; ; attempt++) {
      const status = await sendRequest('POST', sub.url, headers, body, sub.caPem ? { caPem: sub.caPem } : {}).then((r) => r.status, () => 0);
      if (status >= 200 && status <= 204) {
        this.stats.delivered++;
        return;
      }
      if (NO_RETRY.has(status) || attempt >= delays.length) {
        this.stats.failed++;
        return;
      }
      this.stats.retried++;
      await new Promise((r) => setTimeout(r, delays[attempt]));
    }
  }
}

function encodeBatch(sub: WebhookSubscription, batch: Record<string, unknown>[]): { body: string; headers: Record<string, string> } {
  if (sub.schema === 'cloudevents') {
    return {
      body: JSON.stringify(batch.map(toCloudEvent)),
      headers: { ...sub.headers, 'content-type': 'application/cloudevents-batch+json; charset=utf-8' },
    };
  }
  return {
    body: JSON.stringify(batch),
    headers: { ...sub.headers, 'content-type': 'application/json', 'aeg-event-type': 'Notification', 'aeg-delivery-count': '0' },
  };
}

async function eventGridHandshake(sub: WebhookSubscription): Promise<void> {
  const code = randomUUID().toUpperCase();
  const event = {
    id: randomUUID(),
    topic: '/subscriptions/00000000-0000-0000-0000-000000000000',
    subject: '',
    data: { validationCode: code, validationUrl: 'https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/emulator/validate?id=x&t=y' },
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: new Date().toISOString(),
    metadataVersion: '1',
    dataVersion: '1',
  };
  const headers = { ...sub.headers, 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' };
  const res = await sendRequest('POST', sub.url, headers, JSON.stringify([event]), sub.caPem ? { caPem: sub.caPem } : {});
  let answer: unknown;
  try {
    answer = JSON.parse(res.body);
  } catch {
    answer = undefined;
  }
  if (res.status !== 200 || (answer as { validationResponse?: string } | undefined)?.validationResponse !== code) {
    throw new Error(`webhook ${redact(sub.url)} failed the Event Grid validation handshake (HTTP ${res.status})`);
  }
}

async function cloudEventsHandshake(sub: WebhookSubscription): Promise<void> {
  const headers = { ...sub.headers, 'webhook-request-origin': 'eventgrid.azure.net', 'webhook-request-rate': '120' };
  const res = await sendRequest('OPTIONS', sub.url, headers, undefined, sub.caPem ? { caPem: sub.caPem } : {});
  const allowed = String(res.headers['webhook-allowed-origin'] ?? '');
  if (res.status !== 200 || (allowed !== '*' && allowed.toLowerCase() !== 'eventgrid.azure.net')) {
    throw new Error(`webhook ${redact(sub.url)} failed the CloudEvents abuse-protection handshake (HTTP ${res.status})`);
  }
}

/** Never print a key that rides in the query string. */
function redact(url: string): string {
  const u = new URL(url);
  if (u.searchParams.has('code')) u.searchParams.set('code', '***');
  return u.toString();
}
