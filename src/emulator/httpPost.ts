import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export interface PostResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A small HTTP(S) client for deliveries; `caPem` adds a trusted CA (verification stays on). */
export function sendRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: { caPem?: string; timeoutMs?: number } = {},
): Promise<PostResult> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  const requestOptions: https.RequestOptions = { method, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } };
  if (isHttps && options.caPem) requestOptions.ca = [...tls.rootCertificates, options.caPem];
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(target, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error('delivery timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
