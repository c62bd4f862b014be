import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { certificateFromHeader, MAX_API_BODY_BYTES, serveApi } from '../api/index.js';
import { contextLog } from './contextLog.js';
import { sharedRuntime } from './runtime.js';

/**
 * The Functions HTTP API: the host has checked the function key (authLevel function); who calls
 * comes from X-ARR-ClientCert (validated here: App Service checks nothing) and, with
 * MTLS_API_AUTH=entra, X-MS-CLIENT-PRINCIPAL.
 */
export async function handleApiRequest(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const log = contextLog(context);
  const tooLarge = { status: 413, jsonBody: { error: `body over ${MAX_API_BODY_BYTES} bytes` } };
  if (Number(request.headers.get('content-length') ?? 0) > MAX_API_BODY_BYTES) return tooLarge;
  const { deps, config } = await sharedRuntime(log);
  const url = new URL(request.url);
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
