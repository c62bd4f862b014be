import type { EnforcerDeps } from './deps.js';
import { keepRenewing } from './leaseRenewal.js';

/** What `work` is told while it holds the lease. */
interface HeldLease {
  /** Aborts (its reason an Error saying why) once the lease is known lost; only with `renew`, else never. */
  readonly signal: AbortSignal;
}

interface LeaseOptions {
  /**
   * Work that may outlast one TTL (a rollout wave): renew the lease every TTL / 3 while `work`
   * runs, and abort `signal` when it is lost (taken over, or renewals failing until it expires).
   */
  renew?: boolean;
}

/**
 * Run `work` holding the lease on `name` (a resource key), so one holder at a time acts on that
 * resource across deliveries and instances; `busy` answers instead when someone else holds it.
 * Every lease user goes through here: one TTL (`MTLS_LEASE_SECONDS`, long enough for a revert with
 * its read-back; `renew` keeps it for longer work) and a release that never hides a failure: a lease
 * that could not be released is logged, and frees itself when the TTL runs out (until then that
 * resource's deliveries are retried). Renewal stops, its timers cleared, before the release.
 */
export async function withLease<T>(
  deps: Pick<EnforcerDeps, 'leases' | 'clock' | 'newId' | 'log' | 'remediation'>,
  name: string,
  work: (lease: HeldLease) => Promise<T>,
  busy: () => T | Promise<T>,
  options: LeaseOptions = {},
): Promise<T> {
  const holder = deps.newId();
  const ttlMs = deps.remediation.leaseTtlMs;
  const acquiredAt = deps.clock();
  if (!(await deps.leases.tryAcquire(name, holder, acquiredAt, ttlMs))) return busy();
  const renewal = options.renew ? keepRenewing(deps, name, holder, ttlMs, acquiredAt) : undefined;
  try {
    return await work({ signal: renewal?.signal ?? new AbortController().signal });
  } finally {
    // A renewal still in flight lands before the release, so the release deletes the version it wrote.
    await renewal?.stop();
    await deps.leases.release(name, holder).catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      deps.log('warn', `lease on ${name} not released (it frees itself within ${Math.round(ttlMs / 1000)} s): ${reason}`, { lease: name });
    });
  }
}
