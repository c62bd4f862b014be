import { describe, expect, it } from 'vitest';
import { driftAge } from '../../src/report/driftAge.js';

const NOW = new Date('2026-10-02T12:00:00Z');

describe('driftAge', () => {
  it.each<[string, string, number, number, string]>([
    ['just now', '2026-10-02T12:00:00Z', 0, 0, '0h'],
    ['59 minutes', '2026-10-02T11:01:00Z', 0, 0, '0h'],
    ['one hour', '2026-10-02T11:00:00Z', 1, 0, '1h'],
    ['23 h 59 min', '2026-10-01T12:01:00Z', 23, 0, '23h'],
    ['exactly one day', '2026-10-01T12:00:00Z', 24, 1, '1d 0h'],
    ['3 days 5 hours', '2026-09-29T07:00:00Z', 77, 3, '3d 5h'],
    ['across a month end, with an offset', '2026-08-31T14:30:00+02:00', 767, 31, '31d 23h'],
    ['in the future (clock skew)', '2026-10-02T13:00:00Z', 0, 0, '0h'],
  ])('measures %s', (_name, since, hours, days, label) => {
    expect(driftAge(since, NOW)).toEqual({ since, hours, days, label });
  });

  it.each([undefined, '', 'yesterday', '2026-02-30T00:00:00Z'])('is unknown for %j', (since) => {
    expect(driftAge(since, NOW)).toBeUndefined();
  });
});
