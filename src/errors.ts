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
