import type { NotifyChannel } from '../config/index.js';
import type { NotifyOutbox, OutboxItem } from '../store/index.js';
import { buildDigest, wants } from './digest.js';
import { postMessage, type PostOptions } from './postMessage.js';
import { payloadFor } from './renderPayload.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface SenderDeps {
  outbox: NotifyOutbox;
  channels: readonly NotifyChannel[];
  /** At most one message per channel per this long (0: every tick). */
  digestMs: number;
  /** Subscriptions whose outbox rows to read (partitions of the Findings table). */
  subscriptions: () => Promise<string[]>;
  reportUrl?: () => Promise<string | undefined>;
  clock: () => Date;
  newId: () => string;
  log: Log;
  post?: PostOptions;
}

export interface SendSummary {
  batch?: string;
  items: number;
  sent: string[];
  failed: string[];
  /** True when rows wait for the digest window. */
  waiting: boolean;
}

/**
 * One sender tick. Rows a crashed tick claimed are resent as that same batch first (same
 * idempotency keys; channels already recorded are skipped); otherwise, once the digest window has
 * passed, every pending row is claimed as a new batch. Each channel gets one digest of the rows it
 * wants, its outcome (sent, or failed after bounded tries) is recorded under the batch, and only
 * then are the rows deleted: nothing is lost, and a recorded channel is never sent that batch again.
 */
export async function sendNotifications(deps: SenderDeps): Promise<SendSummary> {
  if (deps.channels.length === 0) return { items: 0, sent: [], failed: [], waiting: false };
  const pending = await deps.outbox.pending(await deps.subscriptions());
  const claimed = pending.find((i) => i.batch)?.batch;
  let batch = claimed;
  let items: OutboxItem[] = claimed ? pending.filter((i) => i.batch === claimed) : pending;
  if (items.length === 0) return { items: 0, sent: [], failed: [], waiting: false };
  if (!batch) {
    const now = deps.clock();
    const last = await deps.outbox.lastWindow();
    if (last && deps.digestMs > 0 && now.getTime() - Date.parse(last) < deps.digestMs) return { items: items.length, sent: [], failed: [], waiting: true };
    batch = `${now.toISOString().replace(/[-:.TZ]/g, '')}-${deps.newId().slice(0, 8)}`;
    items = items.slice(0, 5_000);
    await deps.outbox.claim(items, batch);
    await deps.outbox.setLastWindow(now.toISOString());
  }
  const reportUrl = await deps.reportUrl?.();
  const summary: SendSummary = { batch, items: items.length, sent: [], failed: [], waiting: false };
  for (const channel of deps.channels) {
    const mine = items.filter((i) => wants(channel, i));
    if (mine.length === 0 || (await deps.outbox.delivery(batch, channel.name))) continue;
    const digest = buildDigest(channel.name, batch, mine, reportUrl);
    const result = await postMessage(channel.url, payloadFor(channel.type, digest), digest.key, deps.post);
    await deps.outbox.recordDelivery(batch, channel.name, { status: result.ok ? 'sent' : 'failed', at: deps.clock().toISOString(), tries: result.tries, items: mine.length, ...(result.error ? { error: result.error } : {}) });
    // The channel's name, never its URL (a secret).
    const fields = { event: 'notification', channel: channel.name, batch, items: mine.length, tries: result.tries, status: result.ok ? 'sent' : 'failed' };
    if (result.ok) summary.sent.push(channel.name);
    else summary.failed.push(channel.name);
    if (result.ok) deps.log('info', `notification ${batch} sent to ${channel.name}: ${mine.length} item(s)`, fields);
    else deps.log('error', `notification ${batch} to ${channel.name} failed after ${result.tries} tries (${result.error ?? 'unknown'}): recorded, not retried`, { ...fields, error: result.error });
  }
  await deps.outbox.remove(items);
  return summary;
}
