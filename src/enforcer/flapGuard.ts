import type { Caller } from '../model/index.js';
import type { HistoryEntry } from '../model/index.js';

export interface FlapState {
  flapping: boolean;
  reverts: number;
  /** Whose writes the counted reverts undid, distinct, newest first. */
  callers: Caller[];
}

/**
 * Pure: whether a resource has been reverted `maxReverts` times within `windowMs` before `now`,
 * judged from its durable history (so it holds across instances and restarts).
 */
export function flapState(history: readonly HistoryEntry[], now: Date, maxReverts: number, windowMs: number): FlapState {
  const since = now.getTime() - windowMs;
  const reverts = history.filter((h) => h.action === 'remediated' && Date.parse(h.at) >= since);
  const callers = new Map<string, Caller>();
  for (const r of reverts) {
    if (r.undoneCaller) callers.set(callerLabel(r.undoneCaller), r.undoneCaller);
  }
  return { flapping: reverts.length >= maxReverts, reverts: reverts.length, callers: [...callers.values()] };
}

export function callerLabel(caller: Caller): string {
  return caller.name ?? caller.objectId ?? caller.appId ?? 'unknown caller';
}
