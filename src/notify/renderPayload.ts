import type { NotifyChannel } from '../config/index.js';
import { itemLine, type Digest } from './digest.js';

/**
 * Teams (incoming webhook or Workflows URL): a message with one Adaptive Card attachment, schema
 * version 1.4 (what Teams renders in webhooks).
 */
export function teamsPayload(d: Digest): Record<string, unknown> {
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: d.title, weight: 'Bolder', size: 'Medium', wrap: true },
    ...d.items.map((item) => ({ type: 'TextBlock', text: `- ${itemLine(item)}`, wrap: true, spacing: 'Small' })),
  ];
  if (d.more > 0) body.push({ type: 'TextBlock', text: `and ${d.more} more`, isSubtle: true, wrap: true });
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(d.reportUrl ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the report', url: d.reportUrl }] } : {}),
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** Slack (incoming webhook): a header, the items as mrkdwn sections (3,000 characters each at most), the rest counted, a button. */
export function slackPayload(d: Digest): Record<string, unknown> {
  const lines = d.items.map((item) => `• ${itemLine(item)}`);
  const sections: string[] = [];
  for (const line of lines) {
    const last = sections.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= 3000) sections[sections.length - 1] = `${last}\n${line}`;
    else sections.push(line.slice(0, 3000));
  }
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: d.title.slice(0, 150) } },
    ...sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  if (d.more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${d.more} more` }] });
  if (d.reportUrl) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the report' }, url: d.reportUrl }] });
  return { text: d.title, blocks };
}

/** Generic JSON: the digest as is, with its idempotency key. */
export function webhookPayload(d: Digest): Record<string, unknown> {
  return { idempotencyKey: d.key, channel: d.channel, title: d.title, counts: d.counts, items: d.items, more: d.more, ...(d.reportUrl ? { reportUrl: d.reportUrl } : {}) };
}

export function payloadFor(type: NotifyChannel['type'], d: Digest): Record<string, unknown> {
  return type === 'teams' ? teamsPayload(d) : type === 'slack' ? slackPayload(d) : webhookPayload(d);
}
