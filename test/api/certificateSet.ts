import { X509Certificate } from 'node:crypto';
import { makeCa, makeCertificate, type Pem } from '../support/testCertificates.js';

const DAY = 86_400_000;

/** The certificates every API test answers: valid ones per role, and each way a certificate can be wrong. */
export interface CertificateSet {
  ca: Pem;
  reader: Pem;
  operator: Pem;
  approver: Pem;
  /** Valid, chains to the CA, but has no role: known only with a key. */
  unmapped: Pem;
  /** Self-signed, accepted only because its SHA-256 thumbprint is pinned; mapped to Reader. */
  pinned: Pem;
  bad: Record<'expired' | 'notYetValid' | 'otherCa' | 'selfSigned' | 'serverAuthOnly', Pem>;
}

export async function makeCertificateSet(): Promise<CertificateSet> {
  const ca = await makeCa('mtls-enforcer test client CA');
  const other = await makeCa('some other CA');
  const now = Date.now();
  return {
    ca,
    reader: await makeCertificate({ cn: 'reader', issuer: ca }),
    operator: await makeCertificate({ cn: 'operator', issuer: ca }),
    approver: await makeCertificate({ cn: 'approver', issuer: ca, email: 'approver@contoso.example' }),
    unmapped: await makeCertificate({ cn: 'nobody', issuer: ca, eku: 'none' }),
    pinned: await makeCertificate({ cn: 'pinned' }),
    bad: {
      expired: await makeCertificate({ cn: 'operator', issuer: ca, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }),
      notYetValid: await makeCertificate({ cn: 'operator', issuer: ca, notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) }),
      otherCa: await makeCertificate({ cn: 'operator', issuer: other }),
      selfSigned: await makeCertificate({ cn: 'operator' }),
      serverAuthOnly: await makeCertificate({ cn: 'operator', issuer: ca, eku: { serverAuth: true } }),
    },
  };
}

/** The app settings that trust this set: the CA, the pinned thumbprint, and the role mapping. */
export function apiSettings(set: CertificateSet): Record<string, string> {
  return {
    MTLS_API_CLIENT_CA: set.ca.cert,
    MTLS_API_CLIENT_THUMBPRINTS: new X509Certificate(set.pinned.cert).fingerprint256,
    MTLS_API_CERT_ROLES: 'CN=reader:Reader;CN=operator:Operator;CN=approver:ExemptionApprover;CN=pinned:Reader',
  };
}

/** Why each bad certificate is refused (the reason in the 403). */
export const BAD_REASONS: Record<keyof CertificateSet['bad'], RegExp> = {
  expired: /expired/,
  notYetValid: /not valid before/,
  otherCa: /not issued by a trusted client CA/,
  selfSigned: /not issued by a trusted client CA/,
  serverAuthOnly: /clientAuth/,
};
