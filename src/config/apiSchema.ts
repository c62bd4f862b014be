import { X509Certificate } from 'node:crypto';
import { z } from 'zod';

/** The API's roles: Reader (GET routes), Operator (settings, rollout actions), ExemptionApprover (add/remove exemptions). */
export const API_ROLES = ['Reader', 'Operator', 'ExemptionApprover'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** Who may call the HTTP API and with which roles (issue 15); src/api turns it into checks. */
export interface ApiAccessConfig {
  /** PEM bundle of the CAs a client certificate may chain to (MTLS_API_CLIENT_CA). */
  clientCaPem?: string;
  /** Pinned client certificates: SHA-256 or SHA-1 thumbprints, upper-case hex without separators. */
  clientThumbprints: string[];
  /** When not empty, a certificate must match one entry (subject RDN such as `CN=x`, or a SAN such as `email:x`, `DNS:x`). */
  subjectAllowList: string[];
  /** Certificate (subject RDN or thumbprint) → roles. */
  certRoles: Array<{ match: string; roles: ApiRole[] }>;
  /** `entra`: trust X-MS-CLIENT-PRINCIPAL (App Service Authentication strips a client-sent copy); `none`: ignore it. */
  auth: 'none' | 'entra';
  /** Roles of a caller known only by a function key (or the local host key). */
  keyRoles: ApiRole[];
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const listOf = (separator: RegExp) => (v: unknown) => (typeof v === 'string' ? v.split(separator).map((s) => s.trim()).filter(Boolean) : []);
const role = z.enum(API_ROLES, { error: `each role must be one of ${API_ROLES.join(', ')}` });

/** Upper-case hex without separators: what the portal shows, with or without colons or spaces. */
export const normaliseThumbprint = (text: string): string => text.replace(/[\s:]/g, '').toUpperCase();

const caBundle = z.preprocess(
  blank,
  z
    .string()
    .refine((pem) => pemBlocks(pem).length > 0, 'a PEM bundle with at least one -----BEGIN CERTIFICATE----- block')
    .refine((pem) => pemBlocks(pem).every(parses), 'every certificate in the bundle must parse')
    .optional(),
);

export const apiSettingsSchema = z.object({
  MTLS_API_CLIENT_CA: caBundle,
  MTLS_API_CLIENT_THUMBPRINTS: z.preprocess(
    (v) => listOf(/[,;]/)(v).map(normaliseThumbprint),
    z.array(z.string().regex(/^([0-9A-F]{40}|[0-9A-F]{64})$/, 'each must be a SHA-1 (40) or SHA-256 (64) hex thumbprint')),
  ),
  MTLS_API_CLIENT_SUBJECTS: z.preprocess(listOf(/;/), z.array(z.string().regex(/^[^=:]+[=:].+$/, 'each must look like CN=name or email:address'))),
  MTLS_API_CERT_ROLES: z.preprocess(
    listOf(/;/),
    z.array(
      z.string().regex(/^.+:\s*[A-Za-z]+(\s*,\s*[A-Za-z]+)*$/, 'each entry must be <subject RDN or thumbprint>:<Role>[,<Role>...]').transform((entry, ctx) => {
        const at = entry.lastIndexOf(':');
        const roles = entry.slice(at + 1).split(',').map((r) => r.trim());
        const bad = roles.filter((r) => !(API_ROLES as readonly string[]).includes(r));
        if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `unknown role ${bad.join(', ')}; roles are ${API_ROLES.join(', ')}` });
        return { match: entry.slice(0, at).trim(), roles: roles as ApiRole[] };
      }),
    ),
  ),
  MTLS_API_AUTH: z.preprocess(blank, z.enum(['none', 'entra']).default('none')),
  MTLS_API_KEY_ROLES: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? listOf(/,/)(v) : ['Reader']), z.array(role)),
});

export function pemBlocks(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function parses(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

export function toApiAccessConfig(s: z.infer<typeof apiSettingsSchema>): ApiAccessConfig {
  return {
    ...(s.MTLS_API_CLIENT_CA ? { clientCaPem: s.MTLS_API_CLIENT_CA } : {}),
    clientThumbprints: s.MTLS_API_CLIENT_THUMBPRINTS,
    subjectAllowList: s.MTLS_API_CLIENT_SUBJECTS,
    certRoles: s.MTLS_API_CERT_ROLES,
    auth: s.MTLS_API_AUTH,
    keyRoles: s.MTLS_API_KEY_ROLES,
  };
}
