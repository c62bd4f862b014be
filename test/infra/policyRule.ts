import type { Json, JsonObject } from './armExpressions.js';
import { PUBLISHED_ALIASES, STANDARD_FIELDS } from './policyAliases.js';

/**
 * A small evaluator of exactly the Azure Policy rule language the custom definition uses
 * (learn.microsoft.com, "Azure Policy definition structure policy rule"): `allOf`, `anyOf`, and
 * `field` conditions with `equals`, `notEquals`, `in`, `contains`, `notContains`, `exists`.
 * Any other operator, condition or field throws, so a definition change that reaches beyond what
 * the test can evaluate fails it instead of slipping past.
 *
 * Semantics taken from the documentation: string comparisons are case-insensitive
 * (InvariantCultureIgnoreCase); a boolean property compares as its text, the way Azure's own
 * built-ins write `"notEquals": "true"` against `clientCertEnabled`. What the documentation does
 * not say — how a missing or null property compares — is never relied on: such a field must be
 * guarded by an `exists` that decides first (anyOf/allOf stop at the first deciding term), and a
 * comparison reaching an absent field throws. The definition is written so that its outcome is
 * the same whichever way Azure treats an absent field in the guarded comparison.
 */

export const OPERATORS = ['allOf', 'anyOf', 'field'] as const;
export const CONDITIONS = ['equals', 'notEquals', 'in', 'contains', 'notContains', 'exists'] as const;
type Condition = (typeof CONDITIONS)[number];

export interface PolicyOutcome {
  /** The `if` matched: Policy reports the resource non-compliant (Audit) or refuses it (Deny). */
  matched: boolean;
  /** The effect the assignment gives, when matched. */
  effect?: string;
}

/** Evaluate a definition's `policyRule` on one resource's ARM JSON, with the assignment's parameter values. */
export function evaluatePolicyRule(rule: JsonObject, resource: JsonObject, parameters: Record<string, Json>): PolicyOutcome {
  const matched = evaluateCondition(rule.if as JsonObject, resource);
  if (!matched) return { matched };
  const then = rule.then as JsonObject;
  return { matched, effect: resolveParameter(then.effect as string, parameters) };
}

function evaluateCondition(node: JsonObject, resource: JsonObject): boolean {
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'allOf') return list(node.allOf).every((c) => evaluateCondition(c, resource));
  if (keys.length === 1 && keys[0] === 'anyOf') return list(node.anyOf).some((c) => evaluateCondition(c, resource));
  if (keys.length === 2 && keys.includes('field')) {
    const condition = keys.find((k) => k !== 'field') as string;
    if (!(CONDITIONS as readonly string[]).includes(condition)) throw new Error(`condition ${condition} is not supported by the test evaluator`);
    return compare(condition as Condition, fieldValue(node.field as string, resource), node[condition] as Json, node.field as string);
  }
  throw new Error(`policy rule node ${JSON.stringify(node)} is not supported by the test evaluator`);
}

/** Every operator and condition name a rule uses, to compare with what the evaluator implements. */
export function operatorsUsed(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => operatorsUsed(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      found.add(key);
      if (key === 'allOf' || key === 'anyOf') operatorsUsed(value, found);
    }
  }
  return found;
}

/** Every `field` a rule reads. */
export function fieldsUsed(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => fieldsUsed(n, found));
  else if (node && typeof node === 'object') {
    if (typeof node.field === 'string') found.add(node.field);
    Object.values(node).forEach((v) => fieldsUsed(v, found));
  }
  return found;
}

function list(value: Json | undefined): JsonObject[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('allOf/anyOf needs a non-empty list');
  return value as JsonObject[];
}

/** The value a field reads; undefined when the property is absent or null. */
function fieldValue(field: string, resource: JsonObject): Json | undefined {
  const path = STANDARD_FIELDS[field] ?? PUBLISHED_ALIASES.find((a) => a.alias.toLowerCase() === field.toLowerCase())?.path;
  if (!path) throw new Error(`field ${field} is neither a standard field nor a published alias the test knows`);
  let value: Json | undefined = resource;
  for (const key of path) value = value && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;
  return value ?? undefined;
}

function compare(condition: Condition, value: Json | undefined, expected: Json, field: string): boolean {
  if (condition === 'exists') return (value !== undefined) === truthy(expected);
  if (value === undefined) throw new Error(`${condition} on ${field}, which is absent: guard it with exists`);
  const text = asText(value, field);
  switch (condition) {
    case 'equals':
      return text === asText(expected, field);
    case 'notEquals':
      return text !== asText(expected, field);
    case 'in':
      if (!Array.isArray(expected)) throw new Error('in needs a list');
      return expected.some((e) => asText(e, field) === text);
    case 'contains':
      return text.includes(asText(expected, field));
    case 'notContains':
      return !text.includes(asText(expected, field));
  }
}

function asText(value: Json, field: string): string {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return String(value).toLowerCase();
  throw new Error(`${field}: cannot compare ${JSON.stringify(value)} as text`);
}

function truthy(expected: Json): boolean {
  if (expected === true || expected === 'true') return true;
  if (expected === false || expected === 'false') return false;
  throw new Error(`exists needs true or false, got ${JSON.stringify(expected)}`);
}

/** `[parameters('name')]` as the assignment resolves it; a literal effect is returned as it is. */
function resolveParameter(text: string, parameters: Record<string, Json>): string {
  const m = /^\[parameters\('([^']+)'\)\]$/.exec(text);
  if (!m) {
    if (text.startsWith('[')) throw new Error(`policy function ${text} is not supported by the test evaluator`);
    return text;
  }
  const value = parameters[m[1] as string];
  if (typeof value !== 'string') throw new Error(`parameter ${m[1]} has no string value`);
  return value;
}
