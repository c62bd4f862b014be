import type { X509Certificate } from 'node:crypto';
import { normaliseThumbprint, type ApiAccessConfig, type ApiRole } from '../config/index.js';
import { checkClientCertificate, clientTrust, sameName, type ClientTrust, type ValidCertificate } from './clientCertCheck.js';
import { parseEntraPrincipal } from './entraPrincipal.js';

/** Who calls the API: the actor history records and the roles the request is judged by. */
export interface ApiIdentity {
  kind: 'entra' | 'certificate' | 'key';
  /** Recorded as `by` on every change: from the identity, never from a client-sent name. */
  actor: string;
  roles: readonly ApiRole[];
  /** Names this caller goes by (UPN, object id, certificate CN and e-mail SANs), for the self-approval rule. */
  aliases: readonly string[];
}

/** What a request brought: each front door (Functions header, local host TLS) fills it in. */
export interface CallerCredentials {
  /**
   * The client certificate, or why there is none usable. `undefined` only for a transport that
   * carries no certificates at all (the plain-HTTP development host).
   */
  certificate: X509Certificate | { reason: string } | undefined;
  /** X-MS-CLIENT-PRINCIPAL as received; read only with MTLS_API_AUTH=entra. */
  principal?: string | null | undefined;
  /** Whether a valid function key (or the local host key) came with the request. */
  key: boolean;
  /** How a key-only caller is named in history. */
  keyHolder: string;
}

export type Admission = { ok: true; identity: ApiIdentity } | { ok: false; status: 401 | 403; reason: string };

export interface ApiAccess {
  config: ApiAccessConfig;
  trust: ClientTrust;
}

const built = new WeakMap<ApiAccessConfig, ApiAccess>();

/** The settings' trust, parsed once per configuration. */
export function apiAccess(config: ApiAccessConfig): ApiAccess {
  let access = built.get(config);
  if (!access) built.set(config, (access = { config, trust: clientTrust(config) }));
  return access;
}

/**
 * The certificate gate first (a certificate that fails → 403, whatever else came), then the
 * identity: an Entra principal (only with MTLS_API_AUTH=entra), else a certificate mapped in
 * MTLS_API_CERT_ROLES, else the key with MTLS_API_KEY_ROLES; nothing → 401.
 */
export function identifyCaller(access: ApiAccess, creds: CallerCredentials, now: Date): Admission {
  let cert: ValidCertificate | undefined;
  if (creds.certificate !== undefined) {
    if ('reason' in creds.certificate) return { ok: false, status: 403, reason: creds.certificate.reason };
    const verdict = checkClientCertificate(creds.certificate, access.trust, now);
    if (!verdict.ok) return { ok: false, status: 403, reason: verdict.reason };
    cert = verdict.cert;
  }
  if (access.config.auth === 'entra') {
    const principal = parseEntraPrincipal(creds.principal);
    if (principal) {
      const who = principal.name ?? principal.objectId ?? '';
      const actor = principal.name && principal.objectId ? `${principal.name} (oid ${principal.objectId})` : who;
      return { ok: true, identity: { kind: 'entra', actor, roles: principal.roles, aliases: [principal.name, principal.objectId].filter((x): x is string => !!x) } };
    }
  }
  if (cert) {
    const roles = certRoles(access.config, cert);
    if (roles.length > 0) return { ok: true, identity: { kind: 'certificate', actor: certLabel(cert), roles, aliases: certAliases(cert) } };
  }
  if (creds.key) {
    const actor = cert ? `${creds.keyHolder} with ${certLabel(cert)}` : creds.keyHolder;
    return { ok: true, identity: { kind: 'key', actor, roles: access.config.keyRoles, aliases: cert ? certAliases(cert) : [] } };
  }
  const why = cert ? `certificate ${cert.subject} has no role in MTLS_API_CERT_ROLES and no key came with it` : 'no certificate identity, principal or key';
  return { ok: false, status: 401, reason: `no identity: ${why}` };
}

function certLabel(cert: ValidCertificate): string {
  return `${cert.subject} (certificate ${cert.thumbprint})`;
}

function certRoles(config: ApiAccessConfig, cert: ValidCertificate): ApiRole[] {
  const roles = new Set<ApiRole>();
  for (const entry of config.certRoles) {
    const byThumbprint = [cert.thumbprint, cert.sha1].includes(normaliseThumbprint(entry.match));
    if (byThumbprint || cert.names.some((n) => sameName(n, entry.match))) for (const r of entry.roles) roles.add(r);
  }
  return [...roles];
}

function certAliases(cert: ValidCertificate): string[] {
  const values = cert.names.filter((n) => /^(cn=|email:)/i.test(n)).map((n) => n.slice(n.search(/[=:]/) + 1).trim());
  return [cert.subject, cert.thumbprint, ...values];
}
