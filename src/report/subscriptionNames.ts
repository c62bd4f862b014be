import type { ReportInput } from './types.js';

/** A subscription's display name, or undefined when nobody recorded one. */
export type NameOf = (subscriptionId: string) => string | undefined;

/** Names for the report: the run's own rows first, then those the caller gathered from earlier runs. */
export function subscriptionNames(input: Pick<ReportInput, 'run' | 'subscriptionNames'>): NameOf {
  const names = new Map<string, string>();
  for (const [id, name] of Object.entries(input.subscriptionNames ?? {})) if (name) names.set(id.toLowerCase(), name);
  for (const s of input.run?.subscriptions ?? []) if (s.subscriptionName) names.set(s.subscriptionId.toLowerCase(), s.subscriptionName);
  return (subscriptionId) => names.get(subscriptionId.toLowerCase());
}

/** `contoso-prod (0000…)`, or the id alone when it has no name: what people know next to what Azure knows. */
export function subscriptionLabel(item: { subscriptionId: string; subscriptionName?: string }): string {
  return item.subscriptionName ? `${item.subscriptionName} (${item.subscriptionId})` : item.subscriptionId;
}

/** The item with `subscriptionName` right after `subscriptionId` (when known), so JSON keys keep one order. */
export function withSubscriptionName<T extends { subscriptionId: string; subscriptionName?: string }>(item: T, nameOf: NameOf): T {
  const name = nameOf(item.subscriptionId);
  if (!name) return item;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'subscriptionName') continue;
    out[key] = value;
    if (key === 'subscriptionId') out.subscriptionName = name;
  }
  // Same keys as T plus a string subscriptionName, which T allows.
  return out as T;
}
