import { API_ROLES, type ApiRole } from '../config/index.js';

export interface EntraPrincipal {
  /** UPN or preferred username when present, else the object id. */
  name?: string;
  objectId?: string;
  roles: ApiRole[];
}

const OID = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const UPN = ['preferred_username', 'upn', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', 'email'];

/**
 * X-MS-CLIENT-PRINCIPAL as App Service Authentication sends it: base64 JSON
 * {auth_typ, name_typ, role_typ, claims: [{typ, val}]}. Only trustworthy when authentication is on
 * (the platform then strips a client-sent copy), so callers read it only with MTLS_API_AUTH=entra.
 */
export function parseEntraPrincipal(header: string | null | undefined): EntraPrincipal | undefined {
  if (!header?.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const body = value as { claims?: unknown; role_typ?: unknown; name_typ?: unknown };
  const claims = Array.isArray(body.claims) ? body.claims.filter(isClaim) : [];
  const first = (types: string[]) => claims.find((c) => types.includes(c.typ))?.val;
  const roleType = typeof body.role_typ === 'string' ? body.role_typ : 'roles';
  const roles = claims.filter((c) => c.typ === roleType || c.typ === 'roles').map((c) => c.val);
  const objectId = first(OID);
  const name = first(UPN) ?? (typeof body.name_typ === 'string' ? first([body.name_typ]) : undefined);
  if (!objectId && !name) return undefined;
  return {
    ...(name ? { name } : {}),
    ...(objectId ? { objectId } : {}),
    roles: API_ROLES.filter((r) => roles.includes(r)),
  };
}

function isClaim(c: unknown): c is { typ: string; val: string } {
  return !!c && typeof c === 'object' && typeof (c as { typ?: unknown }).typ === 'string' && typeof (c as { val?: unknown }).val === 'string';
}
