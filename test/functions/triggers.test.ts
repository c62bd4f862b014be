import { InvocationContext } from '@azure/functions';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { onEventGrid } from '../../functions/onEventGrid.js';
import { onEventQueue } from '../../functions/onEventQueue.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, startStack, type Stack } from '../support/stack.js';

const SUB = 'f0f0f0f0-0000-4000-8000-000000000001';
const QUEUE_SITE = siteId(SUB, 'rg-fn', 'queue-app');
const GRID_SITE = siteId(SUB, 'rg-fn', 'grid-app');

let stack: Stack;
const published: Array<Record<string, unknown>> = [];
let queue: QueueClient;

function contextFor(dequeueCount = 1): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const context = new InvocationContext({
    functionName: 'test',
    triggerMetadata: { dequeueCount, id: 'message-1' },
    logHandler: (level, ...args) => lines.push(`${level}: ${args.map(String).join(' ')}`),
  });
  return { context, lines };
}

/** Take one message off the queue and hand it over as the Functions runtime does with messageEncoding base64. */
async function receiveAsRuntime(): Promise<unknown> {
  const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 1 });
  const item = receivedMessageItems[0];
  if (!item) throw new Error('queue is empty');
  await queue.deleteMessage(item.messageId, item.popReceipt);
  const text = Buffer.from(item.messageText, 'base64').toString('utf8');
  return JSON.parse(text) as unknown;
}

beforeAll(async () => {
  stack = await startStack({
    subscribe: false,
    emulator: { eventSink: (e) => published.push(e) },
    seed: {
      subscriptions: [
        {
          id: SUB,
          sites: [
            { resourceGroup: 'rg-fn', name: 'queue-app', clientCertEnabled: true, clientCertMode: 'Required' },
            { resourceGroup: 'rg-fn', name: 'grid-app', clientCertEnabled: true, clientCertMode: 'Required' },
          ],
        },
      ],
    },
  });
  for (const [name, value] of Object.entries(stack.env)) vi.stubEnv(name, value);
  queue = new QueueClient(inject('azurite').connectionString, `${String(stack.env.MTLS_TABLE_PREFIX).toLowerCase()}-events`);
  await queue.create();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
});

describe('functions/onEventQueue (Event Grid → Storage Queue → queue trigger)', () => {
  it('evaluates the site named by a base64 queue message written as Event Grid writes it', async () => {
    stack.emu.userWrite(QUEUE_SITE, { clientCertEnabled: false }, ALICE);
    // Event Grid's Storage Queue destination: one event per message, JSON, base64-encoded.
    await queue.sendMessage(Buffer.from(JSON.stringify(published.at(-1))).toString('base64'));
    const { context } = contextFor();

    await onEventQueue(await receiveAsRuntime(), context);

    const finding = await stack.deps.findings.get(QUEUE_SITE.toLowerCase());
    expect(finding?.status).toBe('noncompliant');
    expect(finding?.lastCaller?.name).toBe(ALICE.name);
  });

  it('rethrows a message it cannot parse and says it goes to the poison queue on the last attempt', async () => {
    const { context, lines } = contextFor(10);

    await expect(onEventQueue('not json at all {', context)).rejects.toThrow();

    expect(lines.join('\n')).toMatch(/poison queue/);
  });

  it('rethrows a transient failure so the message is retried', async () => {
    stack.emu.faults.inject({ kind: '503', method: 'GET', pathIncludes: '/queue-app' }, 10);
    const event = { ...published.at(-1), id: 'retry-me-1' };
    const { context, lines } = contextFor(1);

    await expect(onEventQueue(event, context)).rejects.toThrow(/retr/i);

    stack.emu.faults.clear();
    expect(lines.join('\n')).toMatch(/will be retried/);
    await onEventQueue(event, contextFor(2).context);
    expect([...(await stack.deps.processedEvents.seen([{ eventId: 'retry-me-1', eventTime: String(published.at(-1)?.eventTime ?? published.at(-1)?.time) }]))]).toEqual(['retry-me-1']);
  });
});

describe('functions/onEventGrid (direct Event Grid trigger)', () => {
  it('evaluates the site named by the trigger input', async () => {
    stack.emu.userWrite(GRID_SITE, { clientCertMode: 'Optional' }, ALICE);

    await onEventGrid(published.at(-1) as never, contextFor().context);

    const finding = await stack.deps.findings.get(GRID_SITE.toLowerCase());
    // Never recorded compliant before (no sweep has run): baseline debt, the safe side.
    expect(finding?.reasons.map((r) => r.code)).toEqual(['mode-not-required', 'baseline-debt']);
  });

  it('logs an invalid event and carries on (Event Grid would retry a failure for 24 h)', async () => {
    const { context, lines } = contextFor();

    await onEventGrid({ id: 'bad', eventType: 'Microsoft.Resources.ResourceWriteSuccess' } as never, context);

    expect(lines.join('\n')).toMatch(/invalid event bad/);
  });

  it('drops input it cannot parse at all, without throwing', async () => {
    const { context, lines } = contextFor();

    await onEventGrid('not json {' as never, context);

    expect(lines.join('\n')).toMatch(/dropped an Event Grid delivery/);
  });
});
