import { getSubscriptionSettings, listSubscriptionSettings, setSubscriptionSettings, type EnforcerDeps } from '../enforcer/index.js';
import { InvalidInputError } from '../errors.js';
import { methodNotAllowed, parseJsonBody } from './handleApi.js';
import type { ApiRequest, ApiResponse } from './types.js';

/** GET /api/settings, GET|PUT /api/settings/{subscriptionId} with body {mode, allowedModes?}. */
export async function settingsRoute(deps: EnforcerDeps, req: ApiRequest, rest: string[]): Promise<ApiResponse> {
  if (rest.length === 0) {
    if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
    return { status: 200, body: { settings: await listSubscriptionSettings(deps), defaultMode: deps.remediation.defaultMode } };
  }
  if (rest.length > 1) return { status: 404, body: { error: 'use /api/settings/{subscriptionId}' } };
  const subscriptionId = rest[0] as string;
  if (req.method === 'GET') return { status: 200, body: await getSubscriptionSettings(deps, subscriptionId) };
  if (req.method !== 'PUT') return methodNotAllowed(req.method, 'GET or PUT');
  const body = parseJsonBody(req.body);
  if (typeof body.mode !== 'string') throw new InvalidInputError('body.mode is required: off, audit or enforce');
  const allowedModes = body.allowedModes;
  if (allowedModes !== undefined && !(Array.isArray(allowedModes) && allowedModes.every((m) => typeof m === 'string'))) {
    throw new InvalidInputError('body.allowedModes must be an array of strings');
  }
  const change = { subscriptionId, mode: body.mode, by: req.identity.actor, ...(allowedModes ? { allowedModes: allowedModes as string[] } : {}) };
  return { status: 200, body: await setSubscriptionSettings(deps, change) };
}
