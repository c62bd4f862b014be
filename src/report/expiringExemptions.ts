import { parseIsoDate } from '../policy/index.js';
import { compareText } from './compareText.js';
import type { ExemptionInput, ExpiringExemption } from './types.js';

const HOUR_MS = 3_600_000;
export const EXPIRY_WINDOW_DAYS = 14;

/**
 * Exemptions that end between `now` and `now` + 14 days, inclusive, soonest first. Expired ones
 * already exempt nothing (their findings say so) and unparsable ones never did.
 */
export function expiringExemptions(exemptions: ExemptionInput[], now: Date): ExpiringExemption[] {
  const expiring: Array<{ at: number; entry: ExpiringExemption }> = [];
  for (const exemption of exemptions) {
    const at = expiryInWindow(exemption.expiresAt, now);
    if (at === undefined) continue;
    const hoursLeft = Math.floor((at - now.getTime()) / HOUR_MS);
    const entry: ExpiringExemption = {
      scopeDisplay: exemption.scopeDisplay,
      owner: exemption.owner,
      expiresAt: exemption.expiresAt,
      reason: exemption.reason,
      category: exemption.category,
      ...(exemption.approver ? { approver: exemption.approver } : {}),
      hoursLeft,
      daysLeft: Math.floor(hoursLeft / 24),
    };
    expiring.push({ at, entry });
  }
  return expiring.sort((a, b) => a.at - b.at || compareText(a.entry.scopeDisplay, b.entry.scopeDisplay)).map((item) => item.entry);
}

/** The expiry (ms) when it falls between `now` and `now` + 14 days, inclusive; undefined outside or unparsable. */
export function expiryInWindow(expiresAt: string, now: Date): number | undefined {
  const at = parseIsoDate(expiresAt)?.getTime();
  return at === undefined || at < now.getTime() || at > now.getTime() + EXPIRY_WINDOW_DAYS * 24 * HOUR_MS ? undefined : at;
}
