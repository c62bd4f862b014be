import type { InvocationContext } from '@azure/functions';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { hostJsonQueueOptions, QueueHost } from '../../bench/queueHost.js';
import { onEventQueue } from '../../functions/onEventQueue.js';
import { generatedSubscriptionId } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, startStack, type Stack } from '../support/stack.js';

/**
 * The path Azure runs: the emulator's events go on an Azurite queue base64-encoded (as Event
 * Grid writes them), a model of the Functions host (bench/queueHost.ts, host.json's settings)
 * drains it into the real onEventQueue, up to 16 at once in this process. Concurrent invocations
 * are worked together (EventWindow), and each still succeeds or fails on its own event.
 */
const SUB = generatedSubscriptionId(0);
const SITES = 20;
let stack: Stack;
let queue: QueueClient;
let poison: QueueClient;
let host: QueueHost;
/** Messages whose invocation completed before their finding and dedupe mark were stored. */
const notDurable: string[] = [];
const siteIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => `/subscriptions/${SUB}/resourceGroups/rg-${(from + i) % 10}/providers/Microsoft.Web/sites/app-0-${from + i}`);

beforeAll(async () => {
  const connection = inject('azurite').connectionString;
  let name = '';
  stack = await startStack({
    subscribe: false,
    emulator: { eventSink: (e) => queue.sendMessage(Buffer.from(JSON.stringify(e)).toString('base64')) },
  });
  name = `${String(stack.env.MTLS_TABLE_PREFIX).toLowerCase()}-events`;
  queue = new QueueClient(connection, name);
  poison = new QueueClient(connection, `${name}-poison`);
  await queue.create();
  stack.emu.state.generate({ subscriptions: 1, sitesPerSubscription: SITES, slotEvery: 0, nonCompliantFraction: 0 });
  for (const [key, value] of Object.entries({ ...stack.env, MTLS_EVENT_QUEUE: name })) vi.stubEnv(key, value);
  // Shortened so the poisoned message's attempts fit a test: 2 attempts, visible again after 1 s.
  host = new QueueHost(queue, poison, durableOnCompletion, { ...hostJsonQueueOptions(), maxDequeueCount: 2, visibilityTimeoutMs: 1000, maxPollingIntervalMs: 200 }).start();
}, 60_000);

afterAll(async () => {
  await host?.stop();
  vi.unstubAllEnvs();
  await stack?.stop();
});

/** The real handler; once it completes, its event's finding and dedupe mark must already be stored. */
async function durableOnCompletion(message: unknown, context: InvocationContext): Promise<void> {
  await onEventQueue(message, context);
  const event = message as { id: string; eventTime: string; subject: string };
  const [finding, seen] = await Promise.all([stack.deps.findings.get(event.subject.toLowerCase()), stack.deps.processedEvents.seen([{ eventId: event.id, eventTime: event.eventTime }])]);
  if (!finding || !seen.has(event.id)) notDurable.push(event.id);
}

/** Users write `ids` (each written `times` times): the emulator puts each event on the queue. */
async function write(ids: string[], times = 1): Promise<void> {
  for (let t = 0; t < times; t++) for (const id of ids) expect(stack.emu.userWrite(id, { clientCertEnabled: false }, ALICE, { deploy: String(t) }).status).toBe(200);
  await stack.emu.idle();
}

describe('queue invocations worked together (Azurite queue → host model → onEventQueue)', () => {
  it('a burst of messages for one resource costs one ARM read', async () => {
    // Prepare: warm (tables exist, the runtime is built)
    await write(siteIds(SITES - 1, 1));
    await host.idle();
    stack.emu.stats.reset();
    const [id] = siteIds(0, 1) as [string];

    // Act: a deployment writes the app 4 times within a moment; the host finds the 4 messages in one poll
    await host.stop();
    await write([id], 4);
    host.start();
    await host.idle();

    // Assess: each invocation completed only once its finding and mark were stored
    expect(notDurable).toEqual([]);
    expect(stack.emu.stats.counts['GET site']).toBe(1);
    expect((await stack.deps.findings.get(id.toLowerCase()))?.status).toBe('noncompliant');
    expect(host.stats.completed).toBe(5);
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('one poisoned event among 16 leaves the other 15 recorded and their messages completed', async () => {
    // Prepare: ARM fails every read of one app
    const ids = siteIds(1, 16);
    const bad = (ids[7] as string).toLowerCase();
    stack.emu.faults.set((r) => (r.method === 'GET' && r.path.toLowerCase().startsWith(bad) ? '500' : undefined));
    const before = { ...host.stats };

    try {
      // Act
      await write(ids);
      await vi.waitFor(() => expect(host.stats.poisoned - before.poisoned).toBe(1), { timeout: 40_000, interval: 200 });
      await host.idle();
    } finally {
      stack.emu.faults.clear();
    }

    // Assess: 15 recorded and completed at their first attempt; the bad one retried once, then poisoned
    for (const id of ids) {
      const finding = await stack.deps.findings.get(id.toLowerCase());
      if (id.toLowerCase() === bad) expect(finding).toBeUndefined();
      else expect(finding?.status).toBe('noncompliant');
    }
    expect(host.stats.completed - before.completed).toBe(15);
    expect(host.stats.retried - before.retried).toBe(1);
    expect(notDurable).toEqual([]);
    const poisoned = (await poison.peekMessages({ numberOfMessages: 32 })).peekedMessageItems;
    expect(poisoned.map((m) => (JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as { subject: string }).subject.toLowerCase())).toEqual([bad]);
    expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
  }, 60_000);
});
