import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export interface SendResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  /** An extra CA to trust for an HTTPS webhook (verification stays on). */
  caCertPem?: string;
  /** A client certificate and key (PEM) to present in the TLS handshake. */
  clientCertificate?: { cert: string; key: string };
  timeoutMs?: number;
}

/** Answers larger than this are cut: a webhook's reply only matters for the handshake. */
const MAX_ANSWER = 64 * 1024;

/** One HTTP(S) request of Event Grid's side of delivery; rejects on network errors and timeouts. */
export function sendRequest(method: string, url: string, headers: Record<string, string>, body: string | undefined, options: SendOptions = {}): Promise<SendResult> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  const requestOptions: https.RequestOptions = { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } };
  if (isHttps && options.caCertPem) requestOptions.ca = [...tls.rootCertificates, options.caCertPem];
  if (isHttps && options.clientCertificate) Object.assign(requestOptions, { cert: options.clientCertificate.cert, key: options.clientCertificate.key, agent: false });
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(target, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_ANSWER) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Never print a key that rides in the query string (Functions `code`, SAS `sig`). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of ['code', 'sig', 'key']) if (u.searchParams.has(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
