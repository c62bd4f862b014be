import { X509Certificate } from 'node:crypto';
import { normaliseThumbprint, pemBlocks, type ApiAccessConfig } from '../config/index.js';

/** What a client certificate must satisfy: built once from the settings. */
export interface ClientTrust {
  cas: X509Certificate[];
  thumbprints: ReadonlySet<string>;
  subjectAllowList: readonly string[];
}

/** A certificate that passed, as history and role mapping name it. */
export interface ValidCertificate {
  subject: string;
  /** SHA-256, upper-case hex without separators. */
  thumbprint: string;
  sha1: string;
  /** Subject RDNs (`CN=x`) and SANs (`email:x`, `DNS:x`): what allow-lists and role mappings match. */
  names: string[];
}

export type CertVerdict = { ok: true; cert: ValidCertificate } | { ok: false; reason: string };

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

export function clientTrust(config: Pick<ApiAccessConfig, 'clientCaPem' | 'clientThumbprints' | 'subjectAllowList'>): ClientTrust {
  return {
    cas: pemBlocks(config.clientCaPem ?? '').map((pem) => new X509Certificate(pem)),
    thumbprints: new Set(config.clientThumbprints.map(normaliseThumbprint)),
    subjectAllowList: config.subjectAllowList,
  };
}

/**
 * The checks App Service leaves to the app: pinned thumbprint or a signature by a trusted CA
 * (checkIssued + verify), the validity period, the clientAuth EKU when the certificate has an EKU
 * extension, and the optional subject/SAN allow-list. Never hand-parses ASN.1.
 */
export function checkClientCertificate(cert: X509Certificate, trust: ClientTrust, now: Date): CertVerdict {
  const thumbprint = normaliseThumbprint(cert.fingerprint256);
  const sha1 = normaliseThumbprint(cert.fingerprint);
  const pinned = trust.thumbprints.has(thumbprint) || trust.thumbprints.has(sha1);
  if (!pinned && !trust.cas.some((ca) => issuedBy(cert, ca))) {
    const reason = trust.cas.length + trust.thumbprints.size === 0 ? 'no client CA or thumbprint is configured (MTLS_API_CLIENT_CA, MTLS_API_CLIENT_THUMBPRINTS)' : 'not issued by a trusted client CA and not a pinned thumbprint';
    return { ok: false, reason: `client certificate ${reason}` };
  }
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!(from <= now.getTime())) return { ok: false, reason: `client certificate not valid before ${new Date(from).toISOString()}` };
  if (!(now.getTime() <= to)) return { ok: false, reason: `client certificate expired ${new Date(to).toISOString()}` };
  // `keyUsage` is Node's name for the extended key usage OIDs; undefined when there is no EKU extension.
  const eku = cert.keyUsage;
  if (eku && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EKU)) return { ok: false, reason: 'client certificate lacks the clientAuth extended key usage' };
  const names = certificateNames(cert);
  if (trust.subjectAllowList.length > 0 && !trust.subjectAllowList.some((allowed) => names.some((n) => sameName(n, allowed)))) {
    return { ok: false, reason: 'client certificate subject is not in MTLS_API_CLIENT_SUBJECTS' };
  }
  return { ok: true, cert: { subject: cert.subject.split('\n').join(', '), thumbprint, sha1, names } };
}

function issuedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  return ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

function certificateNames(cert: X509Certificate): string[] {
  const rdns = cert.subject.split('\n').map((s) => s.trim()).filter(Boolean);
  const sans = (cert.subjectAltName ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return [...rdns, ...sans];
}

/** Attribute names compare case-insensitively (cn=x = CN=x), values exactly. */
export function sameName(a: string, b: string): boolean {
  const split = (s: string) => {
    const at = s.search(/[=:]/);
    return at < 0 ? [s, ''] : [s.slice(0, at).trim().toLowerCase(), s.slice(at + 1).trim()];
  };
  const [an, av] = split(a);
  const [bn, bv] = split(b);
  return an === bn && av === bv;
}
