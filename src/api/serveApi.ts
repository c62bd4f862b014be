import type { EnforcerDeps } from '../enforcer/index.js';
import type { ApiAccessConfig } from '../config/index.js';
import { handleApi } from './handleApi.js';
import { apiAccess, identifyCaller, type CallerCredentials } from './identity.js';
import type { ApiRequest, ApiResponse } from './types.js';

/**
 * The API's front door, shared by the Functions HTTP trigger and the local host: who calls
 * (certificate gate, then identity), then the route with its role check. A refusal is logged
 * with its reason, never the certificate.
 */
export async function serveApi(deps: EnforcerDeps, access: ApiAccessConfig, creds: CallerCredentials, req: Omit<ApiRequest, 'identity'>): Promise<ApiResponse> {
  const admission = identifyCaller(apiAccess(access), creds, deps.clock());
  if (!admission.ok) {
    deps.log('warn', `API ${req.method} /api/${req.path} refused (${admission.status}): ${admission.reason}`);
    return { status: admission.status, body: { error: admission.reason } };
  }
  return handleApi(deps, { ...req, identity: admission.identity });
}
