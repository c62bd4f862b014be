import functions, { type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { MAX_API_BODY_BYTES } from '../src/api/limits.js';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => Promise.all([import('../src/api/index.js'), import('../src/triggers/index.js')]);


/**
 * /api/settings, /api/exemptions, /api/findings, /api/report, /api/rollouts: one shared handler.
 * The Functions host checks the function key (authLevel function) before this runs; who calls comes
 * from X-ARR-ClientCert (validated here: App Service checks nothing) and, with MTLS_API_AUTH=entra,
 * X-MS-CLIENT-PRINCIPAL.
 */
export async function api(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const [{ serveApi, certificateFromHeader }, { contextLog, sharedRuntime }] = await load();
  const log = contextLog(context);
  const { deps, config } = await sharedRuntime(log);
  const url = new URL(request.url);
  const tooLarge = { status: 413, jsonBody: { error: `body over ${MAX_API_BODY_BYTES} bytes` } };
  if (Number(request.headers.get('content-length') ?? 0) > MAX_API_BODY_BYTES) return tooLarge;
  // A chunked body declares no length: measure what was read.
  const body = request.body ? await request.text() : '';
  if (Buffer.byteLength(body) > MAX_API_BODY_BYTES) return tooLarge;
  const creds = {
    certificate: certificateFromHeader(request.headers.get('x-arr-clientcert')),
    principal: request.headers.get('x-ms-client-principal'),
    key: true,
    keyHolder: 'function key holder',
  };
  const answer = await serveApi({ ...deps, log }, config.api, creds, { method: request.method, path: url.pathname.replace(/^\/api\//, ''), query: url.searchParams, body });
  if (answer.contentType) return { status: answer.status, body: String(answer.body), headers: { 'content-type': answer.contentType } };
  return { status: answer.status, jsonBody: answer.body };
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
