/** Base of every error the enforcer raises on purpose; trigger adapters map the family in one place. */
export class EnforcerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input is wrong and retrying cannot help: answer 400, or let the message go to poison. */
export class InvalidInputError extends EnforcerError {}

/** A dependency failed in a way that may pass (429, 5xx, network, storage down): retry later. */
export class TransientError extends EnforcerError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The identity lacks a permission: stop and name the missing action. */
export class PermissionError extends EnforcerError {
  constructor(
    message: string,
    readonly action: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A write lost a race (ETag mismatch): re-read and decide again. */
export class ConflictError extends EnforcerError {}

/** Azure refused the request permanently (other 4xx): recorded as an `error` finding. */
export class PermanentError extends EnforcerError {
  constructor(
    message: string,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTransient(err: unknown): err is TransientError {
  return err instanceof TransientError;
}

/**
 * ARM refused the request for a reason of its own that a retry cannot pass (not a missing RBAC
 * action): `code` is ARM's error code. Raised only by `src/azure` (mapArmError).
 */
export class ArmRefusedError extends PermanentError {
  constructor(
    message: string,
    statusCode: number,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, statusCode, options);
  }
}

/** The app's plan (Free, Shared) does not allow client certificates: no write can fix it. */
export class UnsupportedPlanError extends ArmRefusedError {}

/** An Azure Policy assignment denied the write (`RequestDisallowedByPolicy`): granting an action does not help. */
export class PolicyDeniedError extends ArmRefusedError {}

/** A management lock on the resource or its scope blocks the write (`ScopeLocked`) until someone removes it. */
export class ResourceLockedError extends ArmRefusedError {}
