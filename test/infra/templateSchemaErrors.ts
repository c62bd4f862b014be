import { readFileSync } from 'node:fs';
import type { Json, JsonObject } from './armExpressions.js';
import { isExpression, SCHEMA_DIR, SchemaSet, type SchemaError } from './armSchema.js';

/**
 * Everything Microsoft's published schemas say about one ARM template, nested templates included:
 * the deployment-level schema its `$schema` names (contentVersion, parameters, outputs, and each
 * resource against the schema of its type and API version, through the scope's resource list),
 * that each API version exists for its type, and that parameter defaults have the declared type.
 *
 * TEMPLATE_LANGUAGE_KEYS: a resource may carry the keys the template language gives every resource
 * (the deployment schema's own `resourceBase`: `scope` for extension resources, `copy`, `comments`,
 * …), but at resource-group scope the generated resource list is combined with the older
 * `common/definitions.json` base, which lacks `scope`; and nested deployments may name their target
 * with `resourceGroup` / `subscriptionId` (documented by ARM: "Deploy to multiple resource groups
 * or subscriptions"), which no schema lists. Under CLOSED_OBJECTS (armSchema.ts) those keys would
 * read as unknown; they are accepted on resources only, by name, read from the schema data.
 */

/** The deployment schemas kept in test/infra/schemas/, by the `$schema` a template names. */
export const DEPLOYMENT_SCHEMAS = [
  'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
  'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
] as const;

/** Every API version Microsoft publishes a schema for, per resource type the templates use. */
export function publishedApiVersions(): Record<string, string[]> {
  return JSON.parse(readFileSync(`${SCHEMA_DIR}apiVersions.json`, 'utf8')) as Record<string, string[]>;
}

const PARAMETER_TYPES: Record<string, (v: Json) => boolean> = {
  string: (v) => typeof v === 'string',
  securestring: (v) => typeof v === 'string',
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  secureobject: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  array: (v) => Array.isArray(v),
};

/**
 * A template embedded in a policy definition is written with `[[` so the deployment that creates
 * the policy leaves its expressions alone; this is the template as the policy's deployment sees it.
 */
export function unescapeExpressions(value: Json): Json {
  if (typeof value === 'string') return value.startsWith('[[') ? value.slice(1) : value;
  if (Array.isArray(value)) return value.map(unescapeExpressions);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unescapeExpressions(k) as string, unescapeExpressions(v)]));
  }
  return value;
}

/** The deployment a deployIfNotExists policy definition runs, if it is one. */
export function policyDeployment(resource: JsonObject): JsonObject | undefined {
  if (String(resource.type).toLowerCase() !== 'microsoft.authorization/policydefinitions') return undefined;
  const rule = (resource.properties as JsonObject | undefined)?.policyRule as JsonObject | undefined;
  const details = (rule?.then as JsonObject | undefined)?.details as JsonObject | undefined;
  const deployment = details?.deployment;
  return deployment && typeof deployment === 'object' && !Array.isArray(deployment) ? deployment : undefined;
}

const NESTED_DEPLOYMENT_KEYS = ['resourceGroup', 'subscriptionId'];

/** Property names of a deployment schema's `resourceBase` (through allOf and $ref). */
function resourceBaseKeys(schemas: SchemaSet, url: string): Set<string> {
  const keys = new Set<string>();
  const file = SchemaSet.fileOf(url);
  const visit = (node: JsonObject, from: string) => {
    if (typeof node.$ref === 'string') {
      const target = schemas.resolve(node.$ref, from);
      visit(target.node, target.file);
      return;
    }
    for (const k of Object.keys((node.properties ?? {}) as JsonObject)) keys.add(k);
    for (const part of (node.allOf ?? []) as JsonObject[]) visit(part, from);
  };
  visit(schemas.resolve('#/definitions/resourceBase', file).node, file);
  return keys;
}

export function templateSchemaErrors(template: JsonObject, schemas: SchemaSet = new SchemaSet(), path = '$'): SchemaError[] {
  const url = template.$schema;
  if (typeof url !== 'string' || !(DEPLOYMENT_SCHEMAS as readonly string[]).includes(url)) {
    return [{ path: `${path}.$schema`, message: `${String(url)} is not a deployment schema kept in test/infra/schemas` }];
  }
  const languageKeys = resourceBaseKeys(schemas, url);
  const isLanguageKey = (e: SchemaError) => {
    const m = /^(.*)\.resources\[(\d+)\]\.([^.[]+)$/.exec(e.path);
    if (!m || m[1] !== path || !e.message.startsWith('unknown property')) return false;
    const resource = (template.resources as JsonObject[])[Number(m[2])];
    const key = m[3] as string;
    return languageKeys.has(key) || (resource?.type === 'Microsoft.Resources/deployments' && NESTED_DEPLOYMENT_KEYS.includes(key));
  };
  const errors = schemas.validate(template, url, path).filter((e) => !isLanguageKey(e));
  const versions = publishedApiVersions();
  const resources = Array.isArray(template.resources) ? (template.resources as JsonObject[]) : [];
  resources.forEach((resource, i) => {
    const at = `${path}.resources[${i}]`;
    const type = String(resource.type);
    const known = Object.entries(versions).find(([t]) => t.toLowerCase() === type.toLowerCase())?.[1];
    if (!known) errors.push({ path: `${at}.type`, message: `${type} is not among the types kept in test/infra/schemas (re-trim)` });
    else if (!known.includes(String(resource.apiVersion))) errors.push({ path: `${at}.apiVersion`, message: `${type} has no API version ${String(resource.apiVersion)} (published: ${known.slice(-4).join(', ')}, …)` });

    const inner = type === 'Microsoft.Resources/deployments' ? (resource.properties as JsonObject | undefined)?.template : undefined;
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) errors.push(...templateSchemaErrors(inner, schemas, `${at}.properties.template`));
    const deployment = policyDeployment(resource);
    const embedded = (deployment?.properties as JsonObject | undefined)?.template;
    if (embedded && typeof embedded === 'object' && !Array.isArray(embedded)) {
      errors.push(...templateSchemaErrors(unescapeExpressions(embedded) as JsonObject, schemas, `${at}.properties.policyRule.then.details.deployment.properties.template`));
    }
  });
  for (const [name, spec] of Object.entries((template.parameters ?? {}) as Record<string, JsonObject>)) {
    const check = PARAMETER_TYPES[String(spec.type).toLowerCase()];
    const value = spec.defaultValue;
    if (check && value !== undefined && !isExpression(value) && !check(value)) {
      errors.push({ path: `${path}.parameters.${name}.defaultValue`, message: `default ${JSON.stringify(value)} is not of type ${String(spec.type)}` });
    }
    for (const allowed of (spec.allowedValues ?? []) as Json[]) {
      if (check && !check(allowed)) errors.push({ path: `${path}.parameters.${name}.allowedValues`, message: `${JSON.stringify(allowed)} is not of type ${String(spec.type)}` });
    }
  }
  return errors;
}
