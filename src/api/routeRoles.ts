import type { ApiRole } from '../config/index.js';
import type { ApiIdentity } from './identity.js';

/**
 * The role a request needs: GET routes Reader; settings changes and rollout actions Operator;
 * adding and removing exemptions ExemptionApprover. Every role may read.
 */
export function requiredRole(method: string, resource: string | undefined): ApiRole {
  if (method === 'GET' || method === 'HEAD') return 'Reader';
  if (resource === 'exemptions') return 'ExemptionApprover';
  if (resource === 'settings' || resource === 'rollouts') return 'Operator';
  return 'Reader';
}

export function hasRole(identity: ApiIdentity, role: ApiRole): boolean {
  return role === 'Reader' ? identity.roles.length > 0 : identity.roles.includes(role);
}
