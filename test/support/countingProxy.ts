import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  /** Path without the query string, URL-decoded. */
  path: string;
}

export interface CountingProxy {
  /** `http://127.0.0.1:port` — put it in place of the upstream's host and port. */
  origin: string;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

/**
 * A plain HTTP reverse proxy that records every request before passing it through unchanged, so a
 * test can see what the real SDK sent to Azurite (e.g. that table writes went as `$batch`
 * transactions) without any hook in the product.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push({ method: req.method ?? 'GET', path });
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A recording proxy in front of the table endpoint of an Azurite connection string, and the connection string that goes through it. */
export async function proxyTables(connectionString: string): Promise<{ proxy: CountingProxy; connectionString: string }> {
  const endpoint = /TableEndpoint=(https?:\/\/[^/;]+)/.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('the connection string names no TableEndpoint');
  const proxy = await startCountingProxy(endpoint);
  return { proxy, connectionString: connectionString.replace(endpoint, proxy.origin) };
}
