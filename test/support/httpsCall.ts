import https from 'node:https';

export interface HttpsAnswer {
  status: number;
  text: string;
}

/** One HTTPS request with an optional client certificate (what curl --cert/--key --cacert does). */
export function httpsCall(url: string, options: { method?: string; ca: string; cert?: { cert: string; key: string }; headers?: Record<string, string>; body?: string }): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: options.method ?? 'GET',
      ca: options.ca,
      ...(options.cert ? { cert: options.cert.cert, key: options.cert.key } : {}),
      // No pooled connection: each call presents its own certificate in its own handshake.
      agent: false,
      headers: { 'content-type': 'application/json', ...options.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
