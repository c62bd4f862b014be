import {
  evaluateDeep,
  fakeGuid,
  parameterValues,
  readTemplate,
  resourceIdOf,
  type EvalContext,
  type Json,
  type JsonObject,
  type Scope,
} from './armExpressions.js';

/** A deployment of one template, evaluated as ARM would with the given parameters. */
export interface Evaluated {
  template: JsonObject;
  ctx: EvalContext;
  /** Every resource (nested deployments' resources included), evaluated, with the id it gets. */
  resources: { id: string; resource: JsonObject; ctx: EvalContext }[];
  outputs: Record<string, Json>;
}

export const ENFORCER_SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const TARGET_SUBSCRIPTION = '99999999-8888-7777-6666-555555555555';
export const RESOURCE_GROUP = 'rg-mtls-enforcer';

/** What `reference()` answers: fake but well-shaped values keyed by the resource id. */
function referenceStub(id: string): JsonObject {
  if (/\/Microsoft\.ManagedIdentity\/userAssignedIdentities\//i.test(id)) {
    return { principalId: fakeGuid([id, 'principal']), clientId: fakeGuid([id, 'client']), tenantId: fakeGuid(['tenant']) };
  }
  if (/\/Microsoft\.Insights\/components\//i.test(id)) {
    return { ConnectionString: `InstrumentationKey=${fakeGuid([id])};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/` };
  }
  if (/\/Microsoft\.Web\/sites\//i.test(id)) return { defaultHostName: 'mtls-enforcer.azurewebsites.net' };
  // reference(…, 'Full') of a policy assignment: its system-assigned identity.
  if (/\/Microsoft\.Authorization\/policyAssignments\//i.test(id)) return { identity: { type: 'SystemAssigned', principalId: fakeGuid([id, 'principal']) } };
  throw new Error(`reference(${id}) is not stubbed by the tests`);
}

export function evaluateTemplate(template: JsonObject, scope: Scope, given: Record<string, Json>): Evaluated {
  const parameters = parameterValues(template, given, scope, referenceStub);
  const ctx: EvalContext = { scope, parameters, variables: (template.variables ?? {}) as JsonObject, reference: referenceStub, used: new Set() };
  const resources: Evaluated['resources'] = [];
  for (const raw of (template.resources ?? []) as JsonObject[]) {
    if (raw.condition !== undefined && evaluateDeep(raw.condition, ctx) !== true) continue;
    const resource = evaluateDeep(stripNested(raw), ctx) as JsonObject;
    resources.push({ id: resourceIdOf(raw, ctx), resource, ctx });
    if (raw.type === 'Microsoft.Resources/deployments') {
      const nested = nestedDeployment(raw, resource, ctx);
      resources.push(...nested.resources);
    }
  }
  const outputs: Record<string, Json> = {};
  for (const [name, spec] of Object.entries((template.outputs ?? {}) as Record<string, JsonObject>)) outputs[name] = evaluateDeep(spec.value as Json, ctx);
  return { template, ctx, resources, outputs };
}

/** A nested deployment's template, evaluated in its own (inner) scope: the resource group it targets. */
function nestedDeployment(raw: JsonObject, evaluated: JsonObject, outer: EvalContext): Evaluated {
  const properties = raw.properties as JsonObject;
  const options = properties.expressionEvaluationOptions as JsonObject | undefined;
  if (String(options?.scope).toLowerCase() !== 'inner') throw new Error('nested deployments must use inner expression scope');
  const given: Record<string, Json> = {};
  for (const [name, p] of Object.entries((evaluated.properties as JsonObject).parameters as Record<string, JsonObject>)) given[name] = p.value as Json;
  const resourceGroup = evaluated.resourceGroup;
  if (typeof resourceGroup !== 'string') throw new Error('nested deployment without resourceGroup');
  const scope: Scope = { subscriptionId: outer.scope.subscriptionId, resourceGroup, location: outer.scope.location };
  return evaluateTemplate(properties.template as JsonObject, scope, given);
}

/** A deployment resource without its inner template (evaluated separately, in its own scope). */
function stripNested(raw: JsonObject): JsonObject {
  if (raw.type !== 'Microsoft.Resources/deployments') return raw;
  const { template: _template, ...rest } = raw.properties as JsonObject;
  return { ...raw, properties: rest };
}

export const MAIN_PARAMETERS: Record<string, Json> = {
  namePrefix: 'mtls',
  targetSubscriptionIds: [TARGET_SUBSCRIPTION, '00000000-0000-0000-0000-000000000002'],
};

/** main.json in a resource group, with sample parameters (the rest default). */
export function evaluateMain(given: Record<string, Json> = MAIN_PARAMETERS): Evaluated {
  return evaluateTemplate(readTemplate('main.json'), { subscriptionId: ENFORCER_SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, location: 'westeurope' }, given);
}

/** subscription.json in a target subscription, fed main.json's outputs as the README says. */
export function evaluateSubscription(main: Evaluated = evaluateMain()): Evaluated {
  const o = main.outputs;
  const given: Record<string, Json> = {
    enforcerPrincipalId: o.enforcerPrincipalId as Json,
    deliveryIdentityId: o.deliveryIdentityId as Json,
    storageAccountId: o.storageAccountId as Json,
    eventQueueName: o.eventQueueName as Json,
    deadLetterContainerName: o.deadLetterContainerName as Json,
  };
  return evaluateTemplate(readTemplate('subscription.json'), { subscriptionId: TARGET_SUBSCRIPTION, location: 'westeurope' }, given);
}

export const MANAGEMENT_GROUP = 'contoso-platform';

/** managementGroup.json at a management group, fed main.json's outputs as the README does. */
export function evaluateManagementGroup(main: Evaluated = evaluateMain()): Evaluated {
  const o = main.outputs;
  const given: Record<string, Json> = {};
  for (const name of ['enforcerPrincipalId', 'deliveryIdentityId', 'storageAccountId', 'eventQueueName', 'deadLetterContainerName']) given[name] = o[name] as Json;
  return evaluateTemplate(readTemplate('managementGroup.json'), { subscriptionId: '', managementGroup: MANAGEMENT_GROUP, location: 'westeurope' }, given);
}

export function resourcesOfType(evaluated: Evaluated, type: string): JsonObject[] {
  return evaluated.resources.filter((r) => String(r.resource.type).toLowerCase() === type.toLowerCase()).map((r) => r.resource);
}

/** The one element of `found`; throws, naming `what`, if there are none or several. */
export function theOne<T>(found: readonly T[], what: string): T {
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
  return found[0] as T;
}

export function onlyResource(evaluated: Evaluated, type: string): JsonObject {
  return theOne(resourcesOfType(evaluated, type), type);
}

/** The deployment's `dependsOn` entries: how many, and those naming no resource of the deployment (as "<resource> depends on <id>"). */
export function dependsOnCheck(evaluated: Evaluated): { checked: number; unknown: string[] } {
  const ids = new Set(evaluated.resources.map((r) => r.id.toLowerCase()));
  const deps = evaluated.resources.flatMap(({ resource }) => ((resource.dependsOn ?? []) as string[]).map((dep) => ({ name: String(resource.name), dep })));
  return { checked: deps.length, unknown: deps.filter(({ dep }) => !ids.has(dep.toLowerCase())).map(({ name, dep }) => `${name} depends on ${dep}`) };
}

/** The Function App's app settings as the environment the code will see. */
export function appSettings(main: Evaluated): Record<string, string> {
  const site = onlyResource(main, 'Microsoft.Web/sites');
  const list = ((site.properties as JsonObject).siteConfig as JsonObject).appSettings as JsonObject[];
  const env: Record<string, string> = {};
  for (const { name, value } of list) {
    if (typeof name !== 'string' || typeof value !== 'string') throw new Error(`app setting ${JSON.stringify(name)} is not a name/string pair`);
    if (Object.hasOwn(env, name)) throw new Error(`app setting ${name} set twice`);
    env[name] = value;
  }
  return env;
}
