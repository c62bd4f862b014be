import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REQUIRED_ACTIONS } from '../../src/azure/requiredActions.js';
import { evaluateDeep, functionsUsed, namesReferenced, readTemplate, type Json, type JsonObject } from './armExpressions.js';
import { dependsOnCheck, evaluateMain, evaluateManagementGroup, evaluateSubscription, evaluateTemplate, MANAGEMENT_GROUP, onlyResource, resourcesOfType, TARGET_SUBSCRIPTION, theOne, type Evaluated } from './deployments.js';
import { policyDeployment, unescapeExpressions } from './templateSchemaErrors.js';

const main = evaluateMain();
const mg = evaluateManagementGroup(main);
const sub = evaluateSubscription(main);
const MG_ID = `/providers/Microsoft.Management/managementGroups/${MANAGEMENT_GROUP}`;
const raw = readTemplate('managementGroup.json');
const subRaw = readTemplate('subscription.json');

/** The policy definitions as Azure receives them (outer expressions evaluated, `[[` unescaped). */
function definition(name: string): JsonObject {
  return theOne(resourcesOfType(mg, 'Microsoft.Authorization/policyDefinitions').filter((d) => d.name === name), `policy definition ${name}`);
}
const topicPolicy = definition('mtls-enforcer-events-topic');
const subscriptionPolicy = definition('mtls-enforcer-events-subscription');
const details = (d: JsonObject) => (((d.properties as JsonObject).policyRule as JsonObject).then as JsonObject).details as JsonObject;
const deploymentOf = (d: JsonObject) => (details(d).deployment as JsonObject).properties as JsonObject;
const assignmentFor = (d: JsonObject) =>
  theOne(resourcesOfType(mg, 'Microsoft.Authorization/policyAssignments').filter((a) => String((a.properties as JsonObject).policyDefinitionId).endsWith(`/policyDefinitions/${String(d.name)}`)), `assignment of ${String(d.name)}`);
const idOf = (type: string, name: string) => `${MG_ID}/providers/${type}/${name}`;

/** subscription.json's resources of the given types, as written (the plumbing's one source). */
function subscriptionResources(...types: string[]): JsonObject[] {
  return (subRaw.resources as JsonObject[]).filter((r) => types.includes(String(r.type)));
}

/**
 * What a policy's deployment deploys where it remediates: its template evaluated at the target
 * with the parameter values the policy passes (policy-language `parameters()` from the assignment,
 * `field('name')` the resource the rule matched).
 */
function remediate(policy: JsonObject, scope: { subscriptionId: string; resourceGroup?: string }, matchedName = ''): Evaluated {
  const assigned = (assignmentFor(policy).properties as JsonObject).parameters as Record<string, JsonObject>;
  const declared = (policy.properties as JsonObject).parameters as Record<string, JsonObject>;
  const deployment = deploymentOf(policy);
  const given: Record<string, Json> = {};
  for (const [name, { value }] of Object.entries(deployment.parameters as Record<string, JsonObject>)) {
    const text = String(value);
    const param = /^\[parameters\('(\w+)'\)\]$/.exec(text)?.[1];
    if (param) given[name] = (assigned[param]?.value ?? declared[param]?.defaultValue) as Json;
    else if (text === "[field('name')]") given[name] = matchedName;
    else throw new Error(`policy deployment parameter ${name} = ${text} is not understood by the test`);
    if (given[name] === undefined) throw new Error(`policy parameter for ${name} has no value`);
  }
  return evaluateTemplate(deployment.template as JsonObject, { ...scope, location: 'westeurope' }, given);
}

describe('managementGroup.json: the custom role, defined once for the management group', () => {
  const roles = resourcesOfType(mg, 'Microsoft.Authorization/roleDefinitions');
  const enforcerRole = roles.find((r) => String((r.properties as JsonObject).roleName).startsWith('App Service mTLS enforcer ('));

  it("its actions are exactly the code's list (src/azure/requiredActions.ts), assignable at the management group", () => {
    const p = enforcerRole?.properties as JsonObject;
    expect(p.permissions).toEqual([{ actions: [...REQUIRED_ACTIONS], notActions: [], dataActions: [], notDataActions: [] }]);
    expect(p.assignableScopes).toEqual([MG_ID]);
    expect(p.type).toBe('CustomRole');
    // Role names are unique per tenant: the management group's name keeps it apart from subscription.json's.
    expect(p.roleName).toBe(`App Service mTLS enforcer (${MANAGEMENT_GROUP})`);
    expect(mg.outputs.roleActions).toEqual([...REQUIRED_ACTIONS]);
  });

  it("is assigned to the enforcer's identity once, at the management group", () => {
    const mine = resourcesOfType(mg, 'Microsoft.Authorization/roleAssignments').filter((a) => (a.properties as JsonObject).principalId === main.outputs.enforcerPrincipalId);
    expect(mine).toHaveLength(1);
    const a = mine[0]?.properties as JsonObject;
    expect(a.roleDefinitionId).toBe(idOf('Microsoft.Authorization/roleDefinitions', String(enforcerRole?.name)));
    expect(a.principalType).toBe('ServicePrincipal');
    expect(mine[0]).not.toHaveProperty('scope');
  });

  it('every dependsOn names a resource of the template; every parameter and variable is declared and used', () => {
    const { checked, unknown } = dependsOnCheck(mg);
    expect(unknown).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(6);
    // The policy rules' own `[[parameters()]` are the policy's, and embedded templates have theirs.
    const skip = (key: string) => key === 'policyRule';
    const body = { variables: raw.variables, resources: raw.resources, outputs: raw.outputs } as Json;
    expect([...namesReferenced(body, 'parameters', skip)].sort()).toEqual(Object.keys(raw.parameters as JsonObject).sort());
    expect([...namesReferenced(body, 'variables', skip)].sort()).toEqual(Object.keys(raw.variables as JsonObject).sort());
    // Escaped (`[[`) expressions are the policy's and the embedded templates': not evaluated here.
    expect([...functionsUsed(raw)].sort()).toEqual(['deployment', 'format', 'guid', 'managementgroup', 'managementgroupresourceid', 'parameters', 'reference', 'variables']);
  });
});

describe('the event plumbing has one source: subscription.json', () => {
  it("the topic policy deploys exactly subscription.json's resource group and events deployment (same parameters, variables, resources)", () => {
    const template = deploymentOf(topicPolicy).template as JsonObject;
    expect(template.$schema).toBe(subRaw.$schema);
    expect(template.resources).toEqual(subscriptionResources('Microsoft.Resources/resourceGroups', 'Microsoft.Resources/deployments'));
    for (const [name, spec] of Object.entries(template.parameters as JsonObject)) expect(spec, name).toEqual((subRaw.parameters as JsonObject)[name]);
    expect(template.variables).toEqual({ topicName: (subRaw.variables as JsonObject).topicName });
  });

  it("the subscription policy deploys exactly subscription.json's nested events template (the topic and its event subscription)", () => {
    const nested = (subscriptionResources('Microsoft.Resources/deployments')[0]?.properties as JsonObject).template;
    expect(deploymentOf(subscriptionPolicy).template).toEqual(nested);
    // The file holds them escaped (`[[`) so the management group deployment leaves them to the policy.
    const rawPolicy = (raw.resources as JsonObject[]).find((r) => r.name === "[variables('subscriptionPolicyName')]") as JsonObject;
    expect(unescapeExpressions(((policyDeployment(rawPolicy) as JsonObject).properties as JsonObject).template as Json)).toEqual(nested);
  });

  it("remediating a subscription without a topic deploys what subscription.json deploys there, minus the role (the management group's instead)", () => {
    const deployed = remediate(topicPolicy, { subscriptionId: TARGET_SUBSCRIPTION });
    const plumbing = sub.resources.filter((r) => !String(r.resource.type).startsWith('Microsoft.Authorization/'));
    expect(deployed.resources.map((r) => [r.id, r.resource])).toEqual(plumbing.map((r) => [r.id, r.resource]));
    expect(deployed.resources.map((r) => r.resource.type)).toEqual([
      'Microsoft.Resources/resourceGroups',
      'Microsoft.Resources/deployments',
      'Microsoft.EventGrid/systemTopics',
      'Microsoft.EventGrid/systemTopics/eventSubscriptions',
    ]);
  });
});

describe('an existing subscription-events system topic is reused, not fought (Azure allows one per subscription)', () => {
  const existing = { existingSystemTopicName: 'DefenderForCloud-SubscriptionEvents', eventsResourceGroup: 'rg-security' };

  it('subscription.json: with existingSystemTopicName it creates no resource group and adds the event subscription to that topic', () => {
    const o = main.outputs;
    const given: Record<string, Json> = { enforcerPrincipalId: o.enforcerPrincipalId as Json, deliveryIdentityId: o.deliveryIdentityId as Json, storageAccountId: o.storageAccountId as Json, ...existing };
    const reuse = evaluateTemplate(readTemplate('subscription.json'), { subscriptionId: TARGET_SUBSCRIPTION, location: 'westeurope' }, given);
    expect(resourcesOfType(reuse, 'Microsoft.Resources/resourceGroups')).toEqual([]);
    const topic = onlyResource(reuse, 'Microsoft.EventGrid/systemTopics');
    expect(topic.name).toBe(existing.existingSystemTopicName);
    expect(topic.properties).toEqual({ source: `/subscriptions/${TARGET_SUBSCRIPTION}`, topicType: 'Microsoft.Resources.Subscriptions' });
    expect(onlyResource(reuse, 'Microsoft.EventGrid/systemTopics/eventSubscriptions').name).toBe(`${existing.existingSystemTopicName}/mtls-enforcer-site-writes`);
    const topicId = reuse.resources.find((r) => r.resource.type === 'Microsoft.EventGrid/systemTopics')?.id;
    expect(topicId).toBe(`/subscriptions/${TARGET_SUBSCRIPTION}/resourceGroups/rg-security/providers/Microsoft.EventGrid/systemTopics/${existing.existingSystemTopicName}`);
    // Without it: our own topic in our own resource group, created.
    expect(onlyResource(sub, 'Microsoft.EventGrid/systemTopics').name).toBe('mtls-enforcer-subscription-events');
    expect(onlyResource(sub, 'Microsoft.Resources/resourceGroups').name).toBe('mtls-enforcer-events');
  });

  it('the topic policy is satisfied by any subscription-events topic; the subscription policy then deploys onto that topic, in its resource group', () => {
    const topicRule = details(topicPolicy);
    expect(((topicPolicy.properties as JsonObject).policyRule as JsonObject).if).toEqual({ field: 'type', equals: 'Microsoft.Resources/subscriptions' });
    expect(topicRule.type).toBe('Microsoft.EventGrid/systemTopics');
    expect(topicRule.existenceScope).toBe('subscription');
    expect(topicRule.existenceCondition).toEqual({ field: 'Microsoft.EventGrid/systemTopics/topicType', equals: 'Microsoft.Resources.Subscriptions' });
    expect(topicRule.deploymentScope).toBe('subscription');

    expect(((subscriptionPolicy.properties as JsonObject).policyRule as JsonObject).if).toEqual({
      allOf: [
        { field: 'type', equals: 'Microsoft.EventGrid/systemTopics' },
        { field: 'Microsoft.EventGrid/systemTopics/topicType', equals: 'Microsoft.Resources.Subscriptions' },
      ],
    });
    const subRule = details(subscriptionPolicy);
    expect(subRule.type).toBe('Microsoft.EventGrid/systemTopics/eventSubscriptions');
    expect(subRule.name).toBe('mtls-enforcer-site-writes');
    expect(subRule).not.toHaveProperty('deploymentScope'); // the matched topic's resource group
    const deployed = remediate(subscriptionPolicy, { subscriptionId: TARGET_SUBSCRIPTION, resourceGroup: 'rg-security' }, existing.existingSystemTopicName);
    expect(deployed.resources.map((r) => r.id)).toEqual([
      `/subscriptions/${TARGET_SUBSCRIPTION}/resourceGroups/rg-security/providers/Microsoft.EventGrid/systemTopics/${existing.existingSystemTopicName}`,
      `/subscriptions/${TARGET_SUBSCRIPTION}/resourceGroups/rg-security/providers/Microsoft.EventGrid/systemTopics/${existing.existingSystemTopicName}/eventSubscriptions/mtls-enforcer-site-writes`,
    ]);
    const delivery = (onlyResource(deployed, 'Microsoft.EventGrid/systemTopics/eventSubscriptions').properties as JsonObject).deliveryWithResourceIdentity as JsonObject;
    expect(((delivery.destination as JsonObject).properties as JsonObject).queueName).toBe(main.outputs.eventQueueName);
    // Compliant means: that event subscription delivers to this enforcer's queue.
    expect(subRule.existenceCondition).toEqual({
      allOf: [
        { field: 'Microsoft.EventGrid/systemTopics/eventSubscriptions/deliveryWithResourceIdentity.destination.StorageQueue.resourceId', equals: "[parameters('storageAccountId')]" },
        { field: 'Microsoft.EventGrid/systemTopics/eventSubscriptions/deliveryWithResourceIdentity.destination.StorageQueue.queueName', equals: "[parameters('eventQueueName')]" },
      ],
    });
  });
});

describe('the policies: deployIfNotExists, assigned with their own identity and the least role', () => {
  const plumbingRole = resourcesOfType(mg, 'Microsoft.Authorization/roleDefinitions').find((r) => String((r.properties as JsonObject).roleName).includes('event plumbing')) as JsonObject;
  const plumbingRoleId = idOf('Microsoft.Authorization/roleDefinitions', String(plumbingRole.name));

  it.each([topicPolicy, subscriptionPolicy])('$name: deployIfNotExists by default, needing only the plumbing role', (policy) => {
    const p = policy.properties as JsonObject;
    expect(p.policyType).toBe('Custom');
    expect(((p.policyRule as JsonObject).then as JsonObject).effect).toBe("[parameters('effect')]");
    expect(((p.parameters as JsonObject).effect as JsonObject).defaultValue).toBe('DeployIfNotExists');
    expect(details(policy).roleDefinitionIds).toEqual([plumbingRoleId]);
    expect((deploymentOf(policy).mode as string)).toBe('Incremental');
  });

  it.each([topicPolicy, subscriptionPolicy])('$name: assigned at the management group with a system-assigned identity, every parameter given from main.json', (policy) => {
    const assignment = assignmentFor(policy);
    expect(assignment.identity).toEqual({ type: 'SystemAssigned' });
    expect(assignment.location).toBe('westeurope');
    expect(String(assignment.name).length).toBeLessThanOrEqual(24); // the limit at management group scope
    const given = (assignment.properties as JsonObject).parameters as Record<string, JsonObject>;
    const declared = (policy.properties as JsonObject).parameters as Record<string, JsonObject>;
    for (const name of Object.keys(given)) expect(Object.keys(declared)).toContain(name);
    for (const [name, spec] of Object.entries(declared)) if (spec.defaultValue === undefined) expect(Object.keys(given), name).toContain(name);
    for (const name of ['deliveryIdentityId', 'storageAccountId', 'eventQueueName', 'deadLetterContainerName']) expect(given[name]?.value, name).toBe(main.outputs[name]);
  });

  it('the plumbing role: resource groups, deployments, system topics and their event subscriptions (read and write), registering Event Grid; nothing else', () => {
    const p = plumbingRole.properties as JsonObject;
    expect(p.assignableScopes).toEqual([MG_ID]);
    expect([...((p.permissions as JsonObject[])[0]?.actions as string[])].sort()).toEqual(
      [
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        'Microsoft.Resources/subscriptions/resourceGroups/write',
        'Microsoft.Resources/deployments/read',
        'Microsoft.Resources/deployments/write',
        'Microsoft.Resources/deployments/validate/action',
        'Microsoft.Resources/deployments/operationStatuses/read',
        'Microsoft.EventGrid/systemTopics/read',
        'Microsoft.EventGrid/systemTopics/write',
        'Microsoft.EventGrid/systemTopics/eventSubscriptions/read',
        'Microsoft.EventGrid/systemTopics/eventSubscriptions/write',
        // A template deployment registers the providers it uses; a new subscription may not have Event Grid yet.
        'Microsoft.EventGrid/register/action',
      ].sort(),
    );
    expect((p.permissions as JsonObject[])[0]).toMatchObject({ notActions: [], dataActions: [], notDataActions: [] });
  });

  it("role assignments: the enforcer's role to the enforcer, the plumbing role to each policy identity, nothing else", () => {
    const grants = resourcesOfType(mg, 'Microsoft.Authorization/roleAssignments').map((a) => {
      const p = a.properties as JsonObject;
      return [p.principalId, String(p.roleDefinitionId).split('/').pop()];
    });
    const principal = (policy: JsonObject) => mg.ctx.reference(idOf('Microsoft.Authorization/policyAssignments', String(assignmentFor(policy).name))).identity as JsonObject;
    expect(grants.sort()).toEqual(
      [
        [main.outputs.enforcerPrincipalId, resourcesOfType(mg, 'Microsoft.Authorization/roleDefinitions').find((r) => r !== plumbingRole)?.name],
        [principal(topicPolicy).principalId, plumbingRole.name],
        [principal(subscriptionPolicy).principalId, plumbingRole.name],
      ].sort(),
    );
    expect(mg.outputs.topicPolicyPrincipalId).toBe(principal(topicPolicy).principalId);
    expect(mg.outputs.subscriptionPolicyPrincipalId).toBe(principal(subscriptionPolicy).principalId);
  });

  it('the policy rules read only standard fields and published aliases', () => {
    const fields = new Set<string>();
    const visit = (v: Json) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === 'field' && typeof x === 'string' ? fields.add(x) : visit(x));
    };
    for (const policy of [topicPolicy, subscriptionPolicy]) {
      const rule = structuredClone((policy.properties as JsonObject).policyRule as JsonObject);
      delete (((rule.then as JsonObject).details as JsonObject).deployment as JsonObject).properties;
      visit(rule);
    }
    // Published in the Microsoft.EventGrid alias list (`az provider show --namespace Microsoft.EventGrid
    // --expand "resourceTypes/aliases"`), as mirrored in github.com/maciejporebski/azure-policy-aliases,
    // aliases/Microsoft.EventGrid/systemTopics.md and systemTopics-eventSubscriptions.md.
    expect([...fields].sort()).toEqual(
      [
        'type',
        'Microsoft.EventGrid/systemTopics/topicType',
        'Microsoft.EventGrid/systemTopics/eventSubscriptions/deliveryWithResourceIdentity.destination.StorageQueue.resourceId',
        'Microsoft.EventGrid/systemTopics/eventSubscriptions/deliveryWithResourceIdentity.destination.StorageQueue.queueName',
      ].sort(),
    );
  });

  it('evaluates to the same template text Azure stores (the `[[` escapes leave nothing unevaluated at the management group)', () => {
    const text = JSON.stringify(mg.resources.map((r) => r.resource));
    expect(text).not.toContain('[[');
    // Policy-language expressions survive for the policy: parameters(), field().
    expect(evaluateDeep("[[field('name')]", mg.ctx)).toBe("[field('name')]");
  });
});

describe('README "Deploy to Azure": the tenant path', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## Deploy to Azure');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

  it('reads only outputs managementGroup.json has, and grants the policy identities the identity operator role on the delivery identity only', () => {
    const read = [...section.matchAll(/\$\(mgout (\w+)\)/g)].map((m) => m[1] as string);
    const looped = /for P in ([\w ]+); do/.exec(section)?.[1]?.split(' ') ?? [];
    expect(looped.sort()).toEqual(['subscriptionPolicyPrincipalId', 'topicPolicyPrincipalId']);
    expect(read).toEqual(expect.arrayContaining(['topicAssignmentId', 'subscriptionAssignmentId']));
    for (const name of [...read, ...looped]) expect(Object.keys(mg.outputs), name).toContain(name);
    expect(section).toMatch(/--role "Managed Identity Operator" --scope "\$\(out deliveryIdentityId\)"/);
    expect(section).toMatch(/az policy remediation create --management-group "\$MG" -n mtls-events-topic --policy-assignment "\$\(mgout topicAssignmentId\)"/);
    expect(section).toMatch(/az policy remediation create --management-group "\$MG" -n mtls-events-subscription --policy-assignment "\$\(mgout subscriptionAssignmentId\)"/);
  });
});
