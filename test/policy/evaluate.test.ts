import { describe, expect, it } from 'vitest';
import { evaluate, policyForSubscription } from '../../src/policy/index.js';
import { DEFAULT_POLICY, type Policy, type ReasonCode, type SiteSnapshot, type Status } from '../../src/policy/types.js';

const NOW = new Date('2026-10-02T12:00:00Z');
const ID = '/subscriptions/a1b2c3d4-e5f6-4789-a0b1-c2d3e4f5a6b7/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop';

function site(fields: Partial<SiteSnapshot> = {}): SiteSnapshot {
  return { id: ID, name: 'shop', kind: 'app', isSlot: false, sku: 'Standard', ...fields };
}

const ON_REQUIRED = { clientCertEnabled: true, clientCertMode: 'Required' };
const codes = (reasons: { code: ReasonCode }[]) => reasons.map((r) => r.code);

describe('evaluate', () => {
  it.each<[string, Partial<SiteSnapshot>, Status, ReasonCode[]]>([
    ['enabled + Required', ON_REQUIRED, 'compliant', []],
    ['enabled + required in another case', { clientCertEnabled: true, clientCertMode: 'required' }, 'compliant', []],
    ['enabled + Optional', { clientCertEnabled: true, clientCertMode: 'Optional' }, 'noncompliant', ['mode-not-required']],
    ['enabled + OptionalInteractiveUser', { clientCertEnabled: true, clientCertMode: 'OptionalInteractiveUser' }, 'noncompliant', ['mode-not-required']],
    ['enabled + no mode', { clientCertEnabled: true }, 'noncompliant', ['mode-not-required']],
    ['enabled + unknown mode', { clientCertEnabled: true, clientCertMode: 'Sometimes' }, 'noncompliant', ['mode-not-required']],
    ['disabled + Required (as Azure reports it)', { clientCertEnabled: false, clientCertMode: 'Required' }, 'noncompliant', ['client-cert-disabled']],
    ['disabled + Optional (mode not judged)', { clientCertEnabled: false, clientCertMode: 'Optional' }, 'noncompliant', ['client-cert-disabled']],
    ['no client-cert fields at all', {}, 'noncompliant', ['client-cert-disabled']],
    ['enabled + Required + exclusion paths', { ...ON_REQUIRED, clientCertExclusionPaths: '/health,/public' }, 'noncompliant', ['exclusion-paths']],
    ['exclusion paths that are only blanks and commas', { ...ON_REQUIRED, clientCertExclusionPaths: ' , ,' }, 'compliant', []],
    ['disabled + exclusion paths', { clientCertEnabled: false, clientCertExclusionPaths: '/health' }, 'noncompliant', ['client-cert-disabled', 'exclusion-paths']],
    ['Free tier, disabled', { sku: 'Free', clientCertEnabled: false }, 'unsupported-plan', ['unsupported-plan', 'client-cert-disabled']],
    ['Shared tier in lower case, disabled', { sku: 'shared', clientCertEnabled: false }, 'unsupported-plan', ['unsupported-plan', 'client-cert-disabled']],
    ['Basic tier, disabled', { sku: 'Basic', clientCertEnabled: false }, 'noncompliant', ['client-cert-disabled']],
    ['Free tier that is somehow compliant', { sku: 'Free', ...ON_REQUIRED }, 'compliant', []],
    ['Logic Apps Standard', { kind: 'functionapp,workflowapp', clientCertEnabled: false }, 'not-applicable', ['not-applicable-kind']],
    ['Functions on Container Apps', { kind: 'functionapp,linux,container,AzureContainerApps', clientCertEnabled: false }, 'not-applicable', ['not-applicable-kind']],
    ['plain function app', { kind: 'functionapp', clientCertEnabled: false }, 'noncompliant', ['client-cert-disabled']],
  ])('%s → %s', (_name, fields, status, reasonCodes) => {
    const verdict = evaluate(site(fields), DEFAULT_POLICY, NOW);

    expect(verdict.status).toBe(status);
    expect(codes(verdict.reasons)).toEqual(reasonCodes);
  });

  it.each<[string, string | undefined, string]>([
    ['Optional', 'Optional', 'portal "Allow"'],
    ['OptionalInteractiveUser', 'OptionalInteractiveUser', 'portal "Optional"'],
    ['missing mode', undefined, 'treated as not allowed'],
  ])('names the API value and the portal name for %s', (_name, mode, portal) => {
    const fields: Partial<SiteSnapshot> = { clientCertEnabled: true };
    if (mode) fields.clientCertMode = mode;

    const [reason] = evaluate(site(fields), DEFAULT_POLICY, NOW).reasons;

    expect(reason?.message).toContain(portal);
    if (mode) expect(reason?.message).toContain(`clientCertMode is ${mode}`);
    expect(reason?.message).toContain('Required (portal "Require")');
  });

  it('says a disabled app shows portal "Ignore" and that its Required mode has no effect', () => {
    const [reason] = evaluate(site({ clientCertEnabled: false, clientCertMode: 'Required' }), DEFAULT_POLICY, NOW).reasons;

    expect(reason?.message).toContain('portal "Ignore"');
    expect(reason?.message).toContain('reads Required, which has no effect');
  });

  it.each<[string, Partial<SiteSnapshot>, RegExp]>([
    ['OptionalInteractiveUser', { clientCertEnabled: true, clientCertMode: 'OptionalInteractiveUser' }, /OptionalInteractiveUser.*renegotiation.*HTTP\/2.*TLS 1\.3.*100 KB/],
    ['exclusion paths', { ...ON_REQUIRED, clientCertExclusionPaths: '/health' }, /Exclusion paths force TLS renegotiation.*HTTP\/2.*TLS 1\.3.*100 KB/],
  ])('advises that %s forces TLS renegotiation', (_name, fields, advice) => {
    const verdict = evaluate(site(fields), DEFAULT_POLICY, NOW);

    expect(verdict.advice.join('\n')).toMatch(advice);
  });

  it('gives no advice to a plainly compliant app', () => {
    expect(evaluate(site(ON_REQUIRED), DEFAULT_POLICY, NOW).advice).toEqual([]);
  });

  it('reports exclusion paths as advice, not failure, when the policy does not fail them', () => {
    const policy: Policy = { ...DEFAULT_POLICY, exclusionPathsFail: false };

    const verdict = evaluate(site({ ...ON_REQUIRED, clientCertExclusionPaths: ' /health , /public ' }), policy, NOW);

    expect(verdict.status).toBe('compliant');
    expect(verdict.reasons).toEqual([]);
    expect(verdict.advice[0]).toContain('/health, /public in without a certificate (reported only');
    expect(verdict.advice[1]).toContain('renegotiation');
  });

  it.each<[string, string, Status]>([
    ['Optional', 'Optional', 'compliant'],
    ['optional in another case', 'optional', 'compliant'],
    ['OptionalInteractiveUser (still not allowed)', 'OptionalInteractiveUser', 'noncompliant'],
    ['Required', 'Required', 'compliant'],
  ])('holds %s to a subscription that allows Optional', (_name, mode, status) => {
    const policy = policyForSubscription(DEFAULT_POLICY, { allowedModes: ['Required', 'Optional'] });

    const verdict = evaluate(site({ clientCertEnabled: true, clientCertMode: mode }), policy, NOW);

    expect(verdict.status).toBe(status);
  });

  it('keeps the choice to allow Optional visible in the advice', () => {
    const policy = policyForSubscription(DEFAULT_POLICY, { allowedModes: ['Required', 'Optional'] });

    const verdict = evaluate(site({ clientCertEnabled: true, clientCertMode: 'Optional' }), policy, NOW);

    expect(verdict.advice).toEqual([expect.stringMatching(/Optional \(portal "Allow"\) passes only because this policy allows it/)]);
  });

  it('uses the configured not-applicable kinds, not a fixed list', () => {
    const policy: Policy = { ...DEFAULT_POLICY, notApplicableKinds: ['api'] };

    const logicApp = evaluate(site({ kind: 'functionapp,workflowapp' }), policy, NOW);
    const api = evaluate(site({ kind: 'API' }), policy, NOW);

    expect(logicApp.status).toBe('noncompliant');
    expect(api.status).toBe('not-applicable');
    expect(api.reasons[0]?.message).toContain('Kind "API" contains "api"');
  });

  it('explains the not-applicable kinds it knows', () => {
    const verdict = evaluate(site({ kind: 'functionapp,workflowapp' }), DEFAULT_POLICY, NOW);

    expect(verdict.reasons[0]?.message).toContain('Logic Apps Standard');
  });

  it('does not change the snapshot or the policy it is given', () => {
    const snapshot = site({ clientCertEnabled: true, clientCertMode: 'Optional', tags: { 'mtls-enforcer-exempt': 'x' } });
    const before = structuredClone(snapshot);
    const policy = structuredClone(DEFAULT_POLICY);

    evaluate(snapshot, policy, NOW);

    expect(snapshot).toEqual(before);
    expect(policy).toEqual(DEFAULT_POLICY);
  });
});
