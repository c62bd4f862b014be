import type { ExemptionRecord } from '../model/index.js';
import { InvalidInputError } from '../errors.js';
import { parseIsoDate } from '../policy/index.js';
import { normaliseId } from '../policy/index.js';
import { encodeKey } from './encodeKey.js';
import { CATEGORIES } from './exemptionEntity.js';
import { registerScope } from './registerScope.js';

/** Room left in a history RowKey (time, action, separators) for the encoded id. */
const MAX_ID_KEY_LENGTH = 512;

const filled = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

/**
 * What the register's writer refuses, all problems named at once. Whether the expiry is in the
 * future and not too far is the use case's rule (it knows the clock and the maximum), not storage's.
 */
export function checkExemptionRecord(record: ExemptionRecord): ExemptionRecord {
  const problems: string[] = [];
  const scope = collect(problems, () => registerScope(record.scope));
  const idProblem = checkExemptionId(record.id);
  if (idProblem) problems.push(idProblem);
  if (!filled(record.scopeDisplay)) problems.push('scopeDisplay is required');
  else if (scope !== undefined && normaliseId(record.scopeDisplay) !== scope) problems.push(`scopeDisplay ${JSON.stringify(record.scopeDisplay)} names another scope than ${scope}`);
  for (const field of ['owner', 'approver', 'reason', 'createdBy'] as const) if (!filled(record[field])) problems.push(`${field} is required`);
  if (!CATEGORIES.includes(record.category)) problems.push(`category must be waiver or mitigated; got ${JSON.stringify(record.category)}`);
  for (const field of ['expiresAt', 'createdAt'] as const) {
    if (!parseIsoDate(typeof record[field] === 'string' ? record[field] : '')) problems.push(`${field} must be an ISO 8601 date; got ${JSON.stringify(record[field])}`);
  }
  if (problems.length > 0) throw new InvalidInputError(`invalid exemption ${JSON.stringify(record.id)}: ${problems.join('; ')}`);
  return { ...record, scope: scope as string };
}

/** Checks a removal's arguments, all problems at once; returns the lowercased scope. */
export function checkExemptionRemoval(scope: string, id: string, by: string, at: string): string {
  const problems: string[] = [];
  const normalised = collect(problems, () => registerScope(scope));
  const idProblem = checkExemptionId(id);
  if (idProblem) problems.push(idProblem);
  if (!filled(by)) problems.push('who removes it (by) is required');
  if (!parseIsoDate(typeof at === 'string' ? at : '')) problems.push(`removal time must be an ISO 8601 date; got ${JSON.stringify(at)}`);
  if (problems.length > 0) throw new InvalidInputError(`cannot remove exemption ${JSON.stringify(id)}: ${problems.join('; ')}`);
  return normalised as string;
}

/** Why an exemption id cannot be stored, or undefined. */
function checkExemptionId(id: string): string | undefined {
  if (!filled(id)) return 'id is required';
  try {
    if (encodeKey(id).length > MAX_ID_KEY_LENGTH) return `id is too long (${id.length} characters)`;
  } catch {
    return `id is too long (${id.length} characters)`;
  }
  return undefined;
}

function collect<T>(problems: string[], check: () => T): T | undefined {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    problems.push(err.message);
    return undefined;
  }
}
