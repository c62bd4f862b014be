import type { IncomingMessage, ServerResponse } from 'node:http';
import { isCloudEventsOptionsHandshake, optionsHandshakeResponse } from '../events/index.js';
import type { EnforcerDeps } from '../enforcer/index.js';
import { httpStatusFor, processDelivery, publicReason } from '../triggers/index.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { sendJson } from './sendJson.js';

type Headers = Record<string, string | undefined>;

/**
 * The Event Grid webhook protocol, as the Functions host speaks it at /runtime/webhooks/eventgrid:
 * both handshakes, batches, 200 once processed, 503 on transient failure (Event Grid retries),
 * 400 for a body it cannot parse (Event Grid does not retry), 413 past the size cap.
 */
export async function serveEventGridWebhook(deps: EnforcerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = flatHeaders(req);
  if (req.method === 'OPTIONS' && isCloudEventsOptionsHandshake(req.method, headers)) {
    const answer = optionsHandshakeResponse(headers);
    res.writeHead(200, answer).end();
    return;
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
  try {
    const body = await readBody(req);
    const result = await processDelivery(deps, body, headers);
    if (result.kind === 'validation') return sendJson(res, 200, result.response);
    return sendJson(res, 200, { outcomes: result.outcomes, ignored: result.ignored, invalid: result.invalid });
  } catch (err) {
    const status = err instanceof BodyTooLargeError ? 413 : httpStatusFor(err);
    if (status >= 500) deps.log('error', `webhook delivery failed: ${publicReason(err)}`);
    return sendJson(res, status, { error: publicReason(err) });
  }
}

function flatHeaders(req: IncomingMessage): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(req.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  return out;
}
