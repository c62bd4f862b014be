import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/evaluate.js';
import type { Status, Verdict } from '../../src/policy/types.js';
import { evaluateDeep, parameterValues, readTemplate, type EvalContext, type Json, type JsonObject, type Scope } from './armExpressions.js';
import { PUBLISHED_ALIASES, STANDARD_FIELDS } from './policyAliases.js';
import { demoCases, edgeCases, generatedCases, NOW, reportCases, restExampleCases, type PolicyCase } from './policyFleets.js';
import { CONDITIONS, evaluatePolicyRule, fieldsUsed, OPERATORS, operatorsUsed } from './policyRule.js';

const TEMPLATES = {
  'policy.json': { schema: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#', scope: { subscriptionId: '', managementGroup: 'contoso-platform', location: 'westeurope' } },
  'policy.subscription.json': { schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#', scope: { subscriptionId: '99999999-8888-7777-6666-555555555555', location: 'westeurope' } },
} as const satisfies Record<string, { schema: string; scope: Scope }>;
type TemplateName = keyof typeof TEMPLATES;
const NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** The template's resources as ARM creates them (expressions evaluated, `[[` unescaped), with the given parameters. */
function deploy(name: TemplateName, given: Record<string, Json> = {}): { definition: JsonObject; assignment: JsonObject; outputs: JsonObject } {
  const template = readTemplate(name);
  const scope: Scope = TEMPLATES[name].scope;
  const noReference = (id: string): JsonObject => {
    throw new Error(`reference(${id}) is not expected in ${name}`);
  };
  const ctx: EvalContext = { scope, parameters: parameterValues(template, given, scope, noReference), variables: (template.variables ?? {}) as JsonObject, reference: noReference };
  const resources = (template.resources as JsonObject[]).map((r) => evaluateDeep(r, ctx) as JsonObject);
  const byType = (type: string) => {
    const found = resources.filter((r) => r.type === type);
    if (found.length !== 1) throw new Error(`${name}: ${found.length} resources of type ${type}`);
    return found[0] as JsonObject;
  };
  return { definition: byType('Microsoft.Authorization/policyDefinitions'), assignment: byType('Microsoft.Authorization/policyAssignments'), outputs: evaluateDeep(template.outputs as Json, ctx) as JsonObject };
}

const { definition, assignment } = deploy('policy.json');
const definitionProps = definition.properties as JsonObject;
const rule = definitionProps.policyRule as JsonObject;
const assignedEffect = ((assignment.properties as JsonObject).parameters as JsonObject).effect as JsonObject;

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

describe('policy templates are well-formed', () => {
  it.each(NAMES)('%s: schema of its scope, content version, API versions that exist for both resource types', (name) => {
    const t = readTemplate(name);
    expect(t.$schema).toBe(TEMPLATES[name].schema);
    expect(t.contentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // Microsoft.Authorization@2023-04-01 defines policyDefinitions (ManagementGroup, Subscription scopes) and policyAssignments.
    expect((t.resources as JsonObject[]).map((r) => [r.type, r.apiVersion])).toEqual([
      ['Microsoft.Authorization/policyDefinitions', '2023-04-01'],
      ['Microsoft.Authorization/policyAssignments', '2023-04-01'],
    ]);
  });

  it.each(NAMES)('%s: the assignment names the definition it deploys, depends on it, and passes the effect', (name) => {
    const { definition: d, assignment: a, outputs } = deploy(name, { effect: 'Deny' });
    const scopeId = name === 'policy.json' ? '/providers/Microsoft.Management/managementGroups/contoso-platform' : '/subscriptions/99999999-8888-7777-6666-555555555555';
    const definitionId = `${scopeId}/providers/Microsoft.Authorization/policyDefinitions/${String(d.name)}`;
    const props = a.properties as JsonObject;

    expect(props.policyDefinitionId).toBe(definitionId);
    expect(a.dependsOn).toEqual([definitionId]);
    expect(props.parameters).toEqual({ effect: { value: 'Deny' } });
    expect(props.enforcementMode).toBe('Default');
    expect(String(a.name).length).toBeLessThanOrEqual(24);
    expect((outputs.policyDefinitionId as JsonObject).value).toBe(definitionId);
  });

  it('both scopes deploy the same definition', () => {
    expect(deploy('policy.subscription.json').definition.properties).toEqual(definitionProps);
  });

  it('the effect is Audit, Deny or Disabled, Audit by default, in the definition and the templates', () => {
    const effect = (definitionProps.parameters as JsonObject).effect as JsonObject;
    expect(effect.allowedValues).toEqual(['Audit', 'Deny', 'Disabled']);
    expect(effect.defaultValue).toBe('Audit');
    expect(assignedEffect).toEqual({ value: 'Audit' });
    for (const name of NAMES) expect(((readTemplate(name).parameters as JsonObject).effect as JsonObject).allowedValues).toEqual(['Audit', 'Deny', 'Disabled']);
    expect(definitionProps).toMatchObject({ policyType: 'Custom', mode: 'Indexed' });
  });

  it('the rule reaches Azure with its own parameter reference intact (escaped from the deployment)', () => {
    expect((rule.then as JsonObject).effect).toBe("[parameters('effect')]");
  });
});

describe('the definition reads only published aliases', () => {
  it('every field is a standard field or a published alias, and every listed alias is used', () => {
    const used = fieldsUsed(rule.if as Json);
    const known = new Set([...Object.keys(STANDARD_FIELDS), ...PUBLISHED_ALIASES.map((a) => a.alias)]);

    expect([...used].filter((f) => !known.has(f))).toEqual([]);
    expect([...known].filter((f) => !used.has(f))).toEqual([]);
    for (const a of PUBLISHED_ALIASES) expect(a.sources.length, a.alias).toBeGreaterThan(0);
  });

  it('uses exactly the operators the test evaluator implements', () => {
    expect([...operatorsUsed(rule.if as Json)].sort()).toEqual([...OPERATORS, ...CONDITIONS].sort());
  });

  it('the evaluator refuses what it does not implement and comparisons on an absent field', () => {
    const site = { type: 'Microsoft.Web/sites', properties: {} };
    expect(() => evaluatePolicyRule({ if: { field: 'name', match: 'app-##' }, then: { effect: 'audit' } }, site, {})).toThrow(/not supported/);
    expect(() => evaluatePolicyRule({ if: { not: { field: 'type', equals: 'x' } }, then: { effect: 'audit' } }, site, {})).toThrow(/not supported/);
    expect(() => evaluatePolicyRule({ if: { field: 'Microsoft.Web/sites/httpsOnly', equals: 'true' }, then: { effect: 'audit' } }, site, {})).toThrow(/published alias/);
    expect(() => evaluatePolicyRule({ if: { field: 'Microsoft.Web/sites/clientCertMode', notEquals: 'Required' }, then: { effect: 'audit' } }, site, {})).toThrow(/absent/);
  });
});

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
      expect({ key, enforcer: c.enforcer.status, policy: c.policy }).toEqual({ key, enforcer: difference.enforcer, policy: difference.policy });
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
