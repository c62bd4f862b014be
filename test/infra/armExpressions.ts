import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A small evaluator for the subset of the ARM template expression language the templates in
 * infra/ use. An expression using any other function throws, so a template change that reaches
 * beyond what the tests can evaluate fails them instead of slipping past. Functions that ask
 * Azure (reference) or hash (uniqueString, guid) are answered deterministically by the test.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Scope {
  subscriptionId: string;
  /** Absent at subscription scope. */
  resourceGroup?: string;
  location: string;
  /** Set for a management group deployment (subscriptionId is then not a scope of it). */
  managementGroup?: string;
}

export interface EvalContext {
  scope: Scope;
  /** Parameter values (defaults already applied). */
  parameters: Record<string, Json>;
  /** The template's `variables`, evaluated on use. */
  variables: JsonObject;
  /** What `reference(id)` returns for a resource id. */
  reference: (resourceId: string) => JsonObject;
  /** Function names an evaluation called, for tests that ask what a template relies on. */
  used?: Set<string>;
}

/** subscription().tenantId in every evaluation. */
const TEST_TENANT_ID = '7e570000-0000-4000-8000-00000000abcd';

export const INFRA_DIR = fileURLToPath(new URL('../../infra/', import.meta.url));

export function readTemplate(name: string): JsonObject {
  return JSON.parse(readFileSync(`${INFRA_DIR}${name}`, 'utf8')) as JsonObject;
}

/** Evaluate every `[expression]` string (values and object keys) in a JSON value, deeply. */
export function evaluateDeep(value: Json, ctx: EvalContext): Json {
  if (typeof value === 'string') return evaluateString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => evaluateDeep(v, ctx));
  if (value && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const key = evaluateString(k, ctx);
      if (typeof key !== 'string') throw new Error(`object key ${k} does not evaluate to a string`);
      out[key] = evaluateDeep(v, ctx);
    }
    return out;
  }
  return value;
}

/** A template string: `[expr]` is evaluated, `[[...` is a literal starting with `[`, anything else is literal. */
function evaluateString(text: string, ctx: EvalContext): Json {
  if (text.startsWith('[[')) return text.slice(1);
  if (!(text.startsWith('[') && text.endsWith(']'))) return text;
  const parser = new Parser(text.slice(1, -1));
  const node = parser.parseExpression();
  parser.expectEnd();
  return run(node, ctx);
}

/** Every function name called anywhere in a template (nested templates included). */
export function functionsUsed(value: Json, found = new Set<string>()): Set<string> {
  const visitString = (s: string) => {
    if (s.startsWith('[') && !s.startsWith('[[') && s.endsWith(']')) {
      const parser = new Parser(s.slice(1, -1));
      collectCalls(parser.parseExpression(), found);
      parser.expectEnd();
    }
  };
  if (typeof value === 'string') visitString(value);
  else if (Array.isArray(value)) for (const v of value) functionsUsed(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visitString(k);
      functionsUsed(v, found);
    }
  }
  return found;
}

/** Every `parameters('x')` / `variables('x')` name used in a JSON value (not descending into `skip` keys). */
export function namesReferenced(value: Json, fn: 'parameters' | 'variables', skip: (key: string) => boolean = () => false): Set<string> {
  const found = new Set<string>();
  const visit = (v: Json) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(new RegExp(`${fn}\\('([^']+)'\\)`, 'g'))) found.add(m[1] as string);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        visit(k);
        if (!skip(k)) visit(child);
      }
    }
  };
  visit(value);
  return found;
}

/** Parameter values: the given ones, else each parameter's default (evaluated). */
export function parameterValues(template: JsonObject, given: Record<string, Json>, scope: Scope, reference: EvalContext['reference']): Record<string, Json> {
  const declared = (template.parameters ?? {}) as Record<string, JsonObject>;
  const values: Record<string, Json> = {};
  const ctx: EvalContext = { scope, parameters: values, variables: {}, reference };
  for (const [name, spec] of Object.entries(declared)) {
    if (Object.hasOwn(given, name)) values[name] = given[name] as Json;
    else if (spec.defaultValue !== undefined) values[name] = evaluateDeep(spec.defaultValue, ctx);
    else throw new Error(`parameter ${name} has no value and no default`);
  }
  for (const name of Object.keys(given)) if (!Object.hasOwn(declared, name)) throw new Error(`parameter ${name} is not declared`);
  return values;
}

/** Deterministic stand-ins for the hashing functions: same shape as Azure's, not the same value. */
function fakeUniqueString(parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from(digest.subarray(0, 13), (b) => alphabet[b % 32]).join('');
}

export function fakeGuid(parts: readonly string[]): string {
  const h = createHash('sha1').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// --- parsing ---------------------------------------------------------------------------------

type Node =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseExpression(): Node {
    let node = this.parsePrimary();
    for (;;) {
      this.skipSpace();
      if (this.peek('.')) {
        this.pos++;
        node = { kind: 'property', target: node, name: this.identifier() };
      } else if (this.peek('[')) {
        this.pos++;
        const index = this.parseExpression();
        this.expect(']');
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) throw new Error(`unexpected ${JSON.stringify(this.text.slice(this.pos))} in [${this.text}]`);
  }

  private parsePrimary(): Node {
    this.skipSpace();
    if (this.peek("'")) return { kind: 'string', value: this.stringLiteral() };
    const number = /^-?\d+/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'number', value: Number(number[0]) };
    }
    const name = this.identifier();
    this.skipSpace();
    this.expect('(');
    const args: Node[] = [];
    this.skipSpace();
    if (!this.peek(')')) {
      for (;;) {
        args.push(this.parseExpression());
        this.skipSpace();
        if (this.peek(',')) {
          this.pos++;
          continue;
        }
        break;
      }
    }
    this.expect(')');
    return { kind: 'call', name, args };
  }

  private stringLiteral(): string {
    this.expect("'");
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw new Error(`unterminated string in [${this.text}]`);
      this.pos++;
      if (c === "'") {
        if (this.text[this.pos] === "'") {
          out += "'";
          this.pos++;
          continue;
        }
        return out;
      }
      out += c;
    }
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) throw new Error(`expected a name at ${JSON.stringify(this.text.slice(this.pos))} in [${this.text}]`);
    this.pos += m[0].length;
    return m[0];
  }

  private skipSpace(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private peek(c: string): boolean {
    return this.text[this.pos] === c;
  }

  private expect(c: string): void {
    this.skipSpace();
    if (!this.peek(c)) throw new Error(`expected ${c} at ${JSON.stringify(this.text.slice(this.pos))} in [${this.text}]`);
    this.pos++;
  }
}

function collectCalls(node: Node, found: Set<string>): void {
  if (node.kind === 'call') {
    found.add(node.name.toLowerCase());
    node.args.forEach((a) => collectCalls(a, found));
  } else if (node.kind === 'property') collectCalls(node.target, found);
  else if (node.kind === 'index') {
    collectCalls(node.target, found);
    collectCalls(node.index, found);
  }
}

// --- evaluation ------------------------------------------------------------------------------

function run(node: Node, ctx: EvalContext): Json {
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'property': {
      const target = run(node.target, ctx);
      if (!target || typeof target !== 'object' || Array.isArray(target) || !Object.hasOwn(target, node.name)) {
        throw new Error(`no property ${node.name} on ${JSON.stringify(target)}`);
      }
      return target[node.name] as Json;
    }
    case 'index': {
      const target = run(node.target, ctx);
      const index = run(node.index, ctx);
      if (Array.isArray(target) && typeof index === 'number') return target[index] as Json;
      if (target && typeof target === 'object' && !Array.isArray(target) && typeof index === 'string') return target[index] as Json;
      throw new Error(`cannot index ${JSON.stringify(target)} with ${JSON.stringify(index)}`);
    }
    case 'call':
      ctx.used?.add(node.name.toLowerCase());
      return call(node.name.toLowerCase(), node.args.map((a) => run(a, ctx)), ctx);
  }
}

const str = (v: Json, what: string): string => {
  if (typeof v !== 'string') throw new Error(`${what} needs a string, got ${JSON.stringify(v)}`);
  return v;
};

/** `/providers/Ns/type1/name1/type2/name2` from a full type and its name segments. */
function providerPath(type: string, names: readonly string[]): string {
  const [namespace, ...types] = type.split('/');
  if (!namespace || types.length !== names.length) throw new Error(`resource type ${type} needs ${types.length} name(s), got ${names.length}`);
  return `/providers/${namespace}${types.map((t, i) => `/${t}/${names[i]}`).join('')}`;
}

function call(name: string, args: Json[], ctx: EvalContext): Json {
  const { scope } = ctx;
  switch (name) {
    case 'parameters': {
      const key = str(args[0] ?? null, 'parameters()');
      if (!Object.hasOwn(ctx.parameters, key)) throw new Error(`parameter ${key} is not declared`);
      return ctx.parameters[key] as Json;
    }
    case 'variables': {
      const key = str(args[0] ?? null, 'variables()');
      if (!Object.hasOwn(ctx.variables, key)) throw new Error(`variable ${key} is not declared`);
      return evaluateDeep(ctx.variables[key] as Json, ctx);
    }
    case 'format': {
      const template = str(args[0] ?? null, 'format()');
      return template.replace(/\{(\d+)\}/g, (_, i: string) => {
        const v = args[Number(i) + 1];
        if (v === undefined) throw new Error(`format() has no argument ${i}`);
        return typeof v === 'string' ? v : JSON.stringify(v);
      });
    }
    case 'concat':
      if (args.every(Array.isArray)) return (args as Json[][]).flat();
      return args.map((a) => str(a, 'concat()')).join('');
    case 'join': {
      const list = args[0];
      if (!Array.isArray(list)) throw new Error('join() needs an array');
      return list.map((v) => str(v, 'join()')).join(str(args[1] ?? null, 'join()'));
    }
    case 'tolower':
      return str(args[0] ?? null, 'toLower()').toLowerCase();
    case 'take': {
      const [v, n] = args;
      if (typeof n !== 'number') throw new Error('take() needs a count');
      if (typeof v === 'string' || Array.isArray(v)) return v.slice(0, n);
      throw new Error('take() needs a string or an array');
    }
    case 'uniquestring':
      return fakeUniqueString(args.map((a) => str(a, 'uniqueString()')));
    case 'guid':
      return fakeGuid(args.map((a) => str(a, 'guid()')));
    case 'resourcegroup':
      if (!scope.resourceGroup) throw new Error('resourceGroup() at subscription scope');
      return { id: `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`, name: scope.resourceGroup, location: scope.location };
    case 'managementgroup':
      return { id: managementGroupId(scope), name: scope.managementGroup ?? '' };
    case 'if':
      // Eager: ARM evaluates only the branch taken; the templates put nothing in either branch that could fail.
      if (typeof args[0] !== 'boolean') throw new Error('if() needs a boolean condition');
      return (args[0] ? args[1] : args[2]) ?? null;
    case 'empty': {
      const [v] = args;
      if (v === null || v === undefined) return true;
      if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
      if (typeof v === 'object') return Object.keys(v).length === 0;
      throw new Error('empty() needs a string, array or object');
    }
    case 'managementgroupresourceid': {
      const [type, ...names] = args.map((a) => str(a, 'managementGroupResourceId()'));
      return `${managementGroupId(scope)}${providerPath(type as string, names)}`;
    }
    case 'subscription':
      return { id: `/subscriptions/${scope.subscriptionId}`, subscriptionId: scope.subscriptionId, tenantId: TEST_TENANT_ID };
    case 'deployment':
      return { name: 'test-deployment', location: scope.location };
    case 'environment':
      return { name: 'AzureCloud', resourceManager: 'https://management.azure.com/', authentication: { loginEndpoint: 'https://login.microsoftonline.com/' }, suffixes: { storage: 'core.windows.net' } };
    case 'null':
      return null;
    case 'not':
      if (typeof args[0] !== 'boolean') throw new Error('not() needs a boolean');
      return !args[0];
    case 'createarray':
      return args;
    case 'createobject': {
      if (args.length % 2 !== 0) throw new Error('createObject() needs name/value pairs');
      const out: JsonObject = {};
      for (let i = 0; i < args.length; i += 2) out[str(args[i] ?? null, 'createObject()')] = args[i + 1] ?? null;
      return out;
    }
    case 'resourceid': {
      const [type, ...names] = args.map((a) => str(a, 'resourceId()'));
      if (!scope.resourceGroup) throw new Error('resourceId() of a group resource at subscription scope: use subscriptionResourceId');
      return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}${providerPath(type as string, names)}`;
    }
    case 'subscriptionresourceid': {
      const [type, ...names] = args.map((a) => str(a, 'subscriptionResourceId()'));
      return `/subscriptions/${scope.subscriptionId}${providerPath(type as string, names)}`;
    }
    case 'extensionresourceid': {
      const [scopeId, type, ...names] = args.map((a) => str(a, 'extensionResourceId()'));
      return `${scopeId}${providerPath(type as string, names)}`;
    }
    case 'reference':
      return ctx.reference(str(args[0] ?? null, 'reference()'));
    default:
      throw new Error(`template function ${name}() is not supported by the test evaluator`);
  }
}

function managementGroupId(scope: Scope): string {
  if (!scope.managementGroup) throw new Error('a management group function outside a management group deployment');
  return `/providers/Microsoft.Management/managementGroups/${scope.managementGroup}`;
}

/** The id a resource of a template gets, in the evaluator's convention (matches resourceId() and friends). */
export function resourceIdOf(resource: JsonObject, ctx: EvalContext): string {
  const type = str(evaluateDeep(resource.type as Json, ctx), 'type');
  const name = str(evaluateDeep(resource.name as Json, ctx), 'name');
  const names = name.split('/');
  if (ctx.scope.managementGroup && !ctx.scope.subscriptionId) {
    if (resource.scope !== undefined) throw new Error('scope on a management group resource is not supported by the test evaluator');
    return `${managementGroupId(ctx.scope)}${providerPath(type, names)}`;
  }
  if (resource.scope !== undefined) {
    const scopePath = str(evaluateDeep(resource.scope, ctx), 'scope');
    const base = ctx.scope.resourceGroup
      ? `/subscriptions/${ctx.scope.subscriptionId}/resourceGroups/${ctx.scope.resourceGroup}/providers/${scopePath}`
      : `/subscriptions/${ctx.scope.subscriptionId}/providers/${scopePath}`;
    return `${base}${providerPath(type, names)}`;
  }
  return ctx.scope.resourceGroup
    ? `/subscriptions/${ctx.scope.subscriptionId}/resourceGroups/${ctx.scope.resourceGroup}${providerPath(type, names)}`
    : `/subscriptions/${ctx.scope.subscriptionId}${providerPath(type, names)}`;
}
