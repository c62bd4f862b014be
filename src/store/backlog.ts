import type { TokenCredential } from '@azure/core-auth';
import { isRestError } from '@azure/core-rest-pipeline';
import { mapTableError } from './mapTableError.js';
import { poisonQueueName } from './poisonQueue.js';
import { queueClient, type QueueConnection } from './queueClient.js';

/** How to reach a blob container: a connection string, or the blob account URL with a credential. */
export interface BlobConnection {
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
}

/** Messages waiting in `{queue}-poison` (the service's approximate count; 0 when it does not exist). */
export async function poisonMessages(connection: QueueConnection, queueName: string): Promise<number> {
  const poison = await queueClient(connection, poisonQueueName(queueName));
  try {
    return (await poison.getProperties()).approximateMessagesCount ?? 0;
  } catch (err) {
    if (isRestError(err) && err.statusCode === 404) return 0;
    throw mapTableError(err, `count ${poisonQueueName(queueName)}`);
  }
}

/** Blobs in a container, counted up to `max` (Event Grid's dead-letters: one blob per batch of events). */
export async function countBlobs(connection: BlobConnection, container: string, max = 1000): Promise<number> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const service = connection.connectionString
    ? BlobServiceClient.fromConnectionString(connection.connectionString)
    : new BlobServiceClient(connection.accountUrl ?? '', connection.credential);
  let n = 0;
  try {
    for await (const _blob of service.getContainerClient(container).listBlobsFlat()) if (++n >= max) break;
  } catch (err) {
    if (isRestError(err) && err.statusCode === 404) return 0;
    throw mapTableError(err, `list ${container}`);
  }
  return n;
}
