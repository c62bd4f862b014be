import { nonEmptyString } from './nonEmptyString.js';
import type { Caller } from '../model/index.js';

// ARM events carry the token's claims under their long SAML names; tokens of other issuers use
// the short JWT names. The first present name wins.
const OBJECT_ID = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const APP_ID = ['appid', 'azp'];
const NAME = ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', 'upn', 'name', 'unique_name'];

/** Who made the write, from `data.claims` (absent or partial claims give a partial caller). */
export function extractCaller(claims: unknown): Caller {
  const caller: Caller = {};
  if (claims === null || typeof claims !== 'object') return caller;
  const objectId = firstClaim(claims as Record<string, unknown>, OBJECT_ID);
  const appId = firstClaim(claims as Record<string, unknown>, APP_ID);
  const name = firstClaim(claims as Record<string, unknown>, NAME);
  if (objectId) caller.objectId = objectId;
  if (appId) caller.appId = appId;
  if (name) caller.name = name;
  return caller;
}

function firstClaim(claims: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const value = nonEmptyString(claims[name]);
    if (value !== undefined) return value.trim();
  }
  return undefined;
}
