import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../src/policy/index.js';

describe('parseIsoDate', () => {
  it.each<[string, string]>([
    ['2027-01-31', '2027-01-31T00:00:00.000Z'],
    ['2027-01-31T10:30Z', '2027-01-31T10:30:00.000Z'],
    ['2027-01-31T10:30:15.5+02:00', '2027-01-31T08:30:15.500Z'],
    ['2026-10-02T14:05:11.1234567Z', '2026-10-02T14:05:11.123Z'],
    [' 2028-02-29 ', '2028-02-29T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseIsoDate(text)?.toISOString()).toBe(iso);
  });

  it.each(['', '1', 'tomorrow', '2027-13-01', '2027-02-30', '2027-02-29', '31/01/2027', '2027-01-31T25:00Z', 'Jan 31 2027'])(
    'rejects %j',
    (text) => {
      expect(parseIsoDate(text)).toBeUndefined();
    },
  );
});
