import type { TokenCredential } from '@azure/core-auth';
import type { QueueClient } from '@azure/storage-queue';

/** How to reach a storage account's queues: a connection string, or an account URL with a credential. */
export interface QueueConnection {
  connectionString?: string;
  /** `https://{account}.queue.core.windows.net`, with a credential (managed identity). */
  accountUrl?: string;
  credential?: TokenCredential;
}

/** A client for one queue; the SDK is loaded on first use, so a cold start that never queues does not pay for it. */
export async function queueClient(connection: QueueConnection, name: string): Promise<QueueClient> {
  const { QueueClient } = await import('@azure/storage-queue');
  if (connection.connectionString) return new QueueClient(connection.connectionString, name);
  if (!connection.accountUrl || !connection.credential) throw new Error('a queue needs a connection string, or an account URL and a credential');
  return new QueueClient(`${connection.accountUrl.replace(/\/$/, '')}/${name}`, connection.credential);
}
