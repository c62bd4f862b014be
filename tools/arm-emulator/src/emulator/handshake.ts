import { randomUUID } from 'node:crypto';
import { redactUrl, sendRequest, type SendOptions } from './httpPost.js';

export interface HandshakeTarget {
  url: string;
  headers?: Record<string, string>;
  caCertPem?: string;
  clientCertificate?: { cert: string; key: string };
}

const sendOptions = (t: HandshakeTarget): SendOptions => ({
  timeoutMs: 30_000,
  ...(t.caCertPem ? { caCertPem: t.caCertPem } : {}),
  ...(t.clientCertificate ? { clientCertificate: t.clientCertificate } : {}),
});

/**
 * Event Grid schema: POST a SubscriptionValidationEvent (header `aeg-event-type: SubscriptionValidation`)
 * and require `{ validationResponse: <code> }` back. Throws when the endpoint does not prove itself.
 */
export async function eventGridHandshake(target: HandshakeTarget, topic: string): Promise<void> {
  const code = randomUUID();
  const event = {
    id: randomUUID(),
    topic,
    subject: '',
    data: {
      validationCode: code,
      validationUrl: `https://rp-westeurope.eventgrid.azure.net:553/eventsubscriptions/emulator/validate?id=${code}&t=${encodeURIComponent(new Date().toISOString())}&apiVersion=2018-05-01-preview&token=emulator`,
    },
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: new Date().toISOString(),
    metadataVersion: '1',
    dataVersion: '1',
  };
  const headers = { ...target.headers, 'content-type': 'application/json; charset=utf-8', 'aeg-event-type': 'SubscriptionValidation' };
  const res = await sendRequest('POST', target.url, headers, JSON.stringify([event]), sendOptions(target)).catch(unreachable(target));
  if (res.status !== 200 || validationResponse(res.body) !== code) {
    throw new Error(`webhook ${redactUrl(target.url)} failed the Event Grid validation handshake (HTTP ${res.status})`);
  }
}

/** CloudEvents 1.0 abuse protection: OPTIONS with `WebHook-Request-Origin`; the answer must allow that origin. */
export async function cloudEventsHandshake(target: HandshakeTarget): Promise<void> {
  const headers = { ...target.headers, 'webhook-request-origin': 'eventgrid.azure.net', 'webhook-request-rate': '120' };
  const res = await sendRequest('OPTIONS', target.url, headers, undefined, sendOptions(target)).catch(unreachable(target));
  const allowed = String(res.headers['webhook-allowed-origin'] ?? '').toLowerCase();
  const ok = res.status >= 200 && res.status <= 204 && (allowed === '*' || allowed.split(',').map((s) => s.trim()).includes('eventgrid.azure.net'));
  if (!ok) throw new Error(`webhook ${redactUrl(target.url)} failed the CloudEvents abuse-protection handshake (HTTP ${res.status})`);
}

function validationResponse(body: string): unknown {
  try {
    const answer: unknown = JSON.parse(body);
    return typeof answer === 'object' && answer !== null ? (answer as { validationResponse?: unknown }).validationResponse : undefined;
  } catch {
    return undefined;
  }
}

const unreachable = (target: HandshakeTarget) => (err: unknown): never => {
  throw new Error(`webhook ${redactUrl(target.url)} is unreachable for the handshake: ${err instanceof Error ? err.message : String(err)}`);
};
