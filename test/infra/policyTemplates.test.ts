import { describe, expect, it } from 'vitest';
import { readTemplate, type Json, type JsonObject } from './armExpressions.js';
import { PUBLISHED_ALIASES, STANDARD_FIELDS } from './policyAliases.js';
import { CONDITIONS, evaluatePolicyRule, fieldsUsed, OPERATORS, operatorsUsed } from './policyRule.js';
import { assignedEffect, definitionProps, deploy, NAMES, rule, TEMPLATES } from './policyTemplates.js';

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
