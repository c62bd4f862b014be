import { listExemptions, type EnforcerDeps } from '../enforcer/index.js';
import { EXPIRY_WINDOW_DAYS } from '../report/index.js';
import type { NotifyOutbox } from '../store/index.js';

/** Exemptions expiring within the report's window (14 days) get one notice each, ever; returns how many were new. */
export async function noticeExpiringExemptions(deps: EnforcerDeps, outbox: NotifyOutbox, now: Date): Promise<number> {
  const until = now.getTime() + EXPIRY_WINDOW_DAYS * 86_400_000;
  let added = 0;
  for (const e of await listExemptions(deps)) {
    const expires = Date.parse(e.expiresAt);
    if (!(expires > now.getTime() && expires <= until)) continue;
    if (await outbox.addExemptionNotice({ key: `${e.scope}|${e.id}`.toLowerCase(), scopeDisplay: e.scopeDisplay, owner: e.owner, expiresAt: e.expiresAt, at: now.toISOString() })) added++;
  }
  return added;
}
