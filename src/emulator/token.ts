import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { EmulatorCaller } from './model.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT carrying an identity: the emulator reads its claims, Azure would reject it. */
export function makeEmulatorToken(identity: { oid: string; appid?: string; name?: string; upn?: string }): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ aud: 'https://management.azure.com/', ...identity })}.`;
}

/** A TokenCredential that always presents one token: how tests and local mode pick an identity. */
export function emulatorCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/** The caller of a request: JWT claims (oid, appid, upn/name), or the raw token as an object id. */
export function callerFromAuthorization(header: string | undefined): EmulatorCaller | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const token = (match[1] as string).trim();
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
      const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : undefined);
      const caller: EmulatorCaller = { objectId: str('oid') ?? str('sub') ?? token.slice(0, 64) };
      const appId = str('appid') ?? str('azp');
      const name = str('upn') ?? str('name');
      if (appId) caller.appId = appId;
      if (name) caller.name = name;
      return caller;
    } catch {
      // Not a JWT after all: fall through to the raw token.
    }
  }
  return { objectId: token };
}
