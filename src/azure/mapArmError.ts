import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { PermanentError, PermissionError, PolicyDeniedError, ResourceLockedError, TransientError, UnsupportedPlanError } from '../errors.js';

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);

/** Whether an ARM error means the resource is gone (so its finding is `deleted`). */
export function isNotFound(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 404;
}

/**
 * The only code that looks at ARM status codes, error codes and messages: turns an SDK failure
 * into the enforcer's error family, refusals included (typed, so use cases check the type, never
 * the text). `action` names the RBAC action the call needed, for permission errors.
 */
export function mapArmError(err: unknown, action: string): Error {
  if (!isRestError(err)) {
    const code = (err as { code?: string } | undefined)?.code;
    if (code && NETWORK_CODES.has(code)) return new TransientError(`ARM unreachable (${code})`, undefined, { cause: err });
    return err instanceof Error ? err : new Error(String(err));
  }
  const status = err.statusCode;
  const detail = armMessage(err);
  const refusal = armRefusal(err, status, detail);
  if (refusal) return refusal;
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

/**
 * Refusals a retry cannot pass, by ARM's error code (and, for the plan, the only thing Azure
 * says: HTTP 400 BadRequest "... because current site mode does not allow it").
 */
function armRefusal(err: RestError, status: number | undefined, detail: string): Error | undefined {
  const inner = armError(err);
  const code = inner?.code ?? '';
  if (status === 400 && /site mode does not allow/i.test(inner?.message ?? err.message)) {
    return new UnsupportedPlanError(`Azure refused client certificates on this plan (${detail})`, status, code || 'BadRequest', { cause: err });
  }
  if (status === 403 && code === 'RequestDisallowedByPolicy') {
    return new PolicyDeniedError(`Azure Policy denied the write (${detail})`, status, code, { cause: err });
  }
  if (status === 409 && code === 'ScopeLocked') {
    return new ResourceLockedError(`a management lock blocks the write (${detail})`, status, code, { cause: err });
  }
  return undefined;
}

interface ArmErrorBody {
  code?: string;
  message?: string;
}

function armError(err: { details?: unknown }): ArmErrorBody | undefined {
  return (err.details as { error?: ArmErrorBody } | undefined)?.error;
}

function armMessage(err: { message: string; details?: unknown }): string {
  const inner = armError(err);
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
