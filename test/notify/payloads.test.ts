import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDigest, slackPayload, teamsPayload, webhookPayload, type Digest } from '../../src/notify/index.js';
import type { OutboxItem } from '../../src/store/index.js';
import { SAMPLE_ITEMS } from './sampleItems.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/notify/${name}.json`, import.meta.url), 'utf8'));
const BATCH = '20261204020000000-1a2b3c4d';
const REPORT = 'https://mtlsstexample.blob.core.windows.net/reports/runs/08638203600000000-1a2b3c4d/report.html';
const sample = buildDigest('sec-teams', BATCH, SAMPLE_ITEMS, REPORT);
const burst: OutboxItem[] = Array.from({ length: 25 }, (_, i) => ({ ...(SAMPLE_ITEMS[i % 4] as OutboxItem), rowKey: `oh_${i}`, resourceId: `${SAMPLE_ITEMS[0]?.resourceId}-${i}`, at: `2026-12-04T01:${String(10 + i).padStart(2, '0')}:00.000Z` }));

type Json = Record<string, unknown>;

/** The documented shape of a Teams incoming-webhook message carrying an Adaptive Card (schema version 1.4). */
function teamsShapeErrors(payload: Json): string[] {
  const errors: string[] = [];
  const attachments = payload.attachments as Json[] | undefined;
  if (payload.type !== 'message') errors.push('type must be message');
  if (attachments?.length !== 1) return [...errors, 'exactly one attachment'];
  const [attachment] = attachments as [Json];
  if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive') errors.push('contentType');
  const card = attachment.content as Json;
  if (card.type !== 'AdaptiveCard' || card.version !== '1.4' || card.$schema !== 'http://adaptivecards.io/schemas/adaptive-card.json') errors.push('card type, version 1.4, $schema');
  for (const block of card.body as Json[]) if (block.type !== 'TextBlock' || typeof block.text !== 'string' || block.text === '') errors.push(`body element ${JSON.stringify(block)}`);
  for (const action of (card.actions as Json[] | undefined) ?? []) if (action.type !== 'Action.OpenUrl' || !String(action.url).startsWith('https://') || !action.title) errors.push('Action.OpenUrl needs title and url');
  return errors;
}

/** Slack's documented Block Kit limits for the blocks used: header, section (mrkdwn), context, actions (button). */
function slackShapeErrors(payload: Json): string[] {
  const errors: string[] = [];
  const blocks = payload.blocks as Json[];
  if (typeof payload.text !== 'string' || payload.text === '') errors.push('text (the notification fallback) is required');
  if (blocks.length === 0 || blocks.length > 50) errors.push('1 to 50 blocks');
  for (const b of blocks) {
    const text = b.text as Json | undefined;
    if (b.type === 'header' && !(text?.type === 'plain_text' && String(text.text).length <= 150)) errors.push('header: plain_text, at most 150');
    else if (b.type === 'section' && !(text?.type === 'mrkdwn' && String(text.text).length <= 3000)) errors.push('section: mrkdwn, at most 3000');
    else if (b.type === 'context' && !((b.elements as Json[]).length <= 10)) errors.push('context: at most 10 elements');
    else if (b.type === 'actions') {
      for (const e of b.elements as Json[]) if (e.type !== 'button' || (e.text as Json).type !== 'plain_text' || String((e.text as Json).text).length > 75 || String(e.url).length > 3000) errors.push('button');
    } else if (!['header', 'section', 'context', 'actions'].includes(String(b.type))) errors.push(`unknown block ${String(b.type)}`);
  }
  return errors;
}

describe('channel payloads', () => {
  it('render the sample digest exactly as the fixtures a reader sees', () => {
    expect(teamsPayload(sample)).toEqual(fixture('teams'));
    expect(slackPayload({ ...sample, channel: 'ops-slack', key: `${BATCH}:ops-slack` })).toEqual(fixture('slack'));
    expect(webhookPayload({ ...sample, channel: 'siem', key: `${BATCH}:siem` })).toEqual(fixture('webhook'));
  });

  it.each([['the sample', sample], ['a burst of 25 (20 listed, 5 counted)', buildDigest('x', BATCH, burst, REPORT)]] as Array<[string, Digest]>)('keep the documented Teams and Slack shapes: %s', (_name, digest) => {
    expect(teamsShapeErrors(teamsPayload(digest))).toEqual([]);
    expect(slackShapeErrors(slackPayload(digest))).toEqual([]);
  });

  it('list 20 items and count the rest', () => {
    const digest = buildDigest('x', BATCH, burst);

    expect(digest.items).toHaveLength(20);
    expect(digest.more).toBe(5);
    expect(JSON.stringify(slackPayload(digest))).toContain('and 5 more');
  });

  it('the shape checks can fail', () => {
    const card = fixture('teams') as Json;
    ((card.attachments as Json[])[0]?.content as Json).version = '1.6';
    const slack = fixture('slack') as Json;
    (slack.blocks as Json[]).push({ type: 'section', text: { type: 'plain_text', text: 'x'.repeat(3001) } });

    expect(teamsShapeErrors(card)).toEqual(['card type, version 1.4, $schema']);
    expect(slackShapeErrors(slack)).toEqual(['section: mrkdwn, at most 3000']);
  });
});
