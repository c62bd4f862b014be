import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARM_ACTIONS, ENFORCE_ONLY_ACTIONS, REQUIRED_ACTIONS } from '../../src/azure/requiredActions.js';
import { toSnapshot } from '../../src/azure/toSnapshot.js';
import { loadConfig } from '../../src/config/load.js';
import { settingsSchema } from '../../src/config/schema.js';
import { SETTINGS } from '../../src/config/settings.js';
import { handledOperations, RESOURCE_DELETE_SUCCESS, RESOURCE_WRITE_SUCCESS } from '../../src/events/index.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { DEFAULT_POLICY } from '../../src/policy/types.js';
import { functionsUsed, INFRA_DIR, namesReferenced, readTemplate, type Json, type JsonObject } from './armExpressions.js';
import {
  appSettings,
  dependsOnCheck,
  ENFORCER_SUBSCRIPTION,
  evaluateMain,
  evaluateSubscription,
  MAIN_PARAMETERS,
  onlyResource,
  resourcesOfType,
  TARGET_SUBSCRIPTION,
  type Evaluated,
} from './deployments.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATES = ['main.json', 'subscription.json'] as const;
const SCHEMAS: Record<(typeof TEMPLATES)[number], string> = {
  'main.json': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  'subscription.json': 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
};

/** Settings the platform reads (not the enforcer's config): allowed in the template though not in SETTINGS. */
const PLATFORM_SETTINGS = new Set([
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  // Outside Flex Consumption (the default Dedicated plan), the Functions runtime needs these.
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_WORKER_RUNTIME',
  // The Node worker's V8 heap sizing (issue 17: the sweep's garbage is collected sooner; see infra/README.md).
  'NODE_OPTIONS',
]);
/** Local-only settings (emulator, local host, connection strings): must not reach Azure. */
const LOCAL_ONLY_SETTINGS = ['MTLS_ARM_TOKEN', 'MTLS_ARM_CA_CERT_PATH', 'MTLS_HOST_KEY', 'MTLS_STORAGE_CONNECTION', 'AzureWebJobsStorage'];

const main = evaluateMain();
const sub = evaluateSubscription(main);

function eventSubscription(): JsonObject {
  return onlyResource(sub, 'Microsoft.EventGrid/systemTopics/eventSubscriptions').properties as JsonObject;
}

/** Source text of every .ts file under a folder (recursive). */
function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(`${ROOT}${dir}`, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(`${ROOT}${dir}/${f}`, 'utf8') }));
}

describe('templates are well-formed', () => {
  it.each(TEMPLATES)('%s: schema for its scope, resources with type, api version and name', (name) => {
    const t = readTemplate(name);
    expect(t.$schema).toBe(SCHEMAS[name]);
    expect(t.contentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const resources = t.resources as JsonObject[];
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) {
      expect(typeof r.type, JSON.stringify(r)).toBe('string');
      expect(String(r.apiVersion), String(r.type)).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
      expect(typeof r.name, String(r.type)).toBe('string');
    }
  });

  it.each(TEMPLATES)('%s: every parameter and variable used is declared, and every declared one is used', (name) => {
    const t = readTemplate(name);
    const skipNested = (key: string) => key === 'template';
    const declaredParams = Object.keys((t.parameters ?? {}) as JsonObject);
    const declaredVars = Object.keys((t.variables ?? {}) as JsonObject);
    const body = { variables: t.variables ?? {}, resources: t.resources, outputs: t.outputs ?? {} } as Json;
    expect([...namesReferenced(body, 'parameters', skipNested)].sort()).toEqual([...declaredParams].sort());
    expect([...namesReferenced(body, 'variables', skipNested)].sort()).toEqual([...declaredVars].sort());
  });

  it('every expression uses only functions the evaluator knows, and evaluates', () => {
    // evaluateMain/evaluateSubscription above already evaluated every resource and output; this
    // names what the templates rely on, so a new function is a visible change.
    const used = new Set([...functionsUsed(readTemplate('main.json')), ...functionsUsed(readTemplate('subscription.json'))]);
    expect([...used].sort()).toEqual(
      ['concat', 'createarray', 'createobject', 'deployment', 'empty', 'environment', 'extensionresourceid', 'format', 'guid', 'if', 'join', 'not', 'null', 'parameters', 'reference', 'resourcegroup', 'resourceid', 'subscription', 'subscriptionresourceid', 'take', 'tolower', 'uniquestring', 'variables'].sort(),
    );
  });

  it.each([
    ['main.json', () => main],
    ['subscription.json', () => sub],
  ] as const)('%s: every dependsOn names a resource of the same template', (_name, get) => {
    const { checked, unknown } = dependsOnCheck(get());
    expect(unknown).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('resource names fit Azure rules (storage account 3-24 lowercase letters and digits; queue names the schema accepts)', () => {
    const storage = onlyResource(main, 'Microsoft.Storage/storageAccounts');
    expect(storage.name).toMatch(/^[a-z0-9]{3,24}$/);
    for (const q of resourcesOfType(main, 'Microsoft.Storage/storageAccounts/queueServices/queues')) {
      expect(String(q.name).split('/')[2]).toMatch(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/);
    }
    const site = onlyResource(main, 'Microsoft.Web/sites');
    expect(String(site.name).length).toBeLessThanOrEqual(60);
  });

  it("main.json's outputs feed subscription.json's parameters by the same names", () => {
    const required = Object.entries(readTemplate('subscription.json').parameters as Record<string, JsonObject>);
    for (const [name, spec] of required) {
      if (name.startsWith('eventsResourceGroup') || name === 'existingSystemTopicName') continue;
      expect(Object.keys(main.outputs), name).toContain(name);
      if (spec.defaultValue !== undefined) expect(main.outputs[name], name).toBe(spec.defaultValue);
    }
  });

  it.each([
    ['main.parameters.example.json', 'main.json'],
    ['subscription.parameters.example.json', 'subscription.json'],
    ['managementGroup.parameters.example.json', 'managementGroup.json'],
  ])('%s names only parameters of %s and sets every one without a default', (example, templateName) => {
    const params = (readTemplate(example).parameters ?? {}) as JsonObject;
    const declared = readTemplate(templateName).parameters as Record<string, JsonObject>;
    for (const name of Object.keys(params)) expect(Object.keys(declared)).toContain(name);
    for (const [name, spec] of Object.entries(declared)) if (spec.defaultValue === undefined) expect(Object.keys(params)).toContain(name);
  });
});

describe('storage', () => {
  const storage = onlyResource(main, 'Microsoft.Storage/storageAccounts').properties as JsonObject;

  it('TLS 1.2 minimum, HTTPS only, no public blob access, no shared keys (identity only)', () => {
    expect(storage.minimumTlsVersion).toBe('TLS1_2');
    expect(storage.supportsHttpsTrafficOnly).toBe(true);
    expect(storage.allowBlobPublicAccess).toBe(false);
    expect(storage.allowSharedKeyAccess).toBe(false);
  });

  it('holds the event queue, the sweep queue, a private dead-letter container and the table service', () => {
    const queues = resourcesOfType(main, 'Microsoft.Storage/storageAccounts/queueServices/queues').map((q) => String(q.name).split('/')[2]);
    const env = appSettings(main);
    expect(queues).toEqual(expect.arrayContaining([env.MTLS_EVENT_QUEUE, env.MTLS_SWEEP_QUEUE]));
    const containers = resourcesOfType(main, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    const deadLetter = containers.find((c) => String(c.name).endsWith(`/${String(main.outputs.deadLetterContainerName)}`));
    expect(deadLetter).toBeDefined();
    for (const c of containers) expect((c.properties as JsonObject).publicAccess).toBe('None');
    expect(resourcesOfType(main, 'Microsoft.Storage/storageAccounts/tableServices')).toHaveLength(1);
  });
});

describe('the Function App', () => {
  const site = onlyResource(main, 'Microsoft.Web/sites');
  const properties = site.properties as JsonObject;

  it('is a Linux function app on a Dedicated Basic plan by default (where App Service documents incoming client certificates), Node 20+ (Functions v4)', () => {
    expect(site.kind).toBe('functionapp,linux');
    const plan = onlyResource(main, 'Microsoft.Web/serverfarms');
    expect(plan).toMatchObject({ kind: 'linux', sku: { name: 'B1' }, properties: { reserved: true } });
    const siteConfig = properties.siteConfig as JsonObject;
    expect(siteConfig.linuxFxVersion).toMatch(/^NODE\|2\d$/);
    expect(siteConfig.alwaysOn).toBe(true);
    expect(properties.functionAppConfig).toBeNull();
    expect(appSettings(main)).toMatchObject({ FUNCTIONS_EXTENSION_VERSION: '~4', FUNCTIONS_WORKER_RUNTIME: 'node' });
    const premium = evaluateMain({ ...MAIN_PARAMETERS, hostingPlan: 'ElasticPremium' });
    expect(onlyResource(premium, 'Microsoft.Web/serverfarms')).toMatchObject({ kind: 'elastic', sku: { tier: 'ElasticPremium', name: 'EP1' } });
  });

  it('on hostingPlan FlexConsumption is FC1 with functionAppConfig, on Node 20+ and the user-assigned identity', () => {
    const flexMain = evaluateMain({ ...MAIN_PARAMETERS, hostingPlan: 'FlexConsumption' });
    const flexSite = onlyResource(flexMain, 'Microsoft.Web/sites');
    expect(flexSite.kind).toBe('functionapp,linux');
    const plan = onlyResource(flexMain, 'Microsoft.Web/serverfarms');
    expect(plan.sku).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    expect((plan.properties as JsonObject).reserved).toBe(true);
    const runtime = ((flexSite.properties as JsonObject).functionAppConfig as JsonObject).runtime as JsonObject;
    expect(runtime.name).toBe('node');
    expect(Number(runtime.version)).toBeGreaterThanOrEqual(20);
    expect(((flexSite.properties as JsonObject).siteConfig as JsonObject).linuxFxVersion).toBeNull();
    const identity = site.identity as JsonObject;
    expect(identity.type).toBe('UserAssigned');
    const identities = Object.keys(identity.userAssignedIdentities as JsonObject);
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatch(/\/userAssignedIdentities\/mtls-enforcer-id$/);
    // Flex Consumption rejects these settings; the runtime comes from functionAppConfig.
    const env = appSettings(flexMain);
    for (const name of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_NODE_DEFAULT_VERSION']) expect(env).not.toHaveProperty(name);
  });

  it('passes its own control: evaluated with src/policy it is compliant (Required, no exclusion paths)', () => {
    expect(properties).not.toHaveProperty('clientCertExclusionPaths');
    const snapshot = toSnapshot({
      id: `/subscriptions/${ENFORCER_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Web/sites/${String(site.name)}`,
      name: String(site.name),
      kind: String(site.kind),
      location: String(site.location),
      sku: 'FlexConsumption',
      clientCertEnabled: properties.clientCertEnabled as boolean,
      clientCertMode: properties.clientCertMode as 'Required',
    });
    const verdict = evaluate(snapshot, DEFAULT_POLICY, new Date('2026-01-01T00:00:00Z'));
    expect(verdict).toEqual({ status: 'compliant', reasons: [], advice: [] });
    // The same site with Optional would fail: the check above is not vacuous.
    expect(evaluate({ ...snapshot, clientCertMode: 'Optional' }, DEFAULT_POLICY, new Date()).status).toBe('noncompliant');
    expect(properties.httpsOnly).toBe(true);
    expect((properties.siteConfig as JsonObject).minTlsVersion).toBe('1.2');
  });

  it('deployment storage uses the identity, not a connection string (Flex Consumption)', () => {
    const flexSite = onlyResource(evaluateMain({ ...MAIN_PARAMETERS, hostingPlan: 'FlexConsumption' }), 'Microsoft.Web/sites');
    const storage = (((flexSite.properties as JsonObject).functionAppConfig as JsonObject).deployment as JsonObject).storage as JsonObject;
    expect(storage.type).toBe('blobContainer');
    expect((storage.authentication as JsonObject).type).toBe('UserAssignedIdentity');
  });
});

describe('app settings', () => {
  const env = appSettings(main);
  const known = new Set(SETTINGS.map((s) => s.name));
  const identity = main.resources.find((r) => /userAssignedIdentities\/mtls-enforcer-id$/.test(r.id));
  const enforcer = main.ctx.reference(identity?.id ?? '');

  it('are all settings the code knows (SETTINGS) or platform settings, and none is local-only', () => {
    for (const name of Object.keys(env)) expect(known.has(name) || PLATFORM_SETTINGS.has(name), name).toBe(true);
    for (const name of LOCAL_ONLY_SETTINGS) expect(env, name).not.toHaveProperty(name);
    // Keep the platform list honest: each entry is actually set.
    for (const name of PLATFORM_SETTINGS) expect(env, name).toHaveProperty(name);
  });

  it('every setting a trigger binding reads (%NAME%) is set, and every one the template sets is valid for the schema', () => {
    const bindingNames = new Set<string>();
    for (const { text } of sources('functions')) for (const m of text.matchAll(/'%([A-Za-z0-9_]+)%'/g)) bindingNames.add(m[1] as string);
    expect(bindingNames.size).toBeGreaterThanOrEqual(3);
    for (const name of bindingNames) expect(env[name], name).toBeTruthy();
    const parsed = settingsSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k]) => known.has(k))));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('load into a config that reaches storage and ARM by managed identity, with the loop guard set', () => {
    const config = loadConfig(env);
    expect(config.storage.connectionString).toBeUndefined();
    expect(config.storage.tableUrl).toMatch(/^https:\/\/[a-z0-9]{3,24}\.table\.core\.windows\.net$/);
    expect(config.sweep.queueUrl).toMatch(/^https:\/\/[a-z0-9]{3,24}\.queue\.core\.windows\.net$/);
    expect(config.arm.staticToken).toBeUndefined();
    expect(config.arm.endpoint).toBe('https://management.azure.com');
    expect(config.arm.managedIdentityClientId).toBe(enforcer.clientId);
    expect(config.remediation.self).toEqual({ objectId: enforcer.principalId, appId: enforcer.clientId });
    expect(env.AzureWebJobsStorage__clientId).toBe(enforcer.clientId);
    expect(env.AzureWebJobsStorage__credential).toBe('managedidentity');
    expect(config.sweep.subscriptions).toEqual([TARGET_SUBSCRIPTION, '00000000-0000-0000-0000-000000000002']);
    expect(config.remediation.defaultMode).toBe('audit');
    expect(config.sweep.schedule).toBe('0 0 2 * * *');
  });

  it('the table and queue URLs name the storage account the template creates', () => {
    const account = String(onlyResource(main, 'Microsoft.Storage/storageAccounts').name);
    expect(env.MTLS_STORAGE_TABLE_URL).toBe(`https://${account}.table.core.windows.net`);
    expect(env.MTLS_STORAGE_QUEUE_URL).toBe(`https://${account}.queue.core.windows.net`);
    expect(env.AzureWebJobsStorage__accountName).toBe(account);
  });
});

describe('storage and telemetry roles (resource group)', () => {
  const assignments = resourcesOfType(main, 'Microsoft.Authorization/roleAssignments');
  const roleOf = (guid: string) => `/subscriptions/${ENFORCER_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const principal = (name: string) => main.ctx.reference(main.resources.find((r) => r.id.endsWith(`/userAssignedIdentities/${name}`))?.id ?? '').principalId;

  it('Event Grid delivery identity may only send to the event queue and write dead-letters to their container', () => {
    const delivery = assignments.filter((a) => (a.properties as JsonObject).principalId === principal('mtls-eventgrid-delivery-id'));
    const grants = delivery.map((a) => [String(a.scope).replace(/^Microsoft\.Storage\/storageAccounts\/[a-z0-9]+\//, ''), (a.properties as JsonObject).roleDefinitionId]);
    expect(grants.sort()).toEqual(
      [
        [`blobServices/default/containers/${String(main.outputs.deadLetterContainerName)}`, roleOf('ba92f5b4-2d11-453d-a403-e96b0029c9fe')],
        [`queueServices/default/queues/${String(main.outputs.eventQueueName)}`, roleOf('c6a89b2d-59bc-44d0-9896-0f6e12d7b80a')],
      ].sort(),
    );
  });

  it('the enforcer identity holds blob owner, queue and table data contributor on its account, and metrics publisher on its telemetry', () => {
    const mine = assignments.filter((a) => (a.properties as JsonObject).principalId === principal('mtls-enforcer-id'));
    expect(mine.map((a) => String((a.properties as JsonObject).roleDefinitionId).split('/').pop()).sort()).toEqual(
      ['b7e6dc6d-f1e8-4753-8033-0f276bb0955b', '974c5e8b-45b9-4653-ba55-5f855dd0fb88', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', '3913510d-42f4-4e42-8a64-420c390055eb', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'].sort(),
    );
    // Blob Data Contributor on the stored-reports container alone (the account-wide blob owner is the Functions host's).
    const reports = mine.filter((a) => String((a.properties as JsonObject).roleDefinitionId).endsWith('ba92f5b4-2d11-453d-a403-e96b0029c9fe'));
    expect(reports.map((a) => a.scope)).toEqual([expect.stringMatching(/\/blobServices\/default\/containers\/reports$/)]);
    for (const a of assignments) expect((a.properties as JsonObject).principalType).toBe('ServicePrincipal');
  });
});

describe('least privilege on target subscriptions', () => {
  const role = onlyResource(sub, 'Microsoft.Authorization/roleDefinitions').properties as JsonObject;
  const permissions = role.permissions as JsonObject[];

  it("the custom role's actions are exactly the one list in the code (src/azure/requiredActions.ts)", () => {
    expect(permissions).toHaveLength(1);
    const [p] = permissions as [JsonObject];
    expect([...(p.actions as string[])].sort()).toEqual([...REQUIRED_ACTIONS].sort());
    expect(p.notActions).toEqual([]);
    expect(p.dataActions).toEqual([]);
    expect(p.notDataActions).toEqual([]);
    for (const action of p.actions as string[]) expect(action).not.toContain('*');
    expect(role.assignableScopes).toEqual([`/subscriptions/${TARGET_SUBSCRIPTION}`]);
    expect(role.type).toBe('CustomRole');
    // Custom role names are unique per tenant: one role per target subscription needs the id in it.
    expect(String(role.roleName)).toContain(TARGET_SUBSCRIPTION);
  });

  it('the list equals the ARM actions the code names when it calls ARM (nothing missing, nothing unused)', () => {
    const named = new Set<string>();
    for (const { path, text } of sources('src')) {
      if (path.endsWith('requiredActions.ts')) continue;
      // An action written out as a literal would bypass the list: count it, so a new one shows up here.
      for (const m of text.matchAll(/'(Microsoft\.(?:Web|Resources)\/[A-Za-z/]+\/(?:read|write|delete|action))'/g)) named.add(m[1] as string);
      for (const m of text.matchAll(/ARM_ACTIONS\.([A-Za-z]+)/g)) {
        const key = m[1] as keyof typeof ARM_ACTIONS;
        expect(Object.hasOwn(ARM_ACTIONS, key), `${path}: ARM_ACTIONS.${key}`).toBe(true);
        named.add(ARM_ACTIONS[key]);
      }
    }
    expect([...named].sort()).toEqual([...REQUIRED_ACTIONS].sort());
  });

  it('is assigned to the enforcer identity only, at the subscription', () => {
    const assignments = resourcesOfType(sub, 'Microsoft.Authorization/roleAssignments');
    expect(assignments).toHaveLength(1);
    const a = assignments[0]?.properties as JsonObject;
    expect(a.principalId).toBe(main.outputs.enforcerPrincipalId);
    expect(a.principalType).toBe('ServicePrincipal');
    const roleId = sub.resources.find((r) => r.resource.type === 'Microsoft.Authorization/roleDefinitions')?.id;
    expect(a.roleDefinitionId).toBe(roleId);
  });
});

describe('Event Grid', () => {
  it("a system topic for the subscription's resource events, delivering with the delivery identity", () => {
    const topic = onlyResource(sub, 'Microsoft.EventGrid/systemTopics');
    expect(topic.location).toBe('global');
    expect((topic.properties as JsonObject).topicType).toBe('Microsoft.Resources.Subscriptions');
    expect((topic.properties as JsonObject).source).toBe(`/subscriptions/${TARGET_SUBSCRIPTION}`);
    expect(Object.keys((topic.identity as JsonObject).userAssignedIdentities as JsonObject)).toEqual([main.outputs.deliveryIdentityId]);
  });

  it('delivers to the storage queue the queue trigger reads (no webhook), with the identity', () => {
    const es = eventSubscription();
    expect(es).not.toHaveProperty('destination');
    const delivery = es.deliveryWithResourceIdentity as JsonObject;
    expect(delivery.identity).toEqual({ type: 'UserAssigned', userAssignedIdentity: main.outputs.deliveryIdentityId });
    const destination = delivery.destination as JsonObject;
    expect(destination.endpointType).toBe('StorageQueue');
    const props = destination.properties as JsonObject;
    expect(props.resourceId).toBe(main.resources.find((r) => r.resource.type === 'Microsoft.Storage/storageAccounts')?.id);
    // The chain: event subscription's queue = the app's MTLS_EVENT_QUEUE = what onEventQueue binds to.
    expect(props.queueName).toBe(appSettings(main).MTLS_EVENT_QUEUE);
    const onEventQueue = readFileSync(`${ROOT}functions/onEventQueue.ts`, 'utf8');
    expect(onEventQueue).toMatch(/storageQueue\('onEventQueue',\s*\{\s*queueName:\s*'%MTLS_EVENT_QUEUE%'/);
    // And the default queue name agrees everywhere it is written down.
    const schemaDefault = settingsSchema.parse({}).MTLS_EVENT_QUEUE;
    expect((readTemplate('main.json').parameters as Record<string, JsonObject>).eventQueueName?.defaultValue).toBe(schemaDefault);
    expect((readTemplate('subscription.json').parameters as Record<string, JsonObject>).eventQueueName?.defaultValue).toBe(schemaDefault);
  });

  it('filters to write and delete success events and exactly the operations src/events acts on', () => {
    const filter = eventSubscription().filter as JsonObject;
    const types = (filter.includedEventTypes as string[]).map((t) => t.toLowerCase()).sort();
    expect(types).toEqual([RESOURCE_WRITE_SUCCESS, RESOURCE_DELETE_SUCCESS].map((t) => t.toLowerCase()).sort());
    const advanced = filter.advancedFilters as JsonObject[];
    expect(advanced).toHaveLength(1);
    const [stringIn] = advanced as [JsonObject];
    expect(stringIn.operatorType).toBe('StringIn');
    expect(stringIn.key).toBe('data.operationName');
    const values = stringIn.values as string[];
    // Event Grid compares StringIn values case-insensitively, and so does src/events.
    const handled = [...new Set(handledOperations().map((o) => o.operationName))].sort();
    expect(values.map((v) => v.toLowerCase()).sort()).toEqual(handled);
    expect(new Set(values.map((v) => v.toLowerCase())).size).toBe(values.length);
    // Every handled operation's event type is among the included ones.
    for (const o of handledOperations()) expect(types).toContain(o.eventType);
    // Event Grid allows at most 25 advanced-filter values in total.
    expect(advanced.reduce((n, f) => n + (f.values as string[]).length, 0)).toBeLessThanOrEqual(25);
  });

  it('retries within Event Grid limits and dead-letters to the container with the identity', () => {
    const es = eventSubscription();
    const retry = es.retryPolicy as JsonObject;
    expect(retry.maxDeliveryAttempts).toBeGreaterThanOrEqual(1);
    expect(retry.maxDeliveryAttempts).toBeLessThanOrEqual(30);
    expect(retry.eventTimeToLiveInMinutes).toBeLessThanOrEqual(1440);
    expect(es).not.toHaveProperty('deadLetterDestination');
    const dl = es.deadLetterWithResourceIdentity as JsonObject;
    expect(dl.identity).toEqual({ type: 'UserAssigned', userAssignedIdentity: main.outputs.deliveryIdentityId });
    const dest = dl.deadLetterDestination as JsonObject;
    expect(dest.endpointType).toBe('StorageBlob');
    expect((dest.properties as JsonObject).blobContainerName).toBe(main.outputs.deadLetterContainerName);
    expect((dest.properties as JsonObject).resourceId).toBe(main.outputs.storageAccountId);
    expect(es.eventDeliverySchema).toBe('EventGridSchema');
  });
});

/** Why a template text would leak a secret (empty: no sign of one). */
function secretProblems(text: string): string[] {
  const rules: [RegExp, string][] = [
    [/\blist(Keys|Secrets|AccountSas|ServiceSas|Credentials?|ConnectionStrings?)\s*\(/i, 'a list*() call returns keys'],
    [/AccountKey\s*=/i, 'an account key in a connection string'],
    [/SharedAccessSignature|[?&]sig=/i, 'a SAS token'],
    [/DefaultEndpointsProtocol=/i, 'a storage connection string'],
    [/"(password|secret|clientSecret|accountKey|primaryKey|secondaryKey|sasToken|instrumentationKey)"\s*:\s*"(?!\[)[^"]+"/i, 'a literal secret value'],
    // A whole run (not part of a dotted policy alias such as Microsoft.EventGrid/systemTopics/eventSubscriptions/deliveryWith…).
    [/(?<![A-Za-z0-9+/.])[A-Za-z0-9+/]{60,}={0,2}(?![A-Za-z0-9+/.])/, 'a long base64 blob (a key?)'],
    [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  ];
  return rules.filter(([re]) => re.test(text)).map(([, why]) => why);
}

describe('no secrets', () => {
  const files = readdirSync(INFRA_DIR).filter((f) => f.endsWith('.json'));

  it('the detector flags each kind of secret (so the next test can fail)', () => {
    expect(secretProblems(`"value": "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2023-05-01').keys[0].value]"`)).toHaveLength(1);
    expect(secretProblems('"value": "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc"')).toHaveLength(2);
    expect(secretProblems('"url": "https://x.blob.core.windows.net/c?sv=2022&sig=abc"')).toHaveLength(1);
    expect(secretProblems(`"password": "hunter2"`)).toHaveLength(1);
    expect(secretProblems(`"key": "data.operationName"`)).toEqual([]);
    expect(secretProblems('"k": "' + 'A'.repeat(88) + '=="')).toHaveLength(1);
    expect(secretProblems('"k": "' + 'Ab1/'.repeat(22) + '"')).toHaveLength(1);
    expect(secretProblems('"field": "Microsoft.EventGrid/systemTopics/eventSubscriptions/deliveryWithResourceIdentity.destination.StorageQueue.queueName"')).toEqual([]);
    expect(secretProblems(JSON.stringify({ value: "[parameters('password')]" }))).toEqual([]);
  });

  it.each(files)('%s holds no key, connection string, SAS or credential', (file) => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    const text = readFileSync(`${INFRA_DIR}${file}`, 'utf8');
    expect(secretProblems(text)).toEqual([]);
    for (const [name, spec] of Object.entries(((JSON.parse(text) as JsonObject).parameters ?? {}) as Record<string, JsonObject>)) {
      // No parameter carries a secret: there is none to carry (identities everywhere).
      expect(String(spec.type ?? '').toLowerCase(), name).not.toMatch(/^secure/);
    }
  });

  it('the evaluated app settings carry no storage key or connection string either', () => {
    for (const [name, value] of Object.entries(appSettings(main))) expect(secretProblems(`"${name}": ${JSON.stringify(value)}`), name).toEqual([]);
  });
});

describe("the API's front door (issue 15)", () => {
  const CLIENT_ID = '0a9e0000-0000-4000-8000-00000000a915';
  const withEntra = () => evaluateMain({ ...MAIN_PARAMETERS, apiClientId: CLIENT_ID });

  it('has no App Service Authentication and MTLS_API_AUTH=none without an app registration', () => {
    expect(resourcesOfType(main, 'Microsoft.Web/sites/config')).toEqual([]);
    expect(appSettings(main)).toMatchObject({ MTLS_API_AUTH: 'none', MTLS_API_KEY_ROLES: 'Reader', MTLS_API_CLIENT_CA: '', MTLS_API_CLIENT_THUMBPRINTS: '' });
  });

  it('turns on authsettingsV2 (Microsoft provider, tokens for api://<client id>, no secret) and MTLS_API_AUTH=entra when the client id is given', () => {
    const entra = withEntra();
    const [auth] = resourcesOfType(entra, 'Microsoft.Web/sites/config');
    expect(String(auth?.name)).toMatch(/-enforcer-[a-z0-9]+\/authsettingsV2$/);
    expect(auth?.properties).toMatchObject({
      platform: { enabled: true },
      // Key-only automation keeps working: tokens are validated when sent, the API decides by roles.
      globalValidation: { requireAuthentication: false, unauthenticatedClientAction: 'AllowAnonymous' },
      identityProviders: { azureActiveDirectory: { enabled: true, registration: { clientId: CLIENT_ID, openIdIssuer: expect.stringMatching(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/) }, validation: { allowedAudiences: [`api://${CLIENT_ID}`, CLIENT_ID] } } },
    });
    const registration = ((((auth?.properties as JsonObject).identityProviders as JsonObject).azureActiveDirectory as JsonObject).registration as JsonObject);
    expect(registration).not.toHaveProperty('clientSecretSettingName');
    expect(secretProblems(JSON.stringify(auth))).toEqual([]);
    expect(appSettings(entra).MTLS_API_AUTH).toBe('entra');
  });

  it('passes the CA bundle, thumbprints and roles through as app settings (a Key Vault reference as given), resolved with the enforcer identity', () => {
    const reference = '@Microsoft.KeyVault(SecretUri=https://kv-mtls.vault.azure.net/secrets/api-client-ca/)';
    const given = evaluateMain({ ...MAIN_PARAMETERS, apiClientCaBundle: reference, apiClientThumbprints: 'AB'.repeat(32), apiCertRoles: 'CN=sec-ops:Operator', apiKeyRoles: 'Reader,Operator' });
    expect(appSettings(given)).toMatchObject({ MTLS_API_CLIENT_CA: reference, MTLS_API_CLIENT_THUMBPRINTS: 'AB'.repeat(32), MTLS_API_CERT_ROLES: 'CN=sec-ops:Operator', MTLS_API_KEY_ROLES: 'Reader,Operator' });
    expect(String((onlyResource(given, 'Microsoft.Web/sites').properties as JsonObject).keyVaultReferenceIdentity)).toMatch(/\/userAssignedIdentities\/mtls-enforcer-id$/);
  });
});

describe('README "Deploy to Azure"', () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const start = readme.indexOf('## Deploy to Azure');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

  it("prints the role's action list, exactly REQUIRED_ACTIONS", () => {
    expect(start).toBeGreaterThanOrEqual(0);
    const rows = [...section.matchAll(/^\| `(Microsoft\.[^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...REQUIRED_ACTIONS].sort());
    const enforceOnly = [...section.matchAll(/^\| `(Microsoft\.[^`]+)` \| `enforce` only/gm)].map((m) => m[1]);
    expect(enforceOnly.sort()).toEqual([...ENFORCE_ONLY_ACTIONS].sort());
  });

  it('its az commands name templates that exist and parameters they declare', () => {
    const commands = section.replace(/\\\n\s*/g, ' ');
    const deployments = [...commands.matchAll(/--template-file (infra\/[\w.]+)([^\n]*)/g)];
    expect(deployments.map((d) => d[1])).toEqual(['infra/main.json', 'infra/subscription.json', 'infra/managementGroup.json', 'infra/policy.json', 'infra/policy.subscription.json']);
    for (const [, file, rest] of deployments) {
      const declared = Object.keys(readTemplate(String(file).replace('infra/', '')).parameters as JsonObject);
      const given = [...String(rest).matchAll(/ ([A-Za-z]+)=/g)].map((m) => m[1] as string);
      expect(given.length, String(file)).toBeGreaterThan(0);
      for (const name of given) expect(declared, `${file}: ${name}`).toContain(name);
    }
    // Every output the commands read exists.
    for (const m of section.matchAll(/\$\(out (\w+)\)/g)) expect(Object.keys(main.outputs)).toContain(m[1]);
    expect(section).toContain('npm run package');
    expect(section).toContain('az functionapp deployment source config-zip');
  });
});
