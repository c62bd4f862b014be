import type { ApiRole } from '../../src/config/index.js';

export const SUB = 'ac0ac0ac-0000-4000-8000-000000000001';
export const SCOPE = `/subscriptions/${SUB}/resourceGroups/rg-api`;

export interface RouteCase {
  method: string;
  path: string;
  body?: unknown;
  role: ApiRole;
}

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

/** Every route of the API with the role it needs (rollouts included): the role matrix's rows. */
export function apiRoutes(): RouteCase[] {
  return [
    { method: 'GET', path: 'settings', role: 'Reader' },
    { method: 'GET', path: `settings/${SUB}`, role: 'Reader' },
    { method: 'PUT', path: `settings/${SUB}`, body: { mode: 'audit' }, role: 'Operator' },
    { method: 'GET', path: 'exemptions', role: 'Reader' },
    { method: 'PUT', path: 'exemptions', body: { scope: SCOPE, id: 'matrix', owner: 'team-a', reason: 'matrix test', category: 'waiver', expiresAt: inAWeek() }, role: 'ExemptionApprover' },
    { method: 'DELETE', path: `exemptions?scope=${encodeURIComponent(SCOPE)}&id=matrix`, role: 'ExemptionApprover' },
    { method: 'GET', path: `findings?subscriptionId=${SUB}`, role: 'Reader' },
    { method: 'GET', path: 'report?format=json', role: 'Reader' },
    { method: 'GET', path: 'rollouts', role: 'Reader' },
    { method: 'GET', path: 'rollouts/no-such-plan', role: 'Reader' },
    { method: 'POST', path: 'rollouts/no-such-plan/waves/1/apply', body: { dryRun: true }, role: 'Operator' },
  ];
}

/** What each column of the matrix holds. */
export const COLUMN_ROLES: Record<'Reader' | 'Operator' | 'ExemptionApprover', ApiRole[]> = {
  Reader: ['Reader'],
  Operator: ['Operator'],
  ExemptionApprover: ['ExemptionApprover'],
};

/** Allowed: the role itself, or Reader (every role may read). */
export function allows(roles: readonly ApiRole[], needed: ApiRole): boolean {
  return needed === 'Reader' ? roles.length > 0 : roles.includes(needed);
}
