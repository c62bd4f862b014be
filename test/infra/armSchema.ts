import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Json, JsonObject } from './armExpressions.js';

/**
 * A JSON-schema (draft-04) validator for the subset of keywords Microsoft's ARM template schemas
 * use, reading the trimmed copies in test/infra/schemas/ (see the README there). A keyword it does
 * not know throws, so a schema update that needs more is not silently half-checked.
 *
 * Beyond plain draft-04, three rules, each named where it applies:
 *
 * - CLOSED_OBJECTS: the ARM schemas never say `additionalProperties: false` on resources, but they
 *   are generated from each provider's API description and list every property the API version
 *   takes; a name that is not listed is a misspelling or belongs to another API version (ARM drops
 *   or rejects it). So an object whose schema names `properties` (in itself or in any part of an
 *   allOf/oneOf/anyOf/$ref that matched) may hold only the names those parts evaluated, like
 *   draft 2019-09's `unevaluatedProperties: false`. A schema without `properties` (a template's
 *   `variables`, a nested `template`) stays open.
 * - EXPRESSION_TEXT: an ARM expression (`[...]`, not `[[`) stands for a value computed at deploy
 *   time; `pattern`, `minLength`, `maxLength` and `format` constrain that value, not the text of
 *   the expression (`[format('{0}{1}', parameters('namePrefix'), uniqueString(...))]` is longer
 *   than a 24-character storage name limit, its value is not). They are skipped for expressions;
 *   `type` and `enum` are not. The names the templates compute are checked on their evaluated
 *   values in templates.test.ts.
 * - EXPRESSION_ONE_OF: the schemas write "a literal or an expression" as
 *   `oneOf: [{literal schema}, {$ref: expression}]`; where the literal schema is a plain string
 *   (or `{}`), an expression satisfies both branches and `oneOf` would reject it. Likewise
 *   branches told apart only by a string pattern (`sites/basicPublishingCredentialsPolicies` is
 *   one branch for a name ending `/ftp`, one for `/scm`) all match when that name is an
 *   expression. So when several branches match and every one of them met an expression where it
 *   would have checked a literal, the expression's value decides: the `oneOf` passes.
 */

export const SCHEMA_DIR = fileURLToPath(new URL('./schemas/', import.meta.url));
const URL_PREFIX = 'https://schema.management.azure.com/schemas/';

export interface SchemaError {
  path: string;
  message: string;
}

interface Located {
  /** File the node came from, relative to SCHEMA_DIR (for resolving `#/...` refs). */
  file: string;
  node: JsonObject;
}

interface Result {
  errors: SchemaError[];
  /** Object keys some matching part of the schema evaluated (properties/additionalProperties). */
  evaluated: Set<string>;
  /** Some matching part named `properties`: the object is closed (CLOSED_OBJECTS). */
  closed: boolean;
  /** A check was skipped because an expression stood where it would check a literal (EXPRESSION_TEXT). */
  deferred: boolean;
}

const ASSERTIONS = new Set(['$ref', 'type', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'multipleOf', 'format', 'oneOf', 'anyOf', 'allOf']);
const ANNOTATIONS = new Set(['description', 'default', 'id', '$schema', 'title', 'definitions', 'resourceDefinitions', 'subscription_resourceDefinitions', 'managementGroup_resourceDefinitions', 'tenant_resourceDefinitions', 'extension_resourceDefinitions']);

export function isExpression(value: Json): boolean {
  return typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export class SchemaSet {
  private readonly files = new Map<string, JsonObject>();
  private readonly patterns = new Map<string, RegExp>();

  constructor(private readonly dir: string = SCHEMA_DIR) {}

  /** A schema file (relative to the schema folder), parsed once. */
  file(name: string): JsonObject {
    let parsed = this.files.get(name);
    if (!parsed) {
      parsed = JSON.parse(readFileSync(`${this.dir}${name}`, 'utf8')) as JsonObject;
      this.files.set(name, parsed);
    }
    return parsed;
  }

  /** The schema file a `$schema` / `$ref` URL names, relative to the schema folder. */
  static fileOf(url: string): string {
    const base = url.split('#')[0] as string;
    if (!base.startsWith(URL_PREFIX)) throw new Error(`schema URL ${url} is not under ${URL_PREFIX}`);
    return base.slice(URL_PREFIX.length);
  }

  resolve(ref: string, from: string): Located {
    const [base, fragment = ''] = ref.split('#');
    const file = base ? SchemaSet.fileOf(ref) : from;
    let node: Json = this.file(file);
    for (const part of fragment.split('/').filter(Boolean)) {
      if (!isObject(node) || !Object.hasOwn(node, part)) throw new Error(`$ref ${ref} (from ${from}) does not resolve: no ${part}`);
      node = node[part] as Json;
    }
    if (!isObject(node)) throw new Error(`$ref ${ref} is not a schema`);
    return { file, node };
  }

  /** Errors of `value` against the schema at `url` (a `$schema` URL: the file's root). */
  validate(value: Json, url: string, path = '$'): SchemaError[] {
    const file = SchemaSet.fileOf(url);
    return this.validateAt(value, { file, node: this.file(file) }, path).errors;
  }

  /** One instance location: the schema's assertions, then CLOSED_OBJECTS over what they evaluated. */
  private validateAt(value: Json, at: Located, path: string): Result {
    const result = this.evaluate(value, at, path);
    if (isObject(value) && result.closed) {
      for (const key of Object.keys(value)) {
        if (!result.evaluated.has(key)) result.errors.push({ path: `${path}.${key}`, message: 'unknown property (not in the schema of this type and API version)' });
      }
    }
    return result;
  }

  private evaluate(value: Json, at: Located, path: string): Result {
    const s = at.node;
    const out: Result = { errors: [], evaluated: new Set(), closed: false, deferred: false };
    for (const key of Object.keys(s)) {
      if (!ASSERTIONS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`schema keyword ${key} (${at.file}) is not supported by the validator`);
    }
    const fail = (message: string, where = path) => out.errors.push({ path: where, message });
    const merge = (r: Result) => {
      out.errors.push(...r.errors);
      for (const k of r.evaluated) out.evaluated.add(k);
      out.closed ||= r.closed;
      out.deferred ||= r.deferred;
    };
    const child = (v: Json, node: JsonObject, where: string) => {
      const r = this.validateAt(v, { file: at.file, node }, where);
      out.errors.push(...r.errors);
      out.deferred ||= r.deferred;
    };

    // draft-04: `$ref` replaces the schema it sits in (siblings are ignored).
    if (typeof s.$ref === 'string') return this.evaluate(value, this.resolve(s.$ref, at.file), path);

    if (s.type !== undefined) {
      const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
      if (!types.some((t) => hasType(value, t))) {
        fail(`expected ${types.join(' or ')}, got ${describe(value)}`);
        return out;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
      fail(`${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
    }

    if (isExpression(value)) {
      out.deferred ||= ['pattern', 'minLength', 'maxLength', 'format'].some((k) => s[k] !== undefined);
    } else if (typeof value === 'string') {
      // EXPRESSION_TEXT: these constrain a literal's value; an expression's value is not known here.
      if (typeof s.pattern === 'string' && !this.regex(s.pattern).test(value)) fail(`${JSON.stringify(value)} does not match ${s.pattern}`);
      if (typeof s.minLength === 'number' && value.length < s.minLength) fail(`shorter than ${s.minLength}`);
      if (typeof s.maxLength === 'number' && value.length > s.maxLength) fail(`longer than ${s.maxLength}`);
      if (s.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) fail('not a date-time');
    }
    if (typeof value === 'number') {
      if (typeof s.minimum === 'number' && value < s.minimum) fail(`less than ${s.minimum}`);
      if (typeof s.maximum === 'number' && value > s.maximum) fail(`more than ${s.maximum}`);
      if (typeof s.multipleOf === 'number' && !Number.isInteger(value / s.multipleOf)) fail(`not a multiple of ${s.multipleOf}`);
    }

    if (isObject(value)) {
      const props = isObject(s.properties ?? null) ? (s.properties as JsonObject) : undefined;
      if (props) {
        out.closed = true; // CLOSED_OBJECTS
        for (const [key, schema] of Object.entries(props)) {
          if (!Object.hasOwn(value, key)) continue;
          child(value[key] as Json, schema as JsonObject, `${path}.${key}`);
          out.evaluated.add(key);
        }
      }
      if (s.additionalProperties !== undefined) {
        for (const key of Object.keys(value)) {
          if (props && Object.hasOwn(props, key)) continue;
          if (s.additionalProperties === false) fail('unknown property (the schema allows no others)', `${path}.${key}`);
          else if (isObject(s.additionalProperties)) child(value[key] as Json, s.additionalProperties, `${path}.${key}`);
          out.evaluated.add(key);
        }
      }
      if (Array.isArray(s.required)) for (const key of s.required as string[]) if (!Object.hasOwn(value, key)) fail(`required property ${key} is missing`);
    }
    if (Array.isArray(value) && isObject(s.items ?? null)) {
      value.forEach((item, i) => child(item, s.items as JsonObject, `${path}[${i}]`));
    }

    for (const part of (s.allOf ?? []) as JsonObject[]) merge(this.evaluate(value, { file: at.file, node: part }, path));
    if (Array.isArray(s.anyOf)) {
      const results = (s.anyOf as JsonObject[]).map((b) => this.evaluate(value, { file: at.file, node: b }, path));
      const passing = results.filter((r) => r.errors.length === 0);
      if (passing.length === 0) out.errors.push(...closest(results));
      passing.forEach(merge);
    }
    if (Array.isArray(s.oneOf)) {
      const results = (s.oneOf as JsonObject[]).map((b) => this.evaluate(value, { file: at.file, node: b }, path));
      const passing = results.filter((r) => r.errors.length === 0);
      if (passing.length === 0) out.errors.push(...closest(results));
      else if (passing.length === 1 || isExpression(value) || passing.every((r) => r.deferred)) merge(passing[0] as Result); // EXPRESSION_ONE_OF
      else fail(`matches ${passing.length} branches of a oneOf`);
    }
    return out;
  }

  private regex(pattern: string): RegExp {
    let re = this.patterns.get(pattern);
    if (!re) {
      re = new RegExp(pattern, 'u');
      this.patterns.set(pattern, re);
    }
    return re;
  }
}

function hasType(value: Json, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'null':
      return value === null;
    default:
      throw new Error(`schema type ${type} is not supported by the validator`);
  }
}

function describe(value: Json): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * When no branch matches: the errors of the branch that got furthest before failing (its shallowest
 * error is deepest: a resource schema of the right type and API version fails inside `properties`,
 * the others at `type`), then the one with fewest errors.
 */
function closest(results: Result[]): SchemaError[] {
  const depth = (p: string) => p.split(/[.[]/).length;
  const reach = (r: Result) => Math.min(...r.errors.map((e) => depth(e.path)));
  const best = [...results].sort((a, b) => reach(b) - reach(a) || a.errors.length - b.errors.length)[0];
  return best?.errors ?? [];
}
