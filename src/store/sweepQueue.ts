import type { TokenCredential } from '@azure/core-auth';
import type { QueueClient } from '@azure/storage-queue';
import type { SweepJob, SweepQueue } from '../enforcer/ports.js';
import { mapTableError } from './mapTableError.js';

export interface SweepQueueOptions {
  queueName: string;
  connectionString?: string;
  /** `https://{account}.queue.core.windows.net`, with a credential (managed identity). */
  accountUrl?: string;
  credential?: TokenCredential;
}

/**
 * The sweep fan-out queue. Messages are base64 JSON, as host.json's `messageEncoding` tells the
 * queue trigger to expect. The client is made, and the queue created, on first use.
 */
export function createSweepQueue(options: SweepQueueOptions): SweepQueue {
  let ready: Promise<QueueClient> | undefined;
  const open = async (): Promise<QueueClient> => {
    const { QueueClient } = await import('@azure/storage-queue');
    const client = options.connectionString
      ? new QueueClient(options.connectionString, options.queueName)
      : new QueueClient(`${String(options.accountUrl).replace(/\/$/, '')}/${options.queueName}`, options.credential);
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
