import { evaluateDeep, parameterValues, readTemplate, type EvalContext, type Json, type JsonObject, type Scope } from './armExpressions.js';

/** The two policy templates, the deployment schema of their scope, and the scope the tests deploy them to. */
export const TEMPLATES = {
  'policy.json': { schema: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#', scope: { subscriptionId: '', managementGroup: 'contoso-platform', location: 'westeurope' } },
  'policy.subscription.json': { schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#', scope: { subscriptionId: '99999999-8888-7777-6666-555555555555', location: 'westeurope' } },
} as const satisfies Record<string, { schema: string; scope: Scope }>;
export type TemplateName = keyof typeof TEMPLATES;
export const NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** The template's resources as ARM creates them (expressions evaluated, `[[` unescaped), with the given parameters. */
export function deploy(name: TemplateName, given: Record<string, Json> = {}): { definition: JsonObject; assignment: JsonObject; outputs: JsonObject } {
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
export const definitionProps = definition.properties as JsonObject;
/** The definition's policy rule as Azure receives it from the management group deployment. */
export const rule = definitionProps.policyRule as JsonObject;
/** The effect the assignment passes by default. */
export const assignedEffect = ((assignment.properties as JsonObject).parameters as JsonObject).effect as JsonObject;
