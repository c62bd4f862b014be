import { describe, expect, it } from 'vitest';
import { policyForSubscription, portalName } from '../../src/policy/index.js';
import { DEFAULT_POLICY } from '../../src/policy/types.js';

describe('portalName', () => {
  it.each<[string | undefined, boolean | undefined, string]>([
    ['Required', true, 'Require'],
    ['Optional', true, 'Allow'],
    ['OptionalInteractiveUser', true, 'Optional'],
    ['optionalinteractiveuser', true, 'Optional'],
    ['Required', false, 'Ignore'],
    ['Required', undefined, 'Ignore'],
    [undefined, false, 'Ignore'],
    [undefined, true, 'no mode set'],
    ['Sometimes', true, 'unknown mode "Sometimes"'],
  ])('calls mode %s with enabled %s "%s"', (mode, enabled, name) => {
    expect(portalName(mode, enabled)).toBe(name);
  });
});

describe('policyForSubscription', () => {
  it('replaces the allowed modes, keeping the rest of the base', () => {
    const policy = policyForSubscription(DEFAULT_POLICY, { allowedModes: ['Required', ' Optional '] });

    expect(policy).toEqual({ ...DEFAULT_POLICY, allowedModes: ['Required', 'Optional'] });
    expect(DEFAULT_POLICY.allowedModes).toEqual(['Required']);
  });

  it.each<[string, { allowedModes?: string[] } | undefined]>([
    ['no overrides', undefined],
    ['overrides without modes', {}],
    ['an empty list', { allowedModes: [] }],
    ['a list of blanks', { allowedModes: [' '] }],
  ])('returns the base for %s', (_name, overrides) => {
    expect(policyForSubscription(DEFAULT_POLICY, overrides)).toBe(DEFAULT_POLICY);
  });
});
