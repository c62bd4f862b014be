import type { AccessToken, TokenCredential } from '@azure/core-auth';

/** A credential that always presents one token: only for the local ARM emulator, which accepts any. */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/**
 * The ARM credential: a fixed token when one is configured (local emulator), otherwise
 * DefaultAzureCredential (managed identity in Azure; az login, environment or workload identity elsewhere).
 */
export async function createArmCredential(arm: { staticToken?: string; managedIdentityClientId?: string }): Promise<TokenCredential> {
  if (arm.staticToken) return staticTokenCredential(arm.staticToken);
  const { DefaultAzureCredential } = await import('@azure/identity');
  return arm.managedIdentityClientId
    ? new DefaultAzureCredential({ managedIdentityClientId: arm.managedIdentityClientId })
    : new DefaultAzureCredential();
}
