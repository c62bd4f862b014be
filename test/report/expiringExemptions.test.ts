import { describe, expect, it } from 'vitest';
import { expiringExemptions } from '../../src/report/expiringExemptions.js';
import type { ExemptionInput } from '../../src/report/index.js';

const NOW = new Date('2026-10-02T12:00:00Z');

function exemption(expiresAt: string, scopeDisplay = `/subscriptions/s/resourceGroups/rg-${expiresAt}`): ExemptionInput {
  return { scopeDisplay, owner: 'team-a', expiresAt, reason: 'legacy partner', category: 'waiver' };
}

describe('expiringExemptions', () => {
  it.each<[string, string, boolean]>([
    ['expired a second ago', '2026-10-02T11:59:59Z', false],
    ['expiring right now', '2026-10-02T12:00:00Z', true],
    ['expiring tomorrow', '2026-10-03', true],
    ['expiring in exactly 14 days', '2026-10-16T12:00:00Z', true],
    ['expiring 14 days and a second from now', '2026-10-16T12:00:01Z', false],
    ['expiring next year', '2027-01-31', false],
    ['with an unreadable date', 'soon', false],
  ])('includes one %s: %s', (_name, expiresAt, included) => {
    const result = expiringExemptions([exemption(expiresAt)], NOW);

    expect(result.length === 1).toBe(included);
  });

  it('lists soonest first, with the time left', () => {
    const list = [exemption('2026-10-10T12:00:00Z'), exemption('2026-10-03T18:00:00Z'), exemption('2026-10-05')];

    const result = expiringExemptions(list, NOW);

    expect(result.map((e) => [e.expiresAt, e.daysLeft, e.hoursLeft])).toEqual([
      ['2026-10-03T18:00:00Z', 1, 30],
      ['2026-10-05', 2, 60],
      ['2026-10-10T12:00:00Z', 8, 192],
    ]);
  });
});
