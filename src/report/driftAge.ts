import { parseIsoDate } from '../policy/index.js';
import type { DriftAge } from './types.js';

const HOUR_MS = 3_600_000;

/** How long an app has been drifting, from `firstNonCompliantAt` to `now`; undefined if unknown. */
export function driftAge(since: string | undefined, now: Date): DriftAge | undefined {
  if (!since) return undefined;
  const start = parseIsoDate(since);
  if (!start) return undefined;
  // A start after `now` (clocks of two writers disagree) is no drift yet, never negative drift.
  const hours = Math.max(0, Math.floor((now.getTime() - start.getTime()) / HOUR_MS));
  const days = Math.floor(hours / 24);
  const label = days > 0 ? `${days}d ${hours % 24}h` : `${hours}h`;
  return { since, hours, days, label };
}
