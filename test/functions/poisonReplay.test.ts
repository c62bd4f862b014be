import { InvocationContext } from '@azure/functions';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { onEventQueue } from '../../functions/onEventQueue.js';
import { runCli } from '../../src/cli/index.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { cliIo } from '../support/cliIo.js';
import { ALICE, startStack, type Stack } from '../support/stack.js';

const SUB = 'f0f0f0f0-0000-4000-8000-0000000000aa';
const SITE = siteId(SUB, 'rg-p', 'poisoned-app');

let stack: Stack;
let queueName: string;
const published: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  stack = await startStack({
    subscribe: false,
    emulator: { eventSink: (e) => published.push(e) },
    seed: { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-p', name: 'poisoned-app', clientCertEnabled: true, clientCertMode: 'Required' }] }] },
  });
  queueName = `${String(stack.env.MTLS_TABLE_PREFIX).toLowerCase()}-events`;
  for (const [name, value] of Object.entries({ ...stack.env, MTLS_EVENT_QUEUE: queueName })) vi.stubEnv(name, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
});

describe('mtls-enforcer events replay (poison queue → event queue)', () => {
  it('puts poisoned events back, and the queue trigger then records the drift once despite a duplicate', async () => {
    // Prepare: a drift whose event exhausted its retries during an outage, poisoned twice (Event Grid redelivered it)
    expect(stack.emu.userWrite(SITE, { clientCertEnabled: false }, ALICE).status).toBe(200);
    const text = Buffer.from(JSON.stringify(published.at(-1))).toString('base64');
    const connection = inject('azurite').connectionString;
    const poison = new QueueClient(connection, `${queueName}-poison`);
    await poison.create();
    await poison.sendMessage(text);
    await poison.sendMessage(text);
    const io = cliIo({ ...stack.env, MTLS_EVENT_QUEUE: queueName });

    // Act
    const code = await runCli(['events', 'replay', '--json'], io);

    // Assess: both moved, unchanged; the trigger evaluates the first and drops the duplicate
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(io.out)).toEqual({ queue: queueName, poisonQueue: `${queueName}-poison`, moved: 2, left: 0 });
    const main = new QueueClient(connection, queueName);
    const { receivedMessageItems } = await main.receiveMessages({ numberOfMessages: 32 });
    expect(receivedMessageItems.map((m) => m.messageText)).toEqual([text, text]);
    for (const m of receivedMessageItems) {
      const message = JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as unknown;
      await onEventQueue(message, new InvocationContext({ functionName: 'onEventQueue', triggerMetadata: { dequeueCount: 1 } }));
    }
    expect((await stack.deps.findings.get(SITE.toLowerCase()))?.status).toBe('noncompliant');
    expect(await stack.deps.history.list(SITE.toLowerCase())).toHaveLength(1);
    expect((await poison.peekMessages()).peekedMessageItems).toHaveLength(0);
  });

  it('moves nothing when there is no poison queue, and refuses a bad --max', async () => {
    const io = cliIo({ ...stack.env, MTLS_EVENT_QUEUE: `${queueName}x` });
    const bad = cliIo(stack.env);

    expect(await runCli(['events', 'replay'], io)).toBe(0);
    expect(await runCli(['events', 'replay', '--max', '0'], bad)).toBe(2);

    expect(io.out).toContain('moved 0 message(s)');
    expect(bad.err).toContain('--max must be');
  });
});
