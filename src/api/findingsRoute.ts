import { checkSubscriptionId, type EnforcerDeps } from '../enforcer/index.js';
import type { Finding } from '../model/index.js';
import { methodNotAllowed } from './handleApi.js';
import type { ApiRequest, ApiResponse } from './types.js';

/** GET /api/findings[?subscriptionId=&status=]: current findings. */
export async function findingsRoute(deps: EnforcerDeps, req: ApiRequest, rest: string[]): Promise<ApiResponse> {
  if (rest.length > 0) return { status: 404, body: { error: 'use /api/findings' } };
  if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
  const sub = req.query.get('subscriptionId');
  const status = req.query.get('status');
  const findings: Finding[] = [];
  for await (const f of deps.findings.list(sub ? { subscriptionId: checkSubscriptionId(sub) } : {})) {
    if (!status || f.status === status) findings.push(f);
  }
  return { status: 200, body: { count: findings.length, findings } };
}
