import type { EnforcerDeps } from './deps.js';

/**
 * Run `work` holding the lease on `name` (a resource key), so one holder at a time acts on that
 * resource across deliveries and instances; `busy` answers instead when someone else holds it.
 * Every lease user goes through here: one TTL (`MTLS_LEASE_SECONDS`, long enough for a revert with
 * its read-back) and a release that never hides a failure: a lease that could not be released is
 * logged, and frees itself when the TTL runs out (until then that resource's deliveries are retried).
 */
export async function withLease<T>(
  deps: Pick<EnforcerDeps, 'leases' | 'clock' | 'newId' | 'log' | 'remediation'>,
  name: string,
  work: () => Promise<T>,
  busy: () => T | Promise<T>,
): Promise<T> {
  const holder = deps.newId();
  const ttlMs = deps.remediation.leaseTtlMs;
  if (!(await deps.leases.tryAcquire(name, holder, deps.clock(), ttlMs))) return busy();
  try {
    return await work();
  } finally {
    await deps.leases.release(name, holder).catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      deps.log('warn', `lease on ${name} not released (it frees itself within ${Math.round(ttlMs / 1000)} s): ${reason}`, { lease: name });
    });
  }
}
