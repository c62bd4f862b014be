import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.js';
import { parseIsoDate, parseSiteId } from '../policy/index.js';
import type { EnforcerDeps } from './deps.js';
import { inScope } from '../policy/index.js';
import { parseExemptionScope } from './exemptionScope.js';
import type { ExemptionRecord } from '../model/index.js';
import { reevaluate } from './reevaluate.js';

export interface ExemptionInput {
  scope: string;
  id?: string;
  owner: string;
  approver: string;
  reason: string;
  category: string;
  expiresAt: string;
  by: string;
}

const DAY_MS = 86_400_000;

/** Add (or replace) a register exemption, then re-evaluate what it covers. */
export async function addExemption(deps: EnforcerDeps, input: ExemptionInput, maxDays: number): Promise<{ record: ExemptionRecord; reevaluated: number }> {
  const now = deps.clock();
  const record = validate(input, now, maxDays);
  await deps.register.put(record);
  deps.log('info', `exemption ${record.id} added on ${record.scopeDisplay} by ${input.by}, expires ${record.expiresAt}`);
  return { record, reevaluated: await reevaluateScope(deps, record.scope, `exemption-added:${record.id}`) };
}

/** Remove a register exemption (history keeps it), then re-evaluate what it covered. */
export async function removeExemption(deps: EnforcerDeps, scopeInput: string, id: string, by: string): Promise<{ removed: boolean; reevaluated: number }> {
  const scope = parseExemptionScope(scopeInput);
  const removed = await deps.register.remove(scope, id, by, deps.clock().toISOString());
  if (!removed) return { removed, reevaluated: 0 };
  deps.log('info', `exemption ${id} on ${scope} removed by ${by}`);
  return { removed, reevaluated: await reevaluateScope(deps, scope, `exemption-removed:${id}`) };
}

export async function listExemptions(deps: EnforcerDeps): Promise<ExemptionRecord[]> {
  const all: ExemptionRecord[] = [];
  for await (const record of deps.register.list()) all.push(record);
  return all;
}

function validate(input: ExemptionInput, now: Date, maxDays: number): ExemptionRecord {
  const problems: string[] = [];
  let scope = '';
  try {
    scope = parseExemptionScope(input.scope);
  } catch (err) {
    problems.push((err as Error).message);
  }
  for (const field of ['owner', 'approver', 'reason'] as const) if (!input[field]?.trim()) problems.push(`${field} is required`);
  if (input.category !== 'waiver' && input.category !== 'mitigated') problems.push(`category must be waiver or mitigated; got ${JSON.stringify(input.category)}`);
  const expires = input.expiresAt ? parseIsoDate(input.expiresAt) : undefined;
  if (!expires) problems.push(`expiresAt is required, as an ISO 8601 date; got ${JSON.stringify(input.expiresAt)}`);
  else if (expires.getTime() <= now.getTime()) problems.push(`expiresAt must be in the future; got ${input.expiresAt}`);
  else if (expires.getTime() > now.getTime() + maxDays * DAY_MS) problems.push(`expiresAt may be at most ${maxDays} days ahead; got ${input.expiresAt}`);
  if (input.id !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(input.id)) problems.push('id may hold letters, digits, . _ - (at most 64)');
  if (problems.length > 0) throw new InvalidInputError(`invalid exemption: ${problems.join('; ')}`);
  return {
    id: input.id ?? contentId(scope, input),
    scope,
    scopeDisplay: input.scope.trim(),
    owner: input.owner.trim(),
    approver: input.approver.trim(),
    reason: input.reason.trim(),
    category: input.category as ExemptionRecord['category'],
    expiresAt: (expires as Date).toISOString(),
    createdAt: now.toISOString(),
    createdBy: input.by,
  };
}

/** Default id from the content, so a client retrying the same add replaces rather than duplicates it. */
function contentId(scope: string, input: ExemptionInput): string {
  const digest = createHash('sha256').update(JSON.stringify([scope, input.owner.trim(), input.reason.trim(), input.category, input.expiresAt])).digest('hex');
  return `x-${digest.slice(0, 16)}`;
}

async function reevaluateScope(deps: EnforcerDeps, scope: string, causeId: string): Promise<number> {
  const subscriptionId = scope.split('/')[2] as string;
  const refs = [];
  for await (const finding of deps.findings.list({ subscriptionId })) {
    if (finding.status === 'deleted' || !inScope(finding.key, scope)) continue;
    const ref = parseSiteId(finding.resourceId);
    if (ref) refs.push(ref);
  }
  await reevaluate(deps, refs, causeId);
  return refs.length;
}
