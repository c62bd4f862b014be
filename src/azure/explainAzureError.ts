import { PermissionError, TransientError } from '../errors.js';
import { ENFORCE_ONLY_ACTIONS } from './requiredActions.js';

/** What the explanation may name: the ARM endpoint in use and the storage setting that was given. */
export interface ExplainContext {
  armEndpoint?: string;
  /** MTLS_STORAGE_CONNECTION, MTLS_STORAGE_TABLE_URL or AzureWebJobsStorage: whichever is set. */
  storageSetting?: string;
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TLS = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']);
const SIGN_IN = 'run `az login` (or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal; in Azure, assign a managed identity)';

type Failure = Error & { code?: unknown; statusCode?: unknown; request?: { url?: string }; errors?: unknown };

/**
 * One line saying what is wrong with the environment (credential, permission, endpoint) and
 * how to fix it, for an error the ARM or Table Storage adapters raised; undefined when the
 * error is not an environment problem this knows. Reads errors only: never calls anything.
 */
export function explainAzureError(err: unknown, context: ExplainContext = {}): string | undefined {
  const chain = causes(err);
  return credentialProblem(chain) ?? permissionProblem(chain, context) ?? reachProblem(chain, context);
}

/** The error, its causes, and the errors an aggregate holds (DefaultAzureCredential's). */
function causes(err: unknown): Failure[] {
  const out: Failure[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 20) {
    const next = queue.shift();
    if (!(next instanceof Error)) continue;
    const failure = next as Failure;
    out.push(failure);
    if (failure.cause !== undefined) queue.push(failure.cause);
    if (Array.isArray(failure.errors)) queue.push(...(failure.errors as unknown[]));
  }
  return out;
}

function credentialProblem(chain: Failure[]): string | undefined {
  const failed = chain.find((e) => e.name === 'AuthenticationError');
  if (failed) return `Azure sign-in failed (${firstLine(failed.message)}): ${SIGN_IN}`;
  if (chain.some((e) => e.name === 'CredentialUnavailableError' || e.name === 'AggregateAuthenticationError')) {
    return `no Azure credential available: ${SIGN_IN}`;
  }
  return undefined;
}

function permissionProblem(chain: Failure[], context: ExplainContext): string | undefined {
  const denied = chain.find((e): e is PermissionError => e instanceof PermissionError);
  if (!denied) return undefined;
  const status = chain.find((e) => typeof e.statusCode === 'number')?.statusCode;
  if (denied.action.startsWith('Microsoft.Storage')) {
    return `Table Storage refused access (HTTP ${String(status ?? '?')}): grant the identity Storage Table Data Contributor on the account, or check the key in ${context.storageSetting ?? 'MTLS_STORAGE_CONNECTION'}`;
  }
  const subscription = subscriptionOf(chain);
  if (status === 401) {
    return `Azure Resource Manager rejected the credential (HTTP 401) at ${endpointOf(chain, context)}: ${SIGN_IN}; for another cloud set MTLS_ARM_ENDPOINT`;
  }
  const where = subscription ? `subscription ${subscription}` : 'the subscription';
  const scope = subscription ? ` (az role assignment create --assignee <identity> --role Reader --scope /subscriptions/${subscription})` : '';
  if (denied.action.endsWith('/write')) {
    return `no permission for ${denied.action} in ${where}: assign the enforcer's custom role (${ENFORCE_ONLY_ACTIONS.join(' and ')}) on ${where}`;
  }
  return `no permission for ${denied.action} in ${where}: grant Reader on ${where}${scope}`;
}

function reachProblem(chain: Failure[], context: ExplainContext): string | undefined {
  const code = chain.map((e) => e.code).find((c): c is string => typeof c === 'string' && (NETWORK.has(c) || TLS.has(c)));
  if (!code) return undefined;
  const storage = isStorage(chain, context);
  const service = storage ? 'Table Storage' : 'Azure Resource Manager';
  const where = storage ? (originOf(chain) ?? 'the configured account') : endpointOf(chain, context);
  if (TLS.has(code)) {
    const setting = storage ? (context.storageSetting ?? 'MTLS_STORAGE_CONNECTION') : 'MTLS_ARM_CA_CERT_PATH';
    return `${service} at ${where} presents a certificate this machine does not trust (${code}): check ${setting}${storage ? '' : ' (the CA the local emulator prints)'}`;
  }
  const setting = storage ? (context.storageSetting ?? 'MTLS_STORAGE_CONNECTION') : 'MTLS_ARM_ENDPOINT';
  return `cannot reach ${service} at ${where} (${code}): check ${setting}`;
}

function isStorage(chain: Failure[], context: ExplainContext): boolean {
  const origin = originOf(chain);
  if (origin && context.armEndpoint) return origin !== safeOrigin(context.armEndpoint);
  return chain.some((e) => e instanceof TransientError && e.message.startsWith('Table Storage'));
}

function originOf(chain: Failure[]): string | undefined {
  const url = chain.map((e) => e.request?.url).find((u): u is string => typeof u === 'string');
  return url ? safeOrigin(url) : undefined;
}

function endpointOf(chain: Failure[], context: ExplainContext): string {
  return originOf(chain) ?? context.armEndpoint ?? 'the configured endpoint';
}

function subscriptionOf(chain: Failure[]): string | undefined {
  const url = chain.map((e) => e.request?.url).find((u): u is string => typeof u === 'string');
  return url ? /\/subscriptions\/([^/?]+)/i.exec(url)?.[1] : undefined;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}
