import { isRestError } from '@azure/core-rest-pipeline';
import { PermanentError, PermissionError, TransientError } from '../errors.js';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);

/** Whether an ARM error means the resource is gone (so its finding is `deleted`). */
export function isNotFound(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 404;
}

/**
 * The only code that looks at ARM status codes: turns an SDK failure into the enforcer's
 * error family. `action` names the RBAC action the call needed, for permission errors.
 */
export function mapArmError(err: unknown, action: string): Error {
  if (!isRestError(err)) {
    const code = (err as { code?: string } | undefined)?.code;
    if (code && NETWORK_CODES.has(code)) return new TransientError(`ARM unreachable (${code})`, undefined, { cause: err });
    return err instanceof Error ? err : new Error(String(err));
  }
  const status = err.statusCode;
  const detail = armMessage(err);
  // 409: another operation (a slot swap, a deployment) holds the site: it passes.
  if (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500) {
    const what = status === undefined ? `network error (${err.code ?? 'unknown'})` : `HTTP ${status}`;
    return new TransientError(`ARM ${what}: ${detail}`, retryAfterMs(err), { cause: err });
  }
  if (status === 401 || status === 403) {
    return new PermissionError(`ARM refused ${action} (HTTP ${status}): grant the enforcer's identity ${action}. ${detail}`, action, { cause: err });
  }
  return new PermanentError(`ARM HTTP ${status}: ${detail}`, status, { cause: err });
}

function armMessage(err: { message: string; details?: unknown }): string {
  const details = err.details as { error?: { code?: string; message?: string } } | undefined;
  const inner = details?.error;
  return inner?.message ? `${inner.code ?? 'Error'}: ${inner.message}` : err.message;
}

function retryAfterMs(err: { response?: { headers: { get(name: string): string | undefined } } }): number | undefined {
  const header = err.response?.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
