import { describe, expect, it } from 'vitest';
import { parseExemptionTag } from '../../src/policy/index.js';
import type { Exemption } from '../../src/policy/types.js';

const SCOPE = '/subscriptions/S1/resourceGroups/RG/providers/Microsoft.Web/sites/Shop/';
const KEY = '/subscriptions/s1/resourcegroups/rg/providers/microsoft.web/sites/shop';

describe('parseExemptionTag', () => {
  it('reads every field and lowercases the scope', () => {
    const exemption = parseExemptionTag('expires=2027-01-31;owner=bob@contoso.example;reason=legacy partner;category=waiver;approver=eve', SCOPE);

    expect(exemption).toEqual<Exemption>({
      source: 'tag',
      scope: KEY,
      expiresAt: '2027-01-31',
      owner: 'bob@contoso.example',
      reason: 'legacy partner',
      category: 'waiver',
      approver: 'eve',
    });
  });

  it.each<[string, string, Partial<Exemption>]>([
    ['keys in any case and blanks around parts', ' Expires = 2027-01-31T10:00:00Z ; OWNER=bob ; ', { expiresAt: '2027-01-31T10:00:00Z', owner: 'bob' }],
    ['a category in another case', 'expires=2027-01-31;category=Mitigated', { expiresAt: '2027-01-31', category: 'mitigated' }],
    ['no expiry (left for the validity check)', 'owner=bob', { owner: 'bob' }],
    ['an equals sign inside a value', 'expires=2027-01-31;reason=a=b', { expiresAt: '2027-01-31', reason: 'a=b' }],
  ])('accepts %s', (_name, value, fields) => {
    expect(parseExemptionTag(value, SCOPE)).toEqual({ source: 'tag', scope: KEY, ...fields });
  });

  it.each<[string, string, string]>([
    ['an empty value', '', 'the tag is empty'],
    ['only separators', ' ; ;', 'the tag is empty'],
    ['a part without =', 'expires=2027-01-31;permanent', '"permanent" is not key=value'],
    ['an unknown key', 'expiry=2027-01-31', 'unknown key "expiry" (expected expires, owner, reason, category, approver)'],
    ['an empty field', 'expires=2027-01-31;owner=', '"owner" has no value'],
    ['a repeated key', 'expires=2027-01-31;expires=2099-01-01', '"expires" appears twice'],
    ['an unknown category', 'expires=2027-01-31;category=forever', 'category "forever" is not waiver or mitigated'],
    ['a date that is not ISO 8601', 'expires=31/01/2027', 'expires "31/01/2027" is not an ISO 8601 date'],
    ['a date that does not exist', 'expires=2027-02-30', 'expires "2027-02-30" is not an ISO 8601 date'],
  ])('marks %s malformed', (_name, value, why) => {
    const exemption = parseExemptionTag(value, SCOPE);

    expect(exemption.malformed).toBe(why);
    expect(exemption.source).toBe('tag');
    expect(exemption.scope).toBe(KEY);
  });
});
