import { normaliseId } from './resourceId.js';
import { parseIsoDate } from './parseIsoDate.js';
import type { Exemption, ExemptionCategory } from './types.js';

type Field = 'expires' | 'owner' | 'reason' | 'category' | 'approver';
const FIELDS: ReadonlySet<string> = new Set<Field>(['expires', 'owner', 'reason', 'category', 'approver']);
const CATEGORIES: ReadonlySet<string> = new Set<ExemptionCategory>(['waiver', 'mitigated']);

/**
 * Read an exemption tag value, `expires=2027-01-31;owner=...;reason=...;category=waiver;approver=...`
 * (keys in any case, blanks around parts ignored). Anything it cannot read exactly makes the
 * exemption `malformed`, so a typo never exempts. A missing expiry is left for the validity check.
 */
export function parseExemptionTag(value: string, scope: string): Exemption {
  const exemption: Exemption = { source: 'tag', scope: normaliseId(scope) };
  const fields = readFields(value);
  if (typeof fields === 'string') return { ...exemption, malformed: fields };
  const { expires, owner, reason, category, approver } = fields;
  if (owner) exemption.owner = owner;
  if (approver) exemption.approver = approver;
  if (reason) exemption.reason = reason;
  if (category !== undefined) {
    if (!CATEGORIES.has(category.toLowerCase())) return { ...exemption, malformed: `category "${category}" is not waiver or mitigated` };
    exemption.category = category.toLowerCase() as ExemptionCategory;
  }
  if (expires !== undefined) {
    if (!parseIsoDate(expires)) return { ...exemption, malformed: `expires "${expires}" is not an ISO 8601 date` };
    exemption.expiresAt = expires;
  }
  return exemption;
}

/** The key=value parts, or why they cannot be read. */
function readFields(value: string): Partial<Record<Field, string>> | string {
  const fields: Partial<Record<Field, string>> = {};
  const parts = value.split(';').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) return 'the tag is empty';
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) return `"${part}" is not key=value`;
    const key = part.slice(0, eq).trim().toLowerCase();
    const text = part.slice(eq + 1).trim();
    if (!FIELDS.has(key)) return `unknown key "${key}" (expected expires, owner, reason, category, approver)`;
    if (text === '') return `"${key}" has no value`;
    if (fields[key as Field] !== undefined) return `"${key}" appears twice`;
    fields[key as Field] = text;
  }
  return fields;
}
