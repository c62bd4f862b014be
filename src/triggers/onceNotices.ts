import { DEFAULT_ROLLOUT } from '../config/index.js';
import { listExemptions, listRollouts, type EnforcerDeps, type RolloutRecord } from '../enforcer/index.js';
import { expiryInWindow } from '../report/index.js';
import type { NotifyOutbox, OnceNotice } from '../store/index.js';

const DAY_MS = 86_400_000;
const SUBSCRIPTION_OF = /\/subscriptions\/([^/]+)/i;

/**
 * Notices given once ever, found by the notify tick: an exemption expiring within 14 days; a
 * rollout wave of an active plan within its notice days (MTLS_ROLLOUT_NOTICE_DAYS) of its date;
 * a wave that was applied (its result). Each lists who must act. Returns how many were new.
 */
export async function addOnceNotices(deps: EnforcerDeps, outbox: NotifyOutbox, now: Date): Promise<number> {
  const notices = [...(await expiringExemptions(deps, now)), ...(deps.rollouts ? waveNotices(await listRollouts(deps), now, (deps.rollout ?? DEFAULT_ROLLOUT).noticeDays) : [])];
  let added = 0;
  for (const notice of notices) if (await outbox.addOnceNotice(notice)) added++;
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

function waveNotices(rollouts: readonly RolloutRecord[], now: Date, noticeDays: number): OnceNotice[] {
  const out: OnceNotice[] = [];
  for (const { plan, waves, members } of rollouts) {
    const subscriptionId = plan.subscriptions.length === 1 ? (plan.subscriptions[0] as string) : '';
    for (const wave of waves) {
      const mine = members.filter((m) => m.wave === wave.number);
      const owners = [...new Set(mine.map((m) => m.owner ?? 'no owner tag'))].sort().join(', ');
      const resourceId = `plan ${plan.id} wave ${wave.number}`;
      const base = { resourceId, subscriptionId, at: now.toISOString() };
      const due = Date.parse(wave.notBefore) - now.getTime();
      if (plan.status === 'active' && wave.status === 'pending' && due > 0 && due <= noticeDays * DAY_MS) {
        out.push({ ...base, key: `wave-notice|${plan.id}|${wave.number}`, kind: 'wave-notice', status: `on ${wave.notBefore}`, detail: `${mine.length} app(s) get client certificates Required; owners: ${owners}` });
      }
      if (wave.status === 'done' || wave.status === 'partial' || wave.status === 'failed') {
        const counts = Object.entries(wave.counts ?? {}).map(([state, n]) => `${state} ${n}`).join(', ');
        out.push({ ...base, key: `wave-result|${plan.id}|${wave.number}`, kind: 'wave-result', status: wave.status, detail: `${counts || 'no members'}; owners: ${owners}` });
      }
    }
  }
  return out;
}
