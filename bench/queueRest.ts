import http from 'node:http';
import https from 'node:https';
import { QueueClient, QueueSASPermissions } from '@azure/storage-queue';

/**
 * Sending and deleting queue messages with bare HTTP requests (a SAS from the SDK, then node:http
 * over kept-alive sockets), for the parts of the queue bench that stand for Azure's own code:
 * Event Grid writing events to the queue and the Functions host deleting what it completed. The
 * SDK's pipeline costs ~1 ms of this machine's CPU per request (measured with Azurite), which the
 * SDK-less .NET host and Event Grid don't spend on the Function App's instance; the enforcer's own
 * requests still go through the SDKs.
 */
export interface QueueRest {
  /** Puts one message (its text as given: base64 already, as Event Grid writes it). */
  send(text: string): Promise<void>;
  /** Deletes a received message; rejects on anything but 204. */
  delete(messageId: string, popReceipt: string): Promise<void>;
  close(): void;
}

export function queueRest(connectionString: string, queueName: string): QueueRest {
  const sas = new URL(new QueueClient(connectionString, queueName).generateSasUrl({ permissions: QueueSASPermissions.parse('ap'), expiresOn: new Date(Date.now() + 24 * 3600_000) }));
  const transport = sas.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 32 });
  const request = (method: string, path: string, expect: number, body?: string, retried = false): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const url = `${sas.origin}${sas.pathname}${path}${path.includes('?') ? '&' : '?'}${sas.search.slice(1)}`;
      const headers = body === undefined ? {} : { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) };
      const req = transport.request(url, { method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === expect ? resolve() : reject(new Error(`queue ${method} ${path}: HTTP ${res.statusCode}`))));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed as the request went out (Azurite closes idle ones
        // after 5 s): the request never reached it, so it goes once more on a fresh socket.
        if (req.reusedSocket && err.code === 'ECONNRESET' && !retried) request(method, path, expect, body, true).then(resolve, reject);
        else reject(err);
      });
      req.end(body);
    });
  return {
    send: (text) => request('POST', '/messages', 201, `<?xml version="1.0" encoding="utf-8"?><QueueMessage><MessageText>${text}</MessageText></QueueMessage>`),
    delete: (messageId, popReceipt) => request('DELETE', `/messages/${encodeURIComponent(messageId)}?popreceipt=${encodeURIComponent(popReceipt)}`, 204),
    close: () => agent.destroy(),
  };
}
