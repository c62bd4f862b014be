import type { EnforcerDeps } from './deps.js';

/** A lease being kept: `signal` aborts (its reason an Error saying why) once the lease is known lost. */
interface LeaseRenewal {
  readonly signal: AbortSignal;
  /** Stop renewing: clears both timers, after a renewal in flight (which never rejects) settles or the lease expires. */
  stop(): Promise<void>;
}

/**
 * Renew the lease `holder` took on `name` at `acquiredAt` every `ttlMs / 3`, through the same
 * `tryAcquire` that took it (it extends a lease its holder holds). The lease is lost, and `signal`
 * aborts, when a renewal finds another holder (it expired and was taken over), when renewals keep
 * failing so that the next try would come after it expires, or when it expires with a renewal
 * still unanswered. Each failure and the loss are logged; nothing here ever rejects, and neither
 * timer keeps the process alive.
 */
export function keepRenewing(
  deps: Pick<EnforcerDeps, 'leases' | 'clock' | 'log'>,
  name: string,
  holder: string,
  ttlMs: number,
  acquiredAt: Date,
): LeaseRenewal {
  const controller = new AbortController();
  const everyMs = Math.max(1, Math.floor(ttlMs / 3));
  let heldUntil = acquiredAt.getTime() + ttlMs;
  /** No renewal is scheduled once this is set: the work ended (stop) or the lease was lost. */
  let stopped = false;
  /** Set once `stop` is done: a loss after that is the next holder's business, not reported. */
  let ended = false;
  let renewTimer: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const lose = (why: string): void => {
    if (controller.signal.aborted || ended) return;
    stopped = true;
    clearTimeout(renewTimer);
    clearTimeout(deadlineTimer);
    const message = `lease on ${name} lost: ${why}`;
    controller.abort(new Error(message));
    warn(message);
  };
  // A log that throws must not turn a timer's callback into an uncaught error.
  const warn = (message: string): void => {
    try {
      deps.log('warn', message, { lease: name });
    } catch {
      // nothing else to tell it to
    }
  };
  // Expired with no renewal answered (a renewal hanging, an event loop held up): lost.
  const armDeadline = (): void => {
    clearTimeout(deadlineTimer);
    deadlineTimer = setTimeout(() => lose(`it expired at ${iso(heldUntil)} before a renewal was answered`), Math.max(0, heldUntil - deps.clock().getTime()));
    deadlineTimer.unref();
  };
  const renew = async (): Promise<void> => {
    const at = deps.clock();
    if (at.getTime() > heldUntil) return lose(`it expired at ${iso(heldUntil)} before it could be renewed`);
    try {
      if (!(await deps.leases.tryAcquire(name, holder, at, ttlMs))) return lose('another holder took it over after it expired');
      heldUntil = at.getTime() + ttlMs;
      if (!stopped) armDeadline();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (at.getTime() + everyMs >= heldUntil) return lose(`renewals kept failing and it expires at ${iso(heldUntil)} (${reason})`);
      warn(`lease on ${name} not renewed (held until ${iso(heldUntil)}; trying again in ${everyMs} ms): ${reason}`);
    }
    schedule();
  };
  const schedule = (): void => {
    if (stopped) return;
    renewTimer = setTimeout(() => {
      inFlight = renew().catch((err: unknown) => lose(`renewal failed: ${err instanceof Error ? err.message : String(err)}`));
    }, everyMs);
    renewTimer.unref();
  };

  const lost = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  armDeadline();
  schedule();
  return {
    signal: controller.signal,
    async stop() {
      stopped = true;
      clearTimeout(renewTimer);
      // A renewal in flight lands first (the release then deletes the version it wrote), unless it
      // hangs until the lease expires: the deadline, still armed, ends the wait.
      await Promise.race([inFlight, lost]);
      ended = true;
      clearTimeout(deadlineTimer);
    },
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();
