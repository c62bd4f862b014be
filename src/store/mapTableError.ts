import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { PermanentError, PermissionError, TransientError } from '../errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** The RBAC data action whose absence a 401/403 from Table Storage means. */
const DATA_ACTION = 'Microsoft.Storage/storageAccounts/tableServices/tables/entities/write (role Storage Table Data Contributor)';

/** The service's error code (`ResourceNotFound`, `TableNotFound`, ...), wherever the SDK put it. */
export function tableErrorCode(err: unknown): string | undefined {
  if (!isRestError(err)) return undefined;
  const header = (err.details as { errorCode?: unknown } | undefined)?.errorCode;
  if (typeof header === 'string') return header;
  if (err.code) return err.code;
  return /"code"\s*:\s*"([A-Za-z]+)"/.exec(err.message)?.[1];
}

/** A point read of a row that does not exist (as opposed to a missing table). */
export function isEntityNotFound(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 404 && tableErrorCode(err) !== 'TableNotFound';
}

/** createEntity of a row that exists: someone else wrote it first. */
export function isEntityConflict(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 409;
}

/** A conditional write or delete whose ETag no longer matches: someone else changed the row. */
export function isPreconditionFailed(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 412;
}

export function isTableNotFound(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 404 && tableErrorCode(err) === 'TableNotFound';
}

export function isTableAlreadyExists(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 409;
}

/**
 * The only code that looks at Table Storage failures: network trouble, timeouts, 408, 429 and
 * 5xx become TransientError (the caller retries); 401/403 a PermissionError; other HTTP
 * failures a PermanentError naming `context`; anything else (a bug) is returned unchanged.
 */
export function mapTableError(err: unknown, context: string): Error {
  const name = (err as { name?: unknown } | undefined)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new TransientError(`Table Storage ${context}: timed out`, undefined, { cause: err });
  }
  if (!isRestError(err)) {
    const code = (err as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return new TransientError(`Table Storage ${context}: unreachable (${code})`, undefined, { cause: err });
    return err instanceof Error ? err : new Error(String(err));
  }
  return mapRestError(err, context);
}

function mapRestError(err: RestError, context: string): Error {
  const status = err.statusCode;
  const code = tableErrorCode(err) ?? 'unknown';
  if (status === undefined || status === 408 || status === 429 || status >= 500 || isTableNotFound(err)) {
    const what = status === undefined ? `unreachable (${code})` : `HTTP ${status} ${code}`;
    return new TransientError(`Table Storage ${context}: ${what}`, retryAfterMs(err), { cause: err });
  }
  if (status === 401 || status === 403) {
    return new PermissionError(`Table Storage refused ${context} (HTTP ${status} ${code}): grant ${DATA_ACTION}`, DATA_ACTION, { cause: err });
  }
  return new PermanentError(`Table Storage ${context}: HTTP ${status} ${code}`, status, { cause: err });
}

function retryAfterMs(err: RestError): number | undefined {
  const seconds = Number(err.response?.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
