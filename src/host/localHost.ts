import http from 'node:http';
import { MAX_API_BODY_BYTES } from '../api/limits.js';
import type { AddressInfo } from 'node:net';
import type { EnforcerDeps } from '../enforcer/index.js';
import { serveEventGridWebhook } from './eventGridWebhook.js';
import { hasValidKey } from './keyCheck.js';
import { sendJson } from './sendJson.js';
import { handleApi } from '../api/index.js';
import { BodyTooLargeError, readBody } from './readBody.js';

export interface LocalHostOptions {
  deps: EnforcerDeps;
  /** Required on every endpoint but /health (as Functions `authLevel: function`). */
  key: string;
  port?: number;
  host?: string;
}

export interface LocalHost {
  url: string;
  /** URL Event Grid (or the emulator) delivers to, key included. */
  webhookUrl: string;
  stop(): Promise<void>;
}

/** The local stand-in for the Functions host: the same handlers, over plain HTTP on loopback. */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const server = http.createServer((req, res) => {
    route(options, req, res).catch((err: unknown) => {
      options.deps.log('error', `local host: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    webhookUrl: `${url}/runtime/webhooks/eventgrid?code=${encodeURIComponent(options.key)}`,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function route(options: LocalHostOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/health') return sendJson(res, 200, { ok: true });
  if (!hasValidKey(req, url, options.key)) return sendJson(res, 401, { error: 'missing or wrong key (x-functions-key header or code query parameter)' });
  if (url.pathname === '/runtime/webhooks/eventgrid') return serveEventGridWebhook(options.deps, req, res);
  if (url.pathname.startsWith('/api/')) return serveApi(options.deps, req, url, res);
  return sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
}

async function serveApi(deps: EnforcerDeps, req: http.IncomingMessage, url: URL, res: http.ServerResponse): Promise<void> {
  let body: string;
  try {
    body = (await readBody(req, MAX_API_BODY_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: err.message });
    throw err;
  }
  // Who calls is the key holder: a client-supplied name header would let any key holder sign as anyone.
  const caller = 'local host key holder';
  const answer = await handleApi(deps, { method: req.method ?? 'GET', path: url.pathname.slice('/api/'.length), query: url.searchParams, body, caller });
  if (answer.contentType) {
    res.writeHead(answer.status, { 'content-type': answer.contentType }).end(String(answer.body));
    return;
  }
  sendJson(res, answer.status, answer.body);
}
