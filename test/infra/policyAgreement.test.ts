import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/evaluate.js';
import type { Status, Verdict } from '../../src/policy/types.js';
import type { Json, JsonObject } from './armExpressions.js';
import { demoCases, edgeCases, generatedCases, NOW, reportCases, restExampleCases, type PolicyCase } from './policyFleets.js';
import { evaluatePolicyRule, fieldsUsed } from './policyRule.js';
import { assignedEffect, rule } from './policyTemplates.js';

/** What Policy says of one case under the assignment as deployed (effect Audit by default). */
function policySays(c: PolicyCase, policyRule: JsonObject = rule): 'non-compliant' | 'compliant' {
  return evaluatePolicyRule(policyRule, c.arm, { effect: assignedEffect.value as Json }).matched ? 'non-compliant' : 'compliant';
}

/** The enforcer's verdict in Policy's two words: only `noncompliant` is a failure that is not waived or blocked. */
function enforcerSays(v: Verdict): 'non-compliant' | 'compliant' {
  return v.status === 'noncompliant' ? 'non-compliant' : 'compliant';
}

/**
 * Where Policy cannot see what the enforcer sees. Each has the enforcer status it shows up with,
 * so a disagreement only counts as known when the enforcer gives that reason.
 */
const DIFFERENCES: Record<string, { enforcer: Status; policy: 'non-compliant' | 'compliant'; why: string }> = {
  'plan-tier': { enforcer: 'unsupported-plan', policy: 'non-compliant', why: 'the plan tier (Free/Shared) is on the plan, not the site: the site has no published alias for it' },
  'register-exemption': { enforcer: 'exempt', policy: 'non-compliant', why: "the enforcer's exemption register is not an Azure Policy exemption" },
  'tag-exemption': { enforcer: 'exempt', policy: 'non-compliant', why: 'tag exemptions, when a subscription turns them on, are the enforcer\'s setting' },
  'subscription-allowed-modes': { enforcer: 'compliant', policy: 'non-compliant', why: 'a subscription that allows Optional does so in the enforcer\'s settings; the definition holds Required' },
  'exclusion-paths-reported-only': { enforcer: 'compliant', policy: 'non-compliant', why: 'MTLS exclusion-paths-fail off is the enforcer\'s setting; the definition always fails exclusion paths' },
  'configured-not-applicable-kinds': { enforcer: 'noncompliant', policy: 'compliant', why: 'the enforcer\'s not-applicable kinds are configurable; the definition excludes workflowapp and azurecontainerapps' },
  'mode-with-blanks': { enforcer: 'compliant', policy: 'non-compliant', why: 'the enforcer trims a mode; Policy compares it as it is' },
  'exclusion-path-without-slash': { enforcer: 'noncompliant', policy: 'compliant', why: 'the definition recognises an exclusion path by its "/" (null-safe); a path without one is not seen' },
};
type Difference = keyof typeof DIFFERENCES;

/** Every disagreement the fleets hold, by case key; nothing else may disagree. */
const EXPECTED_DIFFERENCES: Record<string, Difference> = {
  'demo:/subscriptions/11111111-1111-4111-8111-111111111111/resourcegroups/rg-legacy/providers/microsoft.web/sites/hobby-site': 'plan-tier',
  'report:/subscriptions/bbbbbbbb-0000-4000-8000-00000000000b/resourcegroups/rg-billing/providers/microsoft.web/sites/billing': 'register-exemption',
  'report:/subscriptions/bbbbbbbb-0000-4000-8000-00000000000b/resourcegroups/rg-hobby/providers/microsoft.web/sites/hobby': 'plan-tier',
  'edge:/subscriptions/eeeeeeee-0000-4000-8000-00000000000e/resourcegroups/rg-edge/providers/microsoft.web/sites/shared-tier': 'plan-tier',
  'edge:/subscriptions/eeeeeeee-0000-4000-8000-00000000000e/resourcegroups/rg-edge/providers/microsoft.web/sites/mode-with-blanks': 'mode-with-blanks',
  'edge:/subscriptions/eeeeeeee-0000-4000-8000-00000000000e/resourcegroups/rg-edge/providers/microsoft.web/sites/exclusion-without-slash': 'exclusion-path-without-slash',
  'edge:/subscriptions/eeeeeeee-0000-4000-8000-00000000000e/resourcegroups/rg-edge/providers/microsoft.web/sites/optional-allowed-by-subscription': 'subscription-allowed-modes',
  'edge:/subscriptions/eeeeeeee-0000-4000-8000-00000000000e/resourcegroups/rg-edge/providers/microsoft.web/sites/exclusion-reported-only': 'exclusion-paths-reported-only',
  'edge:/subscriptions/eeeeeeee-0000-4000-8000-00000000000e/resourcegroups/rg-edge/providers/microsoft.web/sites/aca-held-by-enforcer': 'configured-not-applicable-kinds',
  'edge:/subscriptions/eeeeeeee-0000-4000-8000-00000000000e/resourcegroups/rg-edge/providers/microsoft.web/sites/tag-exempt': 'tag-exemption',
};

const FLEETS = { demo: demoCases(), generated: generatedCases(), report: reportCases(), rest: restExampleCases(), edge: edgeCases() };
const ALL = Object.values(FLEETS).flat();

interface Comparison {
  key: string;
  enforcer: Verdict;
  policy: 'non-compliant' | 'compliant';
}

function compareAll(cases: PolicyCase[], policyRule: JsonObject = rule): Comparison[] {
  return cases.map((c) => ({ key: c.key, enforcer: evaluate(c.snapshot, c.policy, NOW, c.exemptions), policy: policySays(c, policyRule) }));
}

const disagreements = (comparisons: Comparison[]) => comparisons.filter((c) => enforcerSays(c.enforcer) !== c.policy);

describe('the definition agrees with src/policy wherever Policy can see the fields', () => {
  it('holds enough of every fleet to mean something', () => {
    const sizes = Object.fromEntries(Object.entries(FLEETS).map(([k, v]) => [k, v.length]));
    expect(sizes).toEqual({ demo: 13, generated: 3 * (40 + 8), report: 15, rest: 10, edge: 14 });
    const statuses = new Set(compareAll(ALL).map((c) => c.enforcer.status));
    expect([...statuses].sort()).toEqual(['compliant', 'exempt', 'noncompliant', 'not-applicable', 'unsupported-plan']);
  });

  it.each(Object.keys(FLEETS))('%s: every disagreement is a known, named difference, and every named one disagrees', (fleet) => {
    const comparisons = compareAll(FLEETS[fleet as keyof typeof FLEETS]);
    const expected = Object.entries(EXPECTED_DIFFERENCES).filter(([key]) => key.startsWith(`${fleet}:`));

    expect(disagreements(comparisons).map((c) => c.key).sort()).toEqual(expected.map(([key]) => key).sort());
    for (const [key, name] of expected) {
      const c = comparisons.find((x) => x.key === key) as Comparison;
      const difference = DIFFERENCES[name] as (typeof DIFFERENCES)[string];
      expect({ key, enforcer: c.enforcer.status, policy: c.policy }, difference.why).toEqual({ key, enforcer: difference.enforcer, policy: difference.policy });
    }
  });

  it('every named difference shows up in some fleet', () => {
    expect([...new Set(Object.values(EXPECTED_DIFFERENCES))].sort()).toEqual(Object.keys(DIFFERENCES).sort());
  });

  it('agrees on the cases the built-ins get wrong: Optional, OptionalInteractiveUser, no mode, exclusion paths', () => {
    const byName = new Map(ALL.map((c) => [c.snapshot.name, c]));
    for (const name of ['shop-api', 'dev-api', 'legacy-portal', 'enabled-no-mode', 'orders/canary', 'orders']) {
      const c = byName.get(name);
      expect(c, name).toBeDefined();
      expect({ name, policy: policySays(c as PolicyCase) }).toEqual({ name, policy: 'non-compliant' });
    }
  });

  it('gives the assigned effect when it matches, and Disabled when assigned so', () => {
    const optional = ALL.find((c) => c.snapshot.name === 'shop-api') as PolicyCase;
    expect(evaluatePolicyRule(rule, optional.arm, { effect: 'Deny' })).toEqual({ matched: true, effect: 'Deny' });
    expect(evaluatePolicyRule(rule, optional.arm, { effect: 'Disabled' })).toEqual({ matched: true, effect: 'Disabled' });
  });
});

describe('a definition that checks only clientCertEnabled fails these tests', () => {
  // The shipped rule with every condition on clientCertMode and clientCertExclusionPaths taken
  // out: what Azure's built-ins check (AppService_ClientCert_Webapp_Audit.json), same scope and kinds.
  const onlyEnabled = /clientCertMode|clientCertExclusionPaths/;
  const strip = (node: Json): Json => {
    const modeOnly = (n: Json) => {
      const fields = [...fieldsUsed(n)];
      return fields.length > 0 && fields.every((f) => onlyEnabled.test(f));
    };
    if (Array.isArray(node)) return node.filter((n) => !modeOnly(n)).map(strip);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, strip(v)]));
    return node;
  };
  const enabledOnly = strip(rule) as JsonObject;

  it('the stripped rule still reads clientCertEnabled and nothing about the mode', () => {
    const used = [...fieldsUsed(enabledOnly.if as Json)];
    expect(used.filter((f) => onlyEnabled.test(f))).toEqual([]);
    expect(used).toContain('Microsoft.Web/sites/clientCertEnabled');
    expect(used).toContain('Microsoft.Web/sites/slots/clientCertEnabled');
  });

  it('disagrees with src/policy on apps that are enabled with Optional, OptionalInteractiveUser or exclusion paths', () => {
    const unexplained = disagreements(compareAll(ALL, enabledOnly)).filter((c) => !(c.key in EXPECTED_DIFFERENCES));
    const reasons = new Set(unexplained.flatMap((c) => c.enforcer.reasons.map((r) => r.code)));

    expect(unexplained.length).toBeGreaterThan(0);
    expect([...reasons].sort()).toEqual(['exclusion-paths', 'mode-not-required']);
  });

  it('the shipped definition reads clientCertMode for sites and slots', () => {
    const used = fieldsUsed(rule.if as Json);
    expect(used.has('Microsoft.Web/sites/clientCertMode')).toBe(true);
    expect(used.has('Microsoft.Web/sites/slots/clientCertMode')).toBe(true);
  });
});
