import { mapTableError } from './mapTableError.js';
import { queueClient, type QueueConnection } from './queueClient.js';

export interface ReplayResult {
  /** Messages put back on the queue (and removed from the poison queue). */
  moved: number;
  /** Messages left in the poison queue (approximate, as the service counts them). */
  left: number;
}

/** Where the Functions runtime puts a queue message that failed `maxDequeueCount` times. */
export const poisonQueueName = (queueName: string): string => `${queueName}-poison`;

/** Messages taken per round trip (the service's maximum). */
const BATCH = 32;

/**
 * Put messages of `{queue}-poison` back on `{queue}`, oldest first, at most `max`: what an
 * operator does after an outage outlasted the runtime's retries. Each message is sent before it is
 * deleted, so a crash in between duplicates it rather than losing it; the event path drops
 * duplicates by event id. Message text is moved unchanged (the trigger's base64 encoding included).
 */
export async function replayPoisonQueue(connection: QueueConnection, queueName: string, max: number): Promise<ReplayResult> {
  const poison = await queueClient(connection, poisonQueueName(queueName));
  const target = await queueClient(connection, queueName);
  try {
    if (!(await poison.exists())) return { moved: 0, left: 0 };
    await target.createIfNotExists();
    let moved = 0;
    while (moved < max) {
      const { receivedMessageItems } = await poison.receiveMessages({ numberOfMessages: Math.min(BATCH, max - moved), visibilityTimeout: 120 });
      if (receivedMessageItems.length === 0) break;
      for (const message of receivedMessageItems) {
        await target.sendMessage(message.messageText);
        await poison.deleteMessage(message.messageId, message.popReceipt);
        moved++;
      }
    }
    const { approximateMessagesCount } = await poison.getProperties();
    return { moved, left: approximateMessagesCount ?? 0 };
  } catch (err) {
    throw mapTableError(err, `replay ${poisonQueueName(queueName)}`);
  }
}
