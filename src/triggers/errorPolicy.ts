import { InvalidInputError, PermissionError, TransientError } from '../errors.js';

/**
 * The one place that decides what a failure means to each trigger:
 * - HTTP (Event Grid webhook): 400 tells Event Grid never to retry; 503/500 make it redeliver.
 * - Queue: rethrow so the message becomes visible again and, after maxDequeueCount, goes to poison.
 * - Event Grid trigger: rethrow transient failures (redelivered); drop invalid input (retrying cannot help).
 */
export function httpStatusFor(err: unknown): number {
  if (err instanceof InvalidInputError) return 400;
  if (err instanceof TransientError) return 503;
  return 500;
}

export function shouldRetry(err: unknown): boolean {
  return !(err instanceof InvalidInputError);
}

/** A one-line reason fit for a log or a response body: never a stack, never a secret. */
export function publicReason(err: unknown): string {
  if (err instanceof TransientError) return `transient failure, retry later: ${err.message}`;
  if (err instanceof PermissionError) return `permission missing: ${err.action}`;
  if (err instanceof InvalidInputError) return err.message;
  return 'internal error';
}
