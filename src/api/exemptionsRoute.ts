import { addExemption, listExemptions, removeExemption, type EnforcerDeps } from '../enforcer/index.js';
import { InvalidInputError } from '../errors.js';
import { methodNotAllowed, parseJsonBody } from './handleApi.js';
import type { ApiRequest, ApiResponse } from './types.js';

const FIELDS = ['scope', 'id', 'owner', 'approver', 'reason', 'category', 'expiresAt'] as const;

/** GET|PUT /api/exemptions, DELETE /api/exemptions?scope=...&id=... */
export async function exemptionsRoute(deps: EnforcerDeps, req: ApiRequest, rest: string[]): Promise<ApiResponse> {
  if (rest.length > 0) return { status: 404, body: { error: 'use /api/exemptions (scope and id in the body or query)' } };
  if (req.method === 'GET') return { status: 200, body: { exemptions: await listExemptions(deps) } };
  if (req.method === 'PUT') {
    const body = parseJsonBody(req.body);
    const input: Record<string, string> = {};
    for (const field of FIELDS) {
      const value = body[field];
      if (value !== undefined && typeof value !== 'string') throw new InvalidInputError(`${field} must be a string`);
      if (value !== undefined) input[field] = value;
    }
    // The approver is whoever calls (never a client-sent name), and may not approve their own exemption.
    const owner = input.owner?.trim().toLowerCase();
    if (owner && req.identity.aliases.some((a) => a.toLowerCase() === owner)) {
      return { status: 403, body: { error: `${req.identity.actor} cannot approve an exemption naming themself as owner` } };
    }
    const approved = { ...input, approver: req.identity.actor, by: req.identity.actor } as unknown as Parameters<typeof addExemption>[1];
    const result = await addExemption(deps, approved, deps.remediation.exemptionMaxDays);
    return { status: 200, body: result };
  }
  if (req.method === 'DELETE') {
    const scope = req.query.get('scope');
    const id = req.query.get('id');
    if (!scope || !id) throw new InvalidInputError('DELETE needs ?scope= and &id=');
    const result = await removeExemption(deps, scope, id, req.identity.actor);
    return { status: result.removed ? 200 : 404, body: result };
  }
  return methodNotAllowed(req.method, 'GET, PUT or DELETE');
}
