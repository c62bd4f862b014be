import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got: its path, its Idempotency-Key header, and its body as sent. */
export interface ReceivedPost {
  path: string;
  key: string | undefined;
  text: string;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface NotifyReceiver {
  /** `http://127.0.0.1:<port>`: a channel's URL is this plus a path. */
  base: string;
  /** Every request, in the order they arrived. */
  received: ReceivedPost[];
  close(): Promise<void>;
}

/**
 * A local HTTP receiver standing in for Teams, Slack or a webhook: it records each request and
 * answers it with `answer(path)` (200 unless told otherwise).
 */
export async function startNotifyReceiver(answer: (path: string) => ReceiverAnswer = () => ({ status: 200 })): Promise<NotifyReceiver> {
  const received: ReceivedPost[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, key: req.headers['idempotency-key'] as string | undefined, text });
      const { status, headers } = answer(path);
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
