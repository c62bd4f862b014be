import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/index.js';
import { DEFAULT_POLICY, type Exemption, type Policy, type ReasonCode, type SiteSnapshot, type Status } from '../../src/policy/types.js';

const NOW = new Date('2026-10-02T12:00:00Z');
const ID = '/subscriptions/a1b2c3d4-e5f6-4789-a0b1-c2d3e4f5a6b7/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop';
const SCOPE = ID.toLowerCase();
const TAGS_ON: Policy = { ...DEFAULT_POLICY, tagExemptions: true };

function site(fields: Partial<SiteSnapshot> = {}): SiteSnapshot {
  return { id: ID, name: 'shop', isSlot: false, sku: 'Standard', clientCertEnabled: false, clientCertMode: 'Required', ...fields };
}

function register(fields: Partial<Exemption> = {}): Exemption {
  return { source: 'register', scope: SCOPE, owner: 'team-shop', approver: 'ciso', reason: 'partner without certs', category: 'waiver', expiresAt: '2027-01-31T00:00:00Z', ...fields };
}

const codes = (reasons: { code: ReasonCode }[]) => reasons.map((r) => r.code);

describe('evaluate with exemptions', () => {
  it.each<[string, Exemption[], Status, ReasonCode[]]>([
    ['a valid register exemption', [register()], 'exempt', ['exempt', 'client-cert-disabled']],
    ['an expired one', [register({ expiresAt: '2026-10-01T00:00:00Z' })], 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['one expiring exactly now', [register({ expiresAt: NOW.toISOString() })], 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['one without expiry', [register({ expiresAt: undefined })], 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['one with an unreadable expiry', [register({ expiresAt: 'next year' })], 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['a malformed one', [register({ malformed: 'bad row' })], 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['a valid one beside an expired one', [register({ expiresAt: '2020-01-01' }), register()], 'exempt', ['exempt', 'client-cert-disabled', 'exemption-invalid']],
  ])('%s → %s', (_name, exemptions, status, reasonCodes) => {
    const verdict = evaluate(site(), DEFAULT_POLICY, NOW, exemptions);

    expect(verdict.status).toBe(status);
    expect(codes(verdict.reasons)).toEqual(reasonCodes);
  });

  it.each<[string, Partial<Exemption>, string]>([
    ['expired', { expiresAt: '2026-10-01T00:00:00Z' }, 'it expired on 2026-10-01T00:00:00.000Z'],
    ['no expiry', { expiresAt: undefined }, 'it has no expiry (an expiry is required)'],
    ['malformed', { malformed: 'bad row' }, 'malformed: bad row'],
  ])('says why an exemption is invalid (%s)', (_name, fields, why) => {
    const verdict = evaluate(site(), DEFAULT_POLICY, NOW, [register(fields)]);

    expect(verdict.reasons[1]?.message).toBe(`The register exemption for ${SCOPE} exempts nothing: ${why}.`);
  });

  it('names owner, approver, category, reason and expiry of the exemption that applies', () => {
    const [reason] = evaluate(site(), DEFAULT_POLICY, NOW, [register()]).reasons;

    expect(reason?.message).toBe(
      `Exempt until 2027-01-31T00:00:00.000Z by the exemption register (${SCOPE}); category waiver; owner team-shop; approved by ciso; reason: partner without certs.`,
    );
  });

  it('applies the exemption that lasts longest', () => {
    const verdict = evaluate(site(), DEFAULT_POLICY, NOW, [register({ owner: 'short' }), register({ owner: 'long', expiresAt: '2028-01-01' })]);

    expect(verdict.reasons[0]?.message).toContain('owner long');
  });

  it('exempts even a Free site, and keeps its failures listed', () => {
    const verdict = evaluate(site({ sku: 'Free' }), DEFAULT_POLICY, NOW, [register()]);

    expect(verdict.status).toBe('exempt');
    expect(codes(verdict.reasons)).toEqual(['exempt', 'client-cert-disabled']);
  });

  it('leaves an unneeded exemption out of the reasons of a compliant app', () => {
    const verdict = evaluate(site({ clientCertEnabled: true }), DEFAULT_POLICY, NOW, [register(), register({ expiresAt: '2020-01-01' })]);

    expect(verdict.status).toBe('compliant');
    expect(verdict.reasons).toEqual([]);
    expect(verdict.advice).toEqual([expect.stringContaining('exempts nothing: it expired on 2020-01-01T00:00:00.000Z')]);
  });

  it.each<[string, Policy, Record<string, string>, Status, ReasonCode[]]>([
    ['a valid tag, tags on', TAGS_ON, { 'mtls-enforcer-exempt': 'expires=2027-01-31;owner=bob;reason=legacy;category=mitigated;approver=eve' }, 'exempt', ['exempt', 'client-cert-disabled']],
    ['a valid tag named in another case', TAGS_ON, { 'MTLS-Enforcer-Exempt': 'expires=2027-01-31;owner=bob' }, 'exempt', ['exempt', 'client-cert-disabled']],
    ['an expired tag', TAGS_ON, { 'mtls-enforcer-exempt': 'expires=2026-01-31;owner=bob' }, 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['a tag without expiry', TAGS_ON, { 'mtls-enforcer-exempt': 'owner=bob;reason=legacy' }, 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['a malformed tag', TAGS_ON, { 'mtls-enforcer-exempt': 'until tomorrow' }, 'noncompliant', ['client-cert-disabled', 'exemption-invalid']],
    ['a valid tag, tags off', DEFAULT_POLICY, { 'mtls-enforcer-exempt': 'expires=2027-01-31;owner=bob' }, 'noncompliant', ['client-cert-disabled']],
    ['another tag name configured', { ...TAGS_ON, exemptionTagName: 'security-waiver' }, { 'security-waiver': 'expires=2027-01-31' }, 'exempt', ['exempt', 'client-cert-disabled']],
  ])('%s → %s', (_name, policy, tags, status, reasonCodes) => {
    const verdict = evaluate(site({ tags }), policy, NOW);

    expect(verdict.status).toBe(status);
    expect(codes(verdict.reasons)).toEqual(reasonCodes);
  });

  it('says the tag did nothing when tag exemptions are off', () => {
    const verdict = evaluate(site({ tags: { 'mtls-enforcer-exempt': 'expires=2027-01-31' } }), DEFAULT_POLICY, NOW);

    expect(verdict.advice).toEqual([expect.stringContaining('tag exemptions are disabled')]);
  });

  it('gives that advice to a compliant app too, and none when the tag is absent', () => {
    const tagged = evaluate(site({ clientCertEnabled: true, tags: { 'mtls-enforcer-exempt': 'x' } }), DEFAULT_POLICY, NOW);
    const untagged = evaluate(site({ clientCertEnabled: true, tags: { env: 'prod' } }), DEFAULT_POLICY, NOW);

    expect(tagged.advice).toEqual([expect.stringContaining('tag exemptions are disabled')]);
    expect(untagged.advice).toEqual([]);
  });

  it('says why a malformed tag exempts nothing', () => {
    const verdict = evaluate(site({ tags: { 'mtls-enforcer-exempt': 'expires=2027-01-31;owner' } }), TAGS_ON, NOW);

    expect(verdict.reasons[1]?.message).toBe('The exemption tag exempts nothing: malformed: "owner" is not key=value.');
  });
});
