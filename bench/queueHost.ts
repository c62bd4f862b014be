import { readFileSync } from 'node:fs';
import functions, { type InvocationContext, type LogHandler } from '@azure/functions';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import { epochNow } from './common.js';

/**
 * A MODEL of the Azure Functions host's queue trigger, for the bench and tests (not product code):
 * it drains an Azurite queue the way the host drains the event queue, with the settings of
 * host.json `extensions.queues`, and calls the real handler (functions/onEventQueue.ts):
 * - receives up to `batchSize` messages at once, and another batch when the messages still
 *   running drop to `newBatchThreshold` (so at most batchSize + newBatchThreshold run together);
 * - decodes each message as `messageEncoding: base64` says, and hands JSON text over parsed (as
 *   the Node worker does), with `dequeueCount` and `id` in the trigger metadata;
 * - deletes a message whose invocation succeeded; one that failed becomes visible again after
 *   `visibilityTimeout`, and after its `maxDequeueCount`-th failed attempt is moved to
 *   `<queue>-poison` (a message found with more dequeues than that goes there unrun);
 * - polls an empty queue with a growing interval, from 100 ms to `maxPollingInterval`.
 * What it leaves out: lease renewal while a message runs (messages are received invisible for
 * 10 minutes), several instances, and the host's own retry of its storage calls.
 */
export interface QueueHostOptions {
  batchSize: number;
  newBatchThreshold: number;
  visibilityTimeoutMs: number;
  maxDequeueCount: number;
  maxPollingIntervalMs: number;
  minPollingIntervalMs: number;
  messageEncoding: 'base64' | 'none';
}

export type QueueHandler = (message: unknown, context: InvocationContext) => Promise<void>;

export interface QueueHostStats {
  completed: number;
  retried: number;
  poisoned: number;
  /** Completed messages whose delete failed: they come back after the receive's invisibility (as in the host). */
  deleteFailed: number;
}

/** What the host would do with each message (for latencies): when it was handed over, and how it ended. */
export interface MessageTrace {
  id: string;
  /** Epoch ms (sub-ms precision) when the handler was called... */
  receivedAt: number;
  /** ...and when it returned or threw (before the host's delete or update of the message). */
  settledAt: number;
  outcome: 'completed' | 'retried' | 'poisoned';
  message: unknown;
}

/** host.json `extensions.queues`, with the host's defaults for what it does not say. */
export function hostJsonQueueOptions(url = new URL('../host.json', import.meta.url)): QueueHostOptions {
  const json = JSON.parse(readFileSync(url, 'utf8')) as { extensions?: { queues?: Record<string, unknown> } };
  const q = json.extensions?.queues ?? {};
  return {
    batchSize: Number(q.batchSize ?? 16),
    newBatchThreshold: Number(q.newBatchThreshold ?? Math.floor(Number(q.batchSize ?? 16) / 2)),
    visibilityTimeoutMs: timeSpanMs(q.visibilityTimeout, 0),
    maxDequeueCount: Number(q.maxDequeueCount ?? 5),
    maxPollingIntervalMs: timeSpanMs(q.maxPollingInterval, 60_000),
    minPollingIntervalMs: 100,
    messageEncoding: q.messageEncoding === 'none' ? 'none' : 'base64',
  };
}

/** "hh:mm:ss" (the host's TimeSpan) or milliseconds. */
function timeSpanMs(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return fallback;
  const [h, m, s] = value.split(':').map(Number);
  return (((h ?? 0) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1000;
}

const RECEIVE_INVISIBLE_S = 600;

export class QueueHost {
  readonly stats: QueueHostStats = { completed: 0, retried: 0, poisoned: 0, deleteFailed: 0 };
  readonly traces: MessageTrace[] = [];
  private running = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  /** Polls begun, and the number of the last one that found the queue empty. */
  private polls = 0;
  private lastEmptyPoll = 0;

  constructor(
    private readonly queue: QueueClient,
    private readonly poison: QueueClient,
    private readonly handler: QueueHandler,
    private readonly options: QueueHostOptions = hostJsonQueueOptions(),
    private readonly logHandler: LogHandler = () => undefined,
    /** How a completed message is deleted (the SDK by default; the bench passes bare HTTP, see queueRest.ts). */
    private readonly remove: (messageId: string, popReceipt: string) => Promise<unknown> = (id, pop) => queue.deleteMessage(id, pop),
  ) {}

  /** Starts polling (again, after `stop`). */
  start(): this {
    if (!this.loop) {
      this.stopped = false;
      this.loop = this.poll().finally(() => (this.loop = undefined));
    }
    return this;
  }

  /** Stops polling and waits for the messages running to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.idle(false);
  }

  /** Resolves when nothing runs and (`emptyPoll`) a poll begun after this call found the queue empty. */
  idle(emptyPoll = true): Promise<void> {
    const begun = this.polls;
    return new Promise((resolve) => {
      const check = () => {
        if (this.running === 0 && (!emptyPoll || this.lastEmptyPoll > begun)) resolve();
        else this.idleWaiters.push(check);
      };
      check();
    });
  }

  private notify(): void {
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private async poll(): Promise<void> {
    let interval = this.options.minPollingIntervalMs;
    while (!this.stopped) {
      if (this.running > this.options.newBatchThreshold) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const poll = ++this.polls;
      const { receivedMessageItems } = await this.queue.receiveMessages({ numberOfMessages: this.options.batchSize, visibilityTimeout: RECEIVE_INVISIBLE_S });
      if (receivedMessageItems.length === 0) {
        this.lastEmptyPoll = poll;
        this.notify();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        interval = Math.min(interval * 2, this.options.maxPollingIntervalMs);
        continue;
      }
      interval = this.options.minPollingIntervalMs;
      for (const item of receivedMessageItems) {
        this.running++;
        void this.invoke(item).finally(() => {
          this.running--;
          if (this.running <= this.options.newBatchThreshold) this.wake?.();
          this.notify();
        });
      }
    }
  }

  private async invoke(item: DequeuedMessageItem): Promise<void> {
    const text = this.options.messageEncoding === 'base64' ? Buffer.from(item.messageText, 'base64').toString('utf8') : item.messageText;
    const message = parsed(text);
    const receivedAt = epochNow();
    let settledAt = receivedAt;
    const trace = (outcome: MessageTrace['outcome']): void => {
      this.traces.push({ id: item.messageId, receivedAt, settledAt, outcome, message });
    };
    if (item.dequeueCount > this.options.maxDequeueCount) {
      await this.toPoison(item);
      return trace('poisoned');
    }
    const context = new functions.InvocationContext({
      invocationId: `${item.messageId}:${item.dequeueCount}`,
      functionName: 'onEventQueue',
      logHandler: this.logHandler,
      triggerMetadata: { id: item.messageId, dequeueCount: item.dequeueCount, insertionTime: item.insertedOn.toISOString() },
    });
    try {
      await this.handler(message, context);
      settledAt = epochNow();
    } catch {
      settledAt = epochNow();
      if (item.dequeueCount >= this.options.maxDequeueCount) {
        await this.toPoison(item);
        return trace('poisoned');
      }
      this.stats.retried++;
      await this.queue.updateMessage(item.messageId, item.popReceipt, undefined, Math.round(this.options.visibilityTimeoutMs / 1000));
      return trace('retried');
    }
    try {
      await this.remove(item.messageId, item.popReceipt);
    } catch {
      this.stats.deleteFailed++;
    }
    this.stats.completed++;
    trace('completed');
  }

  private async toPoison(item: DequeuedMessageItem): Promise<void> {
    await this.poison.createIfNotExists();
    await this.poison.sendMessage(item.messageText);
    await this.queue.deleteMessage(item.messageId, item.popReceipt);
    this.stats.poisoned++;
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
