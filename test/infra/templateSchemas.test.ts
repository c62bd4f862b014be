import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INFRA_DIR, readTemplate, type Json, type JsonObject } from './armExpressions.js';
import { SCHEMA_DIR, SchemaSet } from './armSchema.js';
import { theOne } from './deployments.js';
import { DEPLOYMENT_SCHEMAS, policyDeployment, publishedApiVersions, templateSchemaErrors } from './templateSchemaErrors.js';

/** Every template under infra/ (parameter files are not templates). */
const TEMPLATES = readdirSync(INFRA_DIR).filter((f) => f.endsWith('.json') && !f.includes('.parameters.'));

function resourceOf(template: JsonObject, type: string): JsonObject {
  return theOne((template.resources as JsonObject[]).filter((r) => r.type === type), type);
}

/** subscription.json's nested deployment's template (the event plumbing). */
function nestedOf(template: JsonObject): JsonObject {
  return (resourceOf(template, 'Microsoft.Resources/deployments').properties as JsonObject).template as JsonObject;
}

/** Errors of a template changed in memory (the file is never touched). */
function errorsAfter(name: string, change: (t: JsonObject) => void): string[] {
  const copy = structuredClone(readTemplate(name));
  change(copy);
  return templateSchemaErrors(copy).map((e) => `${e.path}: ${e.message}`);
}

describe("every template under infra/ against Microsoft's published ARM schemas", () => {
  it('covers every template, at every scope kept', () => {
    expect(TEMPLATES).toEqual(expect.arrayContaining(['main.json', 'subscription.json', 'managementGroup.json']));
    const scopes = new Set(TEMPLATES.map((f) => readTemplate(f).$schema));
    expect([...scopes].sort()).toEqual([...DEPLOYMENT_SCHEMAS].sort());
  });

  it.each(TEMPLATES)('%s (nested and policy-embedded templates included) is valid', (name) => {
    expect(templateSchemaErrors(readTemplate(name))).toEqual([]);
  });

  it('the kept schema data is closed: every $ref resolves, and every type and API version used has its schema', () => {
    const schemas = new SchemaSet();
    const files = readdirSync(SCHEMA_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json') && f !== 'apiVersions.json');
    let refs = 0;
    const visit = (node: Json, file: string) => {
      if (Array.isArray(node)) node.forEach((n) => visit(n, file));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') {
            schemas.resolve(v, file);
            refs++;
          } else visit(v, file);
        }
      }
    };
    for (const f of files) visit(JSON.parse(readFileSync(`${SCHEMA_DIR}${f}`, 'utf8')) as Json, f.replaceAll('\\', '/'));
    expect(refs).toBeGreaterThan(100);
    const versions = publishedApiVersions();
    expect(versions['Microsoft.Web/sites']).toContain('2024-04-01');
    expect(versions['Microsoft.Web/sites']?.length).toBeGreaterThan(10);
  });
});

describe('the check can fail (deliberate breaks in an in-memory copy)', () => {
  it('a misspelled property', () => {
    const errors = errorsAfter('main.json', (t) => {
      const site = resourceOf(t, 'Microsoft.Web/sites').properties as JsonObject;
      site.httpOnly = site.httpsOnly as Json;
      delete site.httpsOnly;
    });
    expect(errors).toEqual([expect.stringMatching(/\.properties\.httpOnly: unknown property/)]);
  });

  it('a wrong enum value', () => {
    const errors = errorsAfter('main.json', (t) => {
      (resourceOf(t, 'Microsoft.Web/sites').properties as JsonObject).clientCertMode = 'Require';
    });
    expect(errors).toEqual([expect.stringMatching(/\.properties\.clientCertMode: "Require" is not one of \["Required","Optional","OptionalInteractiveUser"\]/)]);
  });

  it('an API version that does not exist', () => {
    const errors = errorsAfter('main.json', (t) => {
      resourceOf(t, 'Microsoft.Storage/storageAccounts').apiVersion = '2023-05-02';
    });
    // The kept schema list has no branch for it, and the published versions do not name it.
    expect(errors).toEqual([
      expect.stringMatching(/^\$\.resources\[\d+\]\.apiVersion: "2023-05-02" is not one of \["2023-05-01"\]/),
      expect.stringMatching(/^\$\.resources\[\d+\]\.apiVersion: Microsoft\.Storage\/storageAccounts has no API version 2023-05-02 \(published: /),
    ]);
  });

  it('a wrong type, a missing required property, a misspelled resource key', () => {
    expect(errorsAfter('main.json', (t) => ((resourceOf(t, 'Microsoft.Web/sites').properties as JsonObject).httpsOnly = 'true'))).toEqual([
      expect.stringMatching(/\.properties\.httpsOnly: expected boolean, got string "true"/),
    ]);
    expect(errorsAfter('subscription.json', (t) => delete resourceOf(t, 'Microsoft.Authorization/roleDefinitions').properties)).toEqual([
      expect.stringMatching(/^\$\.resources\[0\]: required property properties is missing/),
    ]);
    expect(errorsAfter('main.json', (t) => (resourceOf(t, 'Microsoft.Web/serverfarms').lcoation = 'westeurope'))).toEqual([expect.stringMatching(/\.lcoation: unknown property/)]);
  });

  it('deployment level: $schema, contentVersion, parameter types and defaults', () => {
    expect(errorsAfter('main.json', (t) => (t.$schema = 'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#'))).toHaveLength(1);
    expect(errorsAfter('main.json', (t) => (t.contentVersion = '1.0'))).toEqual([expect.stringMatching(/^\$\.contentVersion: "1.0" does not match/)]);
    expect(errorsAfter('main.json', (t) => (((t.parameters as JsonObject).namePrefix as JsonObject).type = 'text'))).toEqual([
      expect.stringMatching(/^\$\.parameters\.namePrefix\.type: "text" is not one of/),
    ]);
    expect(errorsAfter('subscription.json', (t) => (((t.parameters as JsonObject).eventQueueName as JsonObject).defaultValue = 7))).toEqual([
      '$.parameters.eventQueueName.defaultValue: default 7 is not of type string',
    ]);
    expect(errorsAfter('main.json', (t) => ((t.outputs as JsonObject).extra = { value: 'x' }))).toEqual(['$.outputs.extra: required property type is missing']);
  });

  it('inside a nested deployment', () => {
    expect(
      errorsAfter('subscription.json', (t) => {
        const sub = resourceOf(nestedOf(t), 'Microsoft.EventGrid/systemTopics/eventSubscriptions').properties as JsonObject;
        ((sub.deliveryWithResourceIdentity as JsonObject).destination as JsonObject).endpointType = 'StorageQueues';
      }),
    ).toEqual([expect.stringMatching(/^\$\.resources\[3\]\.properties\.template\.resources\[1\]\.properties\.deliveryWithResourceIdentity\.destination/)]);
  });

  it('inside a policy deployment', () => {
    const errors = errorsAfter('managementGroup.json', (t) => {
      for (const r of t.resources as JsonObject[]) {
        const template = (policyDeployment(r)?.properties as JsonObject | undefined)?.template as JsonObject | undefined;
        if (template) for (const inner of template.resources as JsonObject[]) if (inner.type === 'Microsoft.EventGrid/systemTopics') inner.apiVersion = '2025-02-16';
      }
    });
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatch(/\.policyRule\.then\.details\.deployment\.properties\.template\..*apiVersion/);
  });
});

describe("the schemas' own gaps, handled by name (armSchema.ts)", () => {
  const schemas = new SchemaSet();
  const storageName = (name: string) => {
    const t = structuredClone(readTemplate('main.json'));
    resourceOf(t, 'Microsoft.Storage/storageAccounts').name = name;
    return templateSchemaErrors(t, schemas);
  };

  it('EXPRESSION_TEXT: an expression longer than the 24-character name limit passes; a literal does not', () => {
    const expression = "[format('{0}{1}', parameters('namePrefix'), uniqueString(resourceGroup().id))]";
    expect(expression.length).toBeGreaterThan(24);
    expect(storageName(expression)).toEqual([]);
    expect(storageName('a'.repeat(25)).map((e) => e.message)).toContain('longer than 24');
    expect(storageName('Upper').length).toBeGreaterThan(0);
  });

  it('EXPRESSION_ONE_OF: a name branches tell apart by pattern (ftp or scm) passes as an expression; a literal must pick one', () => {
    const publishing = (name: string) => {
      const t = structuredClone(readTemplate('main.json'));
      for (const r of t.resources as JsonObject[]) if (r.type === 'Microsoft.Web/sites/basicPublishingCredentialsPolicies') r.name = name;
      return templateSchemaErrors(t, schemas);
    };
    expect(publishing("[format('{0}/ftp', 'app')]")).toEqual([]);
    expect(publishing('app/ftp')).toEqual([]);
    expect(publishing('app/http').length).toBeGreaterThan(0);
  });
});
