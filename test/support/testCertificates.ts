import { generate } from 'selfsigned';

/** A PEM certificate and its private key. */
export interface Pem {
  cert: string;
  key: string;
}

const DAY = 86_400_000;

interface LeafOptions {
  cn: string;
  issuer?: Pem;
  notBefore?: Date;
  notAfter?: Date;
  eku?: { clientAuth?: boolean; serverAuth?: boolean } | 'none';
  email?: string;
  /** Host names (type 2) and IPs (type 7) for subjectAltName, as a server certificate needs. */
  hosts?: Array<{ type: 2; value: string } | { type: 7; ip: string }>;
  ca?: boolean;
}

/** A real X.509 certificate (EC P-256, SHA-256), signed by `issuer` or self-signed. */
export async function makeCertificate(options: LeafOptions): Promise<Pem> {
  const now = Date.now();
  const extensions: NonNullable<Parameters<typeof generate>[1]>['extensions'] = [{ name: 'basicConstraints', cA: options.ca ?? false }];
  if (options.ca) extensions.push({ name: 'keyUsage', keyCertSign: true, digitalSignature: true, cRLSign: true });
  else extensions.push({ name: 'keyUsage', digitalSignature: true });
  if (options.eku !== 'none' && !options.ca) extensions.push({ name: 'extKeyUsage', ...(options.eku ?? { clientAuth: true }) });
  const altNames = [...(options.email ? [{ type: 1 as const, value: options.email }] : []), ...(options.hosts ?? [])];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  const pems = await generate([{ name: 'commonName', value: options.cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: options.notBefore ?? new Date(now - DAY),
    notAfterDate: options.notAfter ?? new Date(now + 30 * DAY),
    extensions,
    ...(options.issuer ? { ca: { key: options.issuer.key, cert: options.issuer.cert } } : {}),
  });
  return { cert: pems.cert, key: pems.private };
}

export const makeCa = (cn: string): Promise<Pem> => makeCertificate({ cn, ca: true });

/** Base64 DER, as App Service puts the client certificate in X-ARR-ClientCert. */
export function arrHeader(pem: Pem): string {
  return pem.cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** A server certificate for 127.0.0.1, for the local host's HTTPS. */
export function makeServerCertificate(issuer: Pem): Promise<Pem> {
  return makeCertificate({ cn: 'localhost', issuer, eku: { serverAuth: true }, hosts: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] });
}
