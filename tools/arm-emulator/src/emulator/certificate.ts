import { isIP } from 'node:net';
import { generate } from 'selfsigned';

type AltName = { type: 2; value: string } | { type: 7; ip: string };

/**
 * A fresh self-signed certificate for the emulator's HTTPS, valid for loopback (127.0.0.1, ::1,
 * localhost) and the listening host, so Node's normal verification accepts it once it is trusted.
 * EC P-256: generated in milliseconds, where RSA keys slow every test start.
 */
export async function generateCertificate(host: string): Promise<{ key: string; cert: string }> {
  const altNames: AltName[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (isIP(host) && host !== '127.0.0.1' && host !== '::1') altNames.push({ type: 7, ip: host });
  else if (!isIP(host) && host !== 'localhost') altNames.push({ type: 2, value: host });
  const pems = await generate([{ name: 'commonName', value: 'mtls-enforcer ARM emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 30 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
