import { DEFAULT_ROLLOUT } from '../config/index.js';
import { listExemptions, type EnforcerDeps } from '../enforcer/index.js';
import { expiryInWindow } from '../report/index.js';
import type { NotifyOutbox, OnceNotice } from '../store/index.js';
import { openPlans, waveNotice } from './waveNotices.js';

const SUBSCRIPTION_OF = /\/subscriptions\/([^/]+)/i;

/**
 * Notices given once ever, found by the notify tick: an exemption expiring within 14 days; a
 * rollout wave of an active plan within its notice days (MTLS_ROLLOUT_NOTICE_DAYS) of its date;
 * a wave that was applied (its result). Each lists who must act. Returns how many were new.
 *
 * Bounded per tick: the keys a tick could give are checked against the outbox's markers (one
 * query per 14 keys), members are read only for a wave whose notice is missing, the missing
 * notices go in transactions of up to 50, and a plan that can give no more (see waveNotices.ts)
 * is marked, so later ticks read only its plan row.
 */
export async function addOnceNotices(deps: EnforcerDeps, outbox: NotifyOutbox, now: Date): Promise<number> {
  const exemptions = await expiringExemptions(deps, now);
  const rollouts = deps.rollouts;
  const plans = rollouts ? await openPlans(rollouts, now, (deps.rollout ?? DEFAULT_ROLLOUT).noticeDays) : [];
  const waves = plans.flatMap((p) => p.candidates);
  const given = await outbox.givenOnceNotices([...exemptions, ...waves].map((n) => n.key));
  const notices = exemptions.filter((n) => !given.has(n.key));
  for (const candidate of waves) if (rollouts && !given.has(candidate.key)) notices.push(await waveNotice(rollouts, candidate, now));
  const added = notices.length > 0 ? await outbox.addOnceNotices(notices) : 0;
  // Every notice of these plans is given now (here, or by another instance first): they are not read again.
  for (const { plan, settles } of plans) if (rollouts && settles) await rollouts.markNoticesGiven(plan.id, now.toISOString());
  return added;
}

async function expiringExemptions(deps: EnforcerDeps, now: Date): Promise<OnceNotice[]> {
  return (await listExemptions(deps))
    .filter((e) => expiryInWindow(e.expiresAt, now) !== undefined)
    .map((e) => ({
      key: `exemption|${e.scope}|${e.id}`, kind: 'exemption-expiring', resourceId: e.scopeDisplay, at: now.toISOString(),
      subscriptionId: SUBSCRIPTION_OF.exec(e.scopeDisplay)?.[1]?.toLowerCase() ?? '', status: `expires ${e.expiresAt}`, caller: e.owner,
    }));
}
