import { X509Certificate } from 'node:crypto';

/**
 * App Service forwards the TLS client certificate in X-ARR-ClientCert as base64 DER (and checks
 * nothing). Missing, empty or garbage → a reason, never an exception.
 */
export function certificateFromHeader(value: string | null | undefined): X509Certificate | { reason: string } {
  const text = value?.trim();
  if (!text) return { reason: 'no client certificate (X-ARR-ClientCert missing)' };
  try {
    if (text.includes('-----BEGIN CERTIFICATE-----')) return new X509Certificate(text);
    if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) return { reason: 'X-ARR-ClientCert is not base64' };
    return new X509Certificate(Buffer.from(text, 'base64'));
  } catch {
    return { reason: 'X-ARR-ClientCert is not a certificate' };
  }
}
