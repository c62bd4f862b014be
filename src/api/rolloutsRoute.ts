import { DEFAULT_ROLLOUT } from '../config/index.js';
import { applyWave, getRollout, groupListerOf, listRollouts, planView, type EnforcerDeps } from '../enforcer/index.js';
import { InvalidInputError } from '../errors.js';
import { methodNotAllowed, parseJsonBody } from './handleApi.js';
import type { ApiRequest, ApiResponse } from './types.js';

/**
 * GET /api/rollouts, GET /api/rollouts/{id}, POST /api/rollouts/{id}/waves/{n}/apply with an
 * optional body {now?: true, dryRun?: true} (or ?now=true): the CLI's list, show and apply.
 */
export async function rolloutsRoute(deps: EnforcerDeps, req: ApiRequest, rest: string[]): Promise<ApiResponse> {
  const [planId, waves, wave, verb, ...extra] = rest;
  if (!planId) {
    if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
    return { status: 200, body: { plans: (await listRollouts(deps)).map(planView) } };
  }
  if (waves === undefined) {
    if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
    return { status: 200, body: planView(await getRollout(deps, planId)) };
  }
  if (waves !== 'waves' || !wave || verb !== 'apply' || extra.length > 0) return { status: 404, body: { error: 'use /api/rollouts/{id}/waves/{n}/apply' } };
  if (req.method !== 'POST') return methodNotAllowed(req.method, 'POST');
  const number = Number(wave);
  if (!Number.isInteger(number) || number < 1) throw new InvalidInputError(`wave must be a whole number of at least 1, got ${wave}`);
  const body = req.body.trim() ? parseJsonBody(req.body) : {};
  const flag = (name: string) => body[name] === true || req.query.get(name) === 'true';
  const result = await applyWave(deps, groupListerOf(deps), {
    planId, wave: number, force: flag('now'), dryRun: flag('dryRun'), by: req.identity.actor, failureThreshold: (deps.rollout ?? DEFAULT_ROLLOUT).failureThreshold,
  });
  return { status: 200, body: result };
}
