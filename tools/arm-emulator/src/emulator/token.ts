
/** Who made a request, from its bearer token; it ends up in the events' `data.claims`. */
export interface EmulatorCaller {
  objectId: string;
  appId?: string;
  /** Display name (`name` claim). */
  name?: string;
  /** User principal name (people only); defaults to `name` when that looks like one. */
  upn?: string;
}

export interface TokenIdentity {
  oid: string;
  appid?: string;
  name?: string;
  upn?: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT carrying an identity: the emulator reads its claims, Azure would reject it. */
export function makeEmulatorToken(identity: TokenIdentity): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ aud: 'https://management.azure.com/', ...identity })}.`;
}

// One fixed-token credential for the whole project: the production adapter's, which local mode uses too.
import { staticTokenCredential } from '../../../../src/azure/index.js';

export { staticTokenCredential };

/** Earlier name of {@link staticTokenCredential}, kept for existing callers. */
export const emulatorCredential = staticTokenCredential;

/** The caller of a request: JWT claims (oid, appid, upn/name) decoded unverified, or the raw token as an object id. */
export function callerFromAuthorization(header: string | undefined): EmulatorCaller | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(header ?? '');
  if (!match) return undefined;
  const token = (match[1] as string).trim();
  return callerFromJwt(token) ?? { objectId: token };
}

function callerFromJwt(token: string): EmulatorCaller | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined; // three dots but not a JWT: the raw token is the identity
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : undefined);
  const caller: EmulatorCaller = { objectId: str('oid') ?? str('sub') ?? token };
  const appId = str('appid') ?? str('azp');
  const name = str('name');
  const upn = str('upn') ?? str('unique_name');
  if (appId) caller.appId = appId;
  if (name) caller.name = name;
  if (upn) caller.upn = upn;
  return caller;
}
