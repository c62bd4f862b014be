import type { NotifyChannel } from '../config/index.js';
import type { NotificationKind, OutboxItem } from '../store/index.js';

/** Items listed in one message; the rest are counted. */
export const DIGEST_LIMIT = 20;

/** What a message lists of one change: the outbox row without its storage keys and send batch. */
export type DigestItem = Omit<OutboxItem, 'partitionKey' | 'rowKey' | 'batch'>;

/** One message for one channel: what happened since its last one. */
export interface Digest {
  channel: string;
  /** The idempotency key: the send batch and the channel. */
  key: string;
  title: string;
  items: DigestItem[];
  /** Items not listed (beyond DIGEST_LIMIT). */
  more: number;
  counts: Partial<Record<NotificationKind, number>>;
  reportUrl?: string;
}

export const KIND_TITLES: Readonly<Record<NotificationKind, string>> = {
  'drift-detected': 'drift detected (audit)',
  'drift-reverted': 'drift reverted',
  flapping: 'flapping: left alone',
  'remediation-denied': 'remediation denied',
  'sweep-finished': 'sweep finished',
  'exemption-expiring': 'exemption expiring',
  'wave-notice': 'rollout wave coming',
  'wave-result': 'rollout wave applied',
};

/** Whether a channel wants an item (its subscriptions and kinds, when it lists them). */
export function wants(channel: NotifyChannel, item: Pick<OutboxItem, 'kind' | 'subscriptionId'>): boolean {
  // A sweep run spans subscriptions: a channel limited to some still hears that the run finished.
  if (channel.subscriptions && item.subscriptionId !== '' && !channel.subscriptions.some((s) => s.toLowerCase() === item.subscriptionId)) return false;
  return !channel.kinds || channel.kinds.includes(item.kind);
}

/** Pure: the digest of a channel's items, oldest first, 20 listed. */
export function buildDigest(channel: string, batch: string, items: readonly OutboxItem[], reportUrl?: string): Digest {
  const sorted = [...items].sort((a, b) => a.at.localeCompare(b.at) || a.resourceId.localeCompare(b.resourceId));
  const counts: Partial<Record<NotificationKind, number>> = {};
  for (const item of sorted) counts[item.kind] = (counts[item.kind] ?? 0) + 1;
  const summary = Object.entries(counts).map(([kind, n]) => `${n} ${KIND_TITLES[kind as NotificationKind]}`).join(', ');
  return {
    channel,
    key: `${batch}:${channel}`,
    title: `mTLS enforcer: ${summary}`,
    items: sorted.slice(0, DIGEST_LIMIT).map(({ kind, resourceId, subscriptionId, at, status, caller, detail }) => ({ kind, resourceId, subscriptionId, at, status, ...(caller ? { caller } : {}), ...(detail && kind !== 'drift-detected' && kind !== 'drift-reverted' ? { detail } : {}) })),
    more: Math.max(0, sorted.length - DIGEST_LIMIT),
    counts,
    ...(reportUrl ? { reportUrl } : {}),
  };
}

/** One line per item, as a person reads it. */
export function itemLine(item: DigestItem): string {
  if (item.kind === 'wave-notice' || item.kind === 'wave-result') return `${KIND_TITLES[item.kind]}: ${item.resourceId} (${item.status}), ${item.detail ?? ''}`;
  if (item.kind === 'exemption-expiring') return `exemption expiring: ${item.resourceId} ${item.status}, owner ${item.caller ?? 'unknown'}`;
  // An incomplete run is said loudly: some subscriptions were not swept, so the figures are partial.
  if (item.kind === 'sweep-finished') return `${item.status === 'incomplete' ? 'SWEEP INCOMPLETE' : 'sweep finished'}: run ${item.resourceId} (${item.status}), ${item.detail ?? ''}`;
  const name = item.resourceId.split('/providers/Microsoft.Web/')[1] ?? item.resourceId;
  const by = item.caller ? ` by ${item.caller}` : '';
  return `${KIND_TITLES[item.kind]}: ${name}${by} (subscription ${item.subscriptionId}, ${item.at})`;
}
