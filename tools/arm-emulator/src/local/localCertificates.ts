import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

type Extensions = NonNullable<NonNullable<Parameters<typeof generate>[1]>['extensions']>;

/** A PEM certificate and key pair. */
export interface PemPair {
  cert: string;
  key: string;
}

/** What local mode's HTTPS needs, made fresh at every start and written to files curl can read. */
export interface LocalCertificates {
  /** Signs the local host's server certificate: `curl --cacert`. */
  hostCa: PemPair;
  hostCaCertPath: string;
  server: PemPair;
  /** The client CA (MTLS_API_CLIENT_CA of local mode) and the client certificates it issued. */
  clientCa: PemPair;
  /** Every role (CN=mtls-local-admin). */
  admin: PemPair;
  clientCertPath: string;
  clientKeyPath: string;
  /** Reader only (CN=mtls-local-reader). */
  reader: PemPair;
  readerCertPath: string;
  readerKeyPath: string;
  /** What the emulator presents on event deliveries (CN=mtls-local-eventgrid, no role). */
  events: PemPair;
}

export const LOCAL_CERT_ROLES = 'CN=mtls-local-admin:Reader,Operator,ExemptionApprover;CN=mtls-local-reader:Reader';

const DAY = 86_400_000;

async function make(cn: string, extensions: Extensions, issuer?: PemPair): Promise<PemPair> {
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 30 * DAY),
    extensions,
    ...(issuer ? { ca: issuer } : {}),
  });
  return { cert: pems.cert, key: pems.private };
}

const caExtensions: Extensions = [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true }];
const clientExtensions: Extensions = [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true }, { name: 'extKeyUsage', clientAuth: true }];

/** A host CA and server certificate for 127.0.0.1/localhost, a client CA and one client certificate per role. */
export async function makeLocalCertificates(dir: string): Promise<LocalCertificates> {
  const hostCa = await make('mtls-enforcer local host CA', caExtensions);
  const server = await make('localhost', [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
  ], hostCa);
  const clientCa = await make('mtls-enforcer local client CA', caExtensions);
  const admin = await make('mtls-local-admin', clientExtensions, clientCa);
  const reader = await make('mtls-local-reader', clientExtensions, clientCa);
  const events = await make('mtls-local-eventgrid', clientExtensions, clientCa);
  const paths = {
    hostCaCertPath: join(dir, 'host-ca.pem'),
    clientCertPath: join(dir, 'client-admin.pem'),
    clientKeyPath: join(dir, 'client-admin-key.pem'),
    readerCertPath: join(dir, 'client-reader.pem'),
    readerKeyPath: join(dir, 'client-reader-key.pem'),
  };
  await writeFile(paths.hostCaCertPath, hostCa.cert);
  await writeFile(paths.clientCertPath, admin.cert);
  await writeFile(paths.clientKeyPath, admin.key, { mode: 0o600 });
  await writeFile(paths.readerCertPath, reader.cert);
  await writeFile(paths.readerKeyPath, reader.key, { mode: 0o600 });
  return { hostCa, server, clientCa, admin, reader, events, ...paths };
}
