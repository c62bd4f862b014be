import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { agentTrusting, trustExtraCaPolicy, makeEmulatorToken, staticTokenCredential, type Emulator, type TokenIdentity } from '../../tools/arm-emulator/src/emulator/index.js';

export const ALICE: TokenIdentity = { oid: 'a11ce000-0000-4000-8000-000000000001', appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', name: 'Alice Admin', upn: 'alice@contoso.example' };

/** The real SDK client against the emulator: only endpoint, credential and TLS trust differ from Azure. */
export function sdkClient(emu: Emulator, subscriptionId: string, options: { identity?: TokenIdentity; token?: string; maxRetries?: number } = {}): WebSiteManagementClient {
  const token = options.token ?? makeEmulatorToken(options.identity ?? ALICE);
  return new WebSiteManagementClient(staticTokenCredential(token), subscriptionId, {
    endpoint: emu.url,
    additionalPolicies: [{ policy: trustExtraCaPolicy(emu.caCertPem), position: 'perCall' }],
    retryOptions: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  });
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: unknown;
}

const agents = new WeakMap<Emulator, https.Agent>();
const agentFor = (emu: Emulator): https.Agent => {
  let agent = agents.get(emu);
  if (!agent) agents.set(emu, (agent = agentTrusting(emu.caCertPem)));
  return agent;
};

/** A plain HTTPS request to the emulator (trusting its certificate), for what the SDK hides. */
export function rawRequest(emu: Emulator, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, emu.url), { method, agent: agentFor(emu), headers: { 'content-type': 'application/json', ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: body ? (JSON.parse(body) as unknown) : undefined });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

export const bearer = (identity: TokenIdentity = ALICE) => ({ authorization: `Bearer ${makeEmulatorToken(identity)}` });

export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface TestWebhook {
  url: string;
  received: ReceivedDelivery[];
  handshakes: number;
  /** Status to answer the next notifications with (queue, then 200). */
  answers: number[];
  stop(): Promise<void>;
}

/**
 * A small webhook as a function app would be: answers Event Grid's validation event and the
 * CloudEvents OPTIONS handshake, records notifications.
 */
export async function startWebhook(options: { validate?: boolean } = {}): Promise<TestWebhook> {
  const hook: TestWebhook = { url: '', received: [], handshakes: 0, answers: [], stop: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(hook, options.validate !== false, req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events?code=secret`;
  hook.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return hook;
}

function answer(hook: TestWebhook, validate: boolean, req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
  if (req.method === 'OPTIONS') {
    hook.handshakes++;
    res.writeHead(200, validate ? { 'webhook-allowed-origin': String(req.headers['webhook-request-origin']) } : {}).end();
    return;
  }
  const body = JSON.parse(text) as Array<{ data?: { validationCode?: string } }>;
  if (req.headers['aeg-event-type'] === 'SubscriptionValidation') {
    hook.handshakes++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ validationResponse: validate ? body[0]?.data?.validationCode : 'wrong' }));
    return;
  }
  hook.received.push({ headers: req.headers, body });
  res.writeHead(hook.answers.shift() ?? 200).end();
}
