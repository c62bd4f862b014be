import functions, { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => import('../src/triggers/index.js');

/** /api/settings, /api/exemptions, /api/findings, /api/report, /api/rollouts: one shared handler (src/triggers). */
export async function api(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const { handleApiRequest } = await load();
  return handleApiRequest(request, context);
}

for (const [name, route, methods] of [
  ['settings', 'settings/{subscriptionId?}', ['GET', 'PUT']],
  ['exemptions', 'exemptions', ['GET', 'PUT', 'DELETE']],
  ['findings', 'findings', ['GET']],
  ['report', 'report', ['GET']],
  ['rollouts', 'rollouts/{planId?}', ['GET']],
  ['rolloutWaveApply', 'rollouts/{planId}/waves/{wave}/apply', ['POST']],
] as const) {
  functions.app.http(name, { route, methods: [...methods], authLevel: 'function', handler: api });
}
