import type { EnforcerDeps } from '../enforcer/index.js';
import { InvalidInputError } from '../errors.js';
import { httpStatusFor, publicReason } from '../triggers/index.js';
import { exemptionsRoute } from './exemptionsRoute.js';
import { findingsRoute } from './findingsRoute.js';
import { reportRoute } from './reportRoute.js';
import { rolloutsRoute } from './rolloutsRoute.js';
import { settingsRoute } from './settingsRoute.js';
import { hasRole, requiredRole } from './routeRoles.js';
import type { ApiRequest, ApiResponse } from './types.js';

/** Route /api/* to its resource; every failure becomes a status and a one-line reason. */
export async function handleApi(deps: EnforcerDeps, req: ApiRequest): Promise<ApiResponse> {
  try {
    const [resource, ...rest] = req.path.split('/').filter(Boolean).map(decodePart);
    const role = requiredRole(req.method, resource);
    if (!hasRole(req.identity, role)) {
      deps.log('warn', `API ${req.method} /api/${req.path} refused (403): ${req.identity.actor} lacks role ${role}`);
      return { status: 403, body: { error: `role ${role} required; ${req.identity.actor} has ${req.identity.roles.join(', ') || 'none'}` } };
    }
    if (resource === 'settings') return await settingsRoute(deps, req, rest);
    if (resource === 'exemptions') return await exemptionsRoute(deps, req, rest);
    if (resource === 'findings') return await findingsRoute(deps, req, rest);
    if (resource === 'report') return await reportRoute(deps, req, rest);
    if (resource === 'rollouts') return await rolloutsRoute(deps, req, rest);
    return { status: 404, body: { error: `no API resource '${resource ?? ''}'` } };
  } catch (err) {
    const status = httpStatusFor(err);
    if (status >= 500) deps.log('error', `API ${req.method} /api/${req.path} failed: ${publicReason(err)}`);
    return { status, body: { error: publicReason(err) } };
  }
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidInputError(`malformed path segment: ${part}`);
  }
}

export function parseJsonBody(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError('body must be JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError('body must be a JSON object');
  return value as Record<string, unknown>;
}

export const methodNotAllowed = (method: string, allowed: string): ApiResponse => ({
  status: 405,
  body: { error: `${method} not allowed here; use ${allowed}` },
});
