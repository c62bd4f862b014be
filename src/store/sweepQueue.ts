import type { QueueClient } from '@azure/storage-queue';
import type { SweepJob, SweepQueue } from '../model/index.js';
import { mapTableError } from './mapTableError.js';
import { queueClient, type QueueConnection } from './queueClient.js';

export interface SweepQueueOptions extends QueueConnection {
  queueName: string;
}

/**
 * The sweep fan-out queue. Messages are base64 JSON, as host.json's `messageEncoding` tells the
 * queue trigger to expect. The client is made, and the queue created, on first use.
 */
export function createSweepQueue(options: SweepQueueOptions): SweepQueue {
  let ready: Promise<QueueClient> | undefined;
  const open = async (): Promise<QueueClient> => {
    const client = await queueClient(options, options.queueName);
    await client.createIfNotExists();
    return client;
  };
  return {
    async send(job: SweepJob) {
      ready ??= open().catch((err: unknown) => {
        ready = undefined;
        throw err;
      });
      try {
        await (await ready).sendMessage(Buffer.from(JSON.stringify(job)).toString('base64'));
      } catch (err) {
        throw mapTableError(err, `enqueue sweep job for ${job.subscriptionId}`);
      }
    },
  };
}
