import { describe, expect, it } from 'vitest';
import { flapState, isOwnWrite } from '../../src/enforcer/index.js';
import type { HistoryEntry } from '../../src/model/index.js';

const now = new Date('2026-11-23T12:00:00Z');

function revert(minutesAgo: number, by: string, action: HistoryEntry['action'] = 'remediated'): HistoryEntry {
  const at = new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  return { key: 'k', resourceId: 'r', at, causeId: `c${minutesAgo}`, action, status: 'compliant', reasons: [], source: 'event', undoneCaller: { name: by } };
}

describe('flapState', () => {
  it.each([
    { name: 'no history', history: [], flapping: false, reverts: 0 },
    { name: 'two reverts in the window', history: [revert(5, 'a'), revert(10, 'a')], flapping: false, reverts: 2 },
    { name: 'three reverts in the window', history: [revert(5, 'a'), revert(10, 'b'), revert(50, 'a')], flapping: true, reverts: 3 },
    { name: 'old reverts outside the window', history: [revert(5, 'a'), revert(61, 'a'), revert(90, 'a')], flapping: false, reverts: 1 },
    { name: 'other actions do not count', history: [revert(5, 'a', 'evaluated'), revert(6, 'a', 'would-remediate'), revert(7, 'a')], flapping: false, reverts: 1 },
  ])('judges $name', ({ history, flapping, reverts }) => {
    const state = flapState(history, now, 3, 60 * 60_000);

    expect(state.flapping).toBe(flapping);
    expect(state.reverts).toBe(reverts);
  });

  it('names each distinct caller whose writes were undone', () => {
    const state = flapState([revert(1, 'pipeline'), revert(2, 'alice'), revert(3, 'pipeline')], now, 3, 3_600_000);

    expect(state.callers.map((c) => c.name).sort()).toEqual(['alice', 'pipeline']);
  });
});

describe('isOwnWrite', () => {
  const self = { objectId: 'AAAA-1', appId: 'bbbb-2' };

  it.each([
    { caller: { objectId: 'aaaa-1' }, own: true },
    { caller: { appId: 'BBBB-2' }, own: true },
    { caller: { objectId: 'someone-else', appId: 'other' }, own: false },
    { caller: {}, own: false },
    { caller: undefined, own: false },
  ])('says $own for $caller', ({ caller, own }) => {
    expect(isOwnWrite(caller, self)).toBe(own);
  });

  it('never matches when no identity is configured', () => {
    expect(isOwnWrite({ objectId: 'x', appId: 'y' }, {})).toBe(false);
  });
});
