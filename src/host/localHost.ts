import http from 'node:http';
import https from 'node:https';
import { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { apiAccess, checkClientCertificate, MAX_API_BODY_BYTES, serveApi, type CallerCredentials } from '../api/index.js';
import type { ApiAccessConfig } from '../config/index.js';
import type { EnforcerDeps } from '../enforcer/index.js';
import { serveEventGridWebhook } from './eventGridWebhook.js';
import { hasValidKey } from './keyCheck.js';
import { sendJson } from './sendJson.js';
import { BodyTooLargeError, readBody } from './readBody.js';

export interface LocalHostOptions {
  deps: EnforcerDeps;
  /** The host key (as Functions keys): required on the webhook; on the API it is one identity among others. */
  key: string;
  /** Who may call the API with which roles (config.api); default: nothing trusted, the key is a Reader. */
  access?: ApiAccessConfig;
  /**
   * Serve HTTPS with this certificate and ask every client for a certificate (requestCert): the
   * API's certificate gate then runs on the TLS peer certificate, as in Azure on X-ARR-ClientCert.
   * Without it: plain HTTP on loopback, no certificates, the key is the only identity.
   */
  tls?: { cert: string; key: string };
  port?: number;
  host?: string;
}

export interface LocalHost {
  url: string;
  /** URL Event Grid (or the emulator) delivers to, key included. */
  webhookUrl: string;
  stop(): Promise<void>;
}

const NO_ACCESS: ApiAccessConfig = { clientThumbprints: [], subjectAllowList: [], certRoles: [], auth: 'none', keyRoles: ['Reader'] };

/** The local stand-in for the Functions host: the same handlers, over HTTPS with client certificates, or plain HTTP on loopback. */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    route(options, req, res).catch((err: unknown) => {
      options.deps.log('error', `local host: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  };
  // rejectUnauthorized false: a missing or untrusted certificate is answered 403 with a reason by the gate, not cut at TLS.
  const tlsOptions = options.tls ? { cert: options.tls.cert, key: options.tls.key, requestCert: true, rejectUnauthorized: false, ...(options.access?.clientCaPem ? { ca: options.access.clientCaPem } : {}) } : undefined;
  const server = tlsOptions ? https.createServer(tlsOptions, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`;
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
  const key = hasValidKey(req, url, options.key);
  const secure = req.socket instanceof TLSSocket;
  const keyError = { error: 'missing or wrong key (x-functions-key header or code query parameter)' };
  if (url.pathname === '/runtime/webhooks/eventgrid') {
    if (!key) return sendJson(res, 401, keyError);
    if (secure) {
      // As in Azure, the transport demands a valid client certificate on every path; no role is needed to deliver events.
      const refused = certificateRefusal(options, req.socket as TLSSocket);
      if (refused) return sendJson(res, 403, { error: refused });
    }
    return serveEventGridWebhook(options.deps, req, res);
  }
  if (!secure && !key) return sendJson(res, 401, keyError);
  if (!url.pathname.startsWith('/api/')) return sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  return answerApi(options, req, url, res, { certificate: secure ? peerCertificate(req.socket as TLSSocket) : undefined, key, keyHolder: 'local host key holder' });
}

/** The TLS peer certificate checked as the API checks X-ARR-ClientCert: a reason when it fails. */
function certificateRefusal(options: LocalHostOptions, socket: TLSSocket): string | undefined {
  const cert = peerCertificate(socket);
  if ('reason' in cert) return cert.reason;
  const verdict = checkClientCertificate(cert, apiAccess(options.access ?? NO_ACCESS).trust, options.deps.clock());
  return verdict.ok ? undefined : verdict.reason;
}

function peerCertificate(socket: TLSSocket): NonNullable<CallerCredentials['certificate']> {
  return socket.getPeerX509Certificate() ?? { reason: 'no client certificate presented' };
}

async function answerApi(options: LocalHostOptions, req: http.IncomingMessage, url: URL, res: http.ServerResponse, creds: CallerCredentials): Promise<void> {
  let body: string;
  try {
    body = (await readBody(req, MAX_API_BODY_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: err.message });
    throw err;
  }
  // The local host terminates TLS itself: X-ARR-ClientCert and X-MS-CLIENT-PRINCIPAL sent to it are
  // client-made, so neither is read; the certificate is the TLS peer's.
  const request = { method: req.method ?? 'GET', path: url.pathname.slice('/api/'.length), query: url.searchParams, body };
  const answer = await serveApi(options.deps, options.access ?? NO_ACCESS, creds, request);
  if (answer.contentType) {
    res.writeHead(answer.status, { 'content-type': answer.contentType }).end(String(answer.body));
    return;
  }
  sendJson(res, answer.status, answer.body);
}
