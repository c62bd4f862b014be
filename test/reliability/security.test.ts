import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api } from '../../functions/api.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { startLocalHost, type LocalHost } from '../../src/host/index.js';
import { ALICE, HOST_KEY, startStack, type Stack } from '../support/stack.js';
import { arrHeader, makeCertificate, type Pem } from '../support/testCertificates.js';

// Gaps left by test/e2e/api.test.ts (401 on settings) and driftDetection.test.ts (401 and 413 on the webhook):
// every route and method, every way of passing a key, an unset key, streamed bodies, handshakes, settings input.
const SUB = '5ec00000-0000-4000-8000-000000000001';
const APP = siteId(SUB, 'rg', 'app');
let stack: Stack;

let pinned: Pem;

beforeAll(async () => {
  // The key here is automation with every role, so input checks are reached (roles: test/api, test/e2e/api.test.ts).
  pinned = await makeCertificate({ cn: 'security-test' });
  const env = { MTLS_API_KEY_ROLES: 'Reader,Operator,ExemptionApprover', MTLS_API_CLIENT_THUMBPRINTS: new X509Certificate(pinned.cert).fingerprint256 };
  stack = await startStack({ env, subscribe: false, seed: { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg', name: 'app', clientCertEnabled: true, clientCertMode: 'Required' }] }] } });
});

afterAll(async () => {
  await stack?.stop();
});

const ROUTES: Array<[string, string]> = [
  ['GET', '/api/settings'],
  ['GET', `/api/settings/${SUB}`],
  ['PUT', `/api/settings/${SUB}`],
  ['GET', '/api/exemptions'],
  ['PUT', '/api/exemptions'],
  ['DELETE', '/api/exemptions'],
  ['GET', '/api/findings'],
  ['GET', '/api/report'],
  ['POST', '/runtime/webhooks/eventgrid'],
  ['OPTIONS', '/runtime/webhooks/eventgrid'],
  ['GET', '/api/no-such-route'],
  ['GET', '/'],
];

const WRONG_KEYS: Array<[string, Record<string, string>, string]> = [
  ['no key', {}, ''],
  ['an empty header', { 'x-functions-key': '' }, ''],
  ['an empty code', {}, '?code='],
  ['a wrong key', { 'x-functions-key': 'wrong-key-0123456789abcdef' }, ''],
  ['the key with a character missing', { 'x-functions-key': HOST_KEY.slice(0, -1) }, ''],
  ['the key with a character added', { 'x-functions-key': `${HOST_KEY}x` }, ''],
  ['the key in upper case', { 'x-functions-key': HOST_KEY.toUpperCase() }, ''],
  ['a wrong header with the right code (the header decides)', { 'x-functions-key': 'wrong' }, `?code=${encodeURIComponent(HOST_KEY)}`],
];

async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json', 'webhook-request-origin': 'eventgrid.azure.net', ...headers } };
  if (body !== undefined) init.body = body;
  return fetch(`${stack.host.url}${path}`, init);
}

async function settingsRows(): Promise<number> {
  let n = 0;
  for await (const _ of stack.deps.settings.list()) n++;
  return n;
}

describe('every HTTP endpoint needs the key', () => {
  it.each(ROUTES)('%s %s answers 401 to every wrong or missing key, and changes nothing', async (method, path) => {
    const before = await settingsRows();
    for (const [name, headers, query] of WRONG_KEYS) {
      const body = method === 'GET' || method === 'OPTIONS' ? undefined : JSON.stringify({ mode: 'off' });
      const res = await send(method, `${path}${query}`, headers, body);
      expect(res.status, name).toBe(401);
      expect(await res.text(), name).not.toContain(HOST_KEY);
    }
    expect(await settingsRows()).toBe(before);
  });

  it('accepts the key as the x-functions-key header or the code query parameter', async () => {
    expect((await send('GET', '/api/settings', { 'x-functions-key': HOST_KEY })).status).toBe(200);
    expect((await send('GET', `/api/settings?code=${encodeURIComponent(HOST_KEY)}`)).status).toBe(200);
    expect((await send('GET', '/health')).status).toBe(200);
  });

  it('lets nobody in when the host is started with an empty key', async () => {
    const open: LocalHost = await startLocalHost({ deps: stack.deps, key: '' });
    try {
      for (const headers of [{}, { 'x-functions-key': '' }] as Array<Record<string, string>>) {
        expect((await fetch(`${open.url}/api/settings`, { headers })).status).toBe(401);
        expect((await fetch(`${open.url}/api/settings?code=`, { headers })).status).toBe(401);
      }
    } finally {
      await open.stop();
    }
  });

  it('compares keys in constant time: fixed-length digests through timingSafeEqual, no string comparison', () => {
    const source = readFileSync(new URL('../../src/host/keyCheck.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/timingSafeEqual\(\s*a,\s*b\s*\)/);
    expect(source).toMatch(/createHash\('sha256'\)\.update\(given\)/);
    expect(source).toMatch(/createHash\('sha256'\)\.update\(expected\)/);
    expect(source).not.toMatch(/given\s*[!=]==?\s*expected|expected\s*[!=]==?\s*given/);
  });

  it('registers every Azure Functions HTTP trigger with authLevel function', () => {
    const source = readFileSync(new URL('../../functions/api.ts', import.meta.url), 'utf8');
    const registrations = source.match(/functions\.app\.http\([^)]*\)/g) ?? [];
    expect(registrations.length).toBeGreaterThan(0);
    for (const r of registrations) expect(r).toContain("authLevel: 'function'");
    expect(source).not.toContain('anonymous');
  });
});

describe('request bodies are capped', () => {
  /** A body sent in chunks with no content-length, so only the streaming cap can stop it. */
  function streamed(path: string, method: string, bytes: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${stack.host.url}${path}`);
      const req = http.request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, headers: { 'x-functions-key': HOST_KEY, 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The server may answer and close before the whole body is sent: that is the point.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
      const chunk = Buffer.alloc(16 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
  }

  it('answers 413 past 64 KiB on the API, declared or streamed, and writes nothing', async () => {
    const before = await settingsRows();
    const big = JSON.stringify({ mode: 'off', pad: 'x'.repeat(70 * 1024) });

    expect((await send('PUT', `/api/settings/${SUB}`, { 'x-functions-key': HOST_KEY }, big)).status).toBe(413);
    expect(await streamed(`/api/settings/${SUB}`, 'PUT', 200 * 1024)).toBe(413);
    expect(await settingsRows()).toBe(before);
  });

  it('answers 413 in the Azure Functions API to a body past 64 KiB that declares no length (chunked)', async () => {
    for (const [name, value] of Object.entries(stack.env)) vi.stubEnv(name, value);
    try {
      const before = await settingsRows();
      const put = (text: string) => api(new HttpRequest({ method: 'PUT', url: `https://enforcer.example/api/settings/${SUB}`, headers: { 'x-arr-clientcert': arrHeader(pinned) }, body: { string: text } }), new InvocationContext({ functionName: 'settings' }));

      const big = await put(JSON.stringify({ mode: 'off', pad: 'x'.repeat(70 * 1024) }));
      expect(big.status).toBe(413);
      expect(await settingsRows()).toBe(before);
      expect((await put(JSON.stringify({ mode: 'audit' }))).status).toBe(200);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('answers 413 to a streamed webhook body past the delivery cap', async () => {
    expect(await streamed('/runtime/webhooks/eventgrid', 'POST', 1_300_000)).toBe(413);
  });
});

describe('the webhook follows the handshake rules', () => {
  const key = { 'x-functions-key': HOST_KEY };
  const validation = (code?: string) => ({
    id: 'v-1',
    topic: `/subscriptions/${SUB}`,
    subject: '',
    data: code === undefined ? {} : { validationCode: code, validationUrl: 'https://rp-westus.eventgrid.azure.net/validate' },
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: '2026-11-27T00:00:00Z',
    metadataVersion: '1',
    dataVersion: '2',
  });

  it('answers the CloudEvents OPTIONS handshake only when it names its origin', async () => {
    const ok = await send('OPTIONS', '/runtime/webhooks/eventgrid', key);
    const noOrigin = await fetch(`${stack.host.url}/runtime/webhooks/eventgrid`, { method: 'OPTIONS', headers: key });

    expect(ok.status).toBe(200);
    expect(ok.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
    expect(noOrigin.status).not.toBe(200);
    expect(noOrigin.headers.get('webhook-allowed-origin')).toBeNull();
  });

  it('echoes a validation code only for a lone, well-formed validation event', async () => {
    const alone = await send('POST', '/runtime/webhooks/eventgrid', key, JSON.stringify([validation('code-1')]));
    const noCode = await send('POST', '/runtime/webhooks/eventgrid', key, JSON.stringify([validation()]));
    const write = stack.events.length;
    stack.emu.userWrite(APP, { httpsOnly: true }, ALICE);
    const inBatch = await send('POST', '/runtime/webhooks/eventgrid', key, JSON.stringify([validation('code-2'), stack.events[write]]));

    expect(await alone.json()).toEqual({ validationResponse: 'code-1' });
    expect(noCode.status).toBe(200);
    expect(await noCode.json()).toMatchObject({ outcomes: [], invalid: 1 });
    const batch = (await inBatch.json()) as Record<string, unknown>;
    expect(batch).not.toHaveProperty('validationResponse');
    expect(batch).toMatchObject({ ignored: 1, invalid: 0 });
  });

  it('refuses other methods', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) expect((await send(method, '/runtime/webhooks/eventgrid', key)).status).toBe(405);
  });
});

describe('the settings API accepts only GUID subscription ids and known modes', () => {
  const key = { 'x-functions-key': HOST_KEY };
  const bad: Array<[string, string, unknown]> = [
    ['a name for an id', '/api/settings/production', { mode: 'off' }],
    ['a GUID with a suffix', `/api/settings/${SUB}x`, { mode: 'off' }],
    ['a path that climbs', `/api/settings/..%2F..%2F${SUB}`, { mode: 'off' }],
    ['an encoded slash in the id', `/api/settings/${SUB}%2Fslots`, { mode: 'off' }],
    ['a malformed escape', '/api/settings/%E0%A4%A', { mode: 'off' }],
    ['an unknown mode', `/api/settings/${SUB}`, { mode: 'disabled' }],
    ['a mode in another case', `/api/settings/${SUB}`, { mode: 'OFF' }],
    ['a mode that is not a string', `/api/settings/${SUB}`, { mode: ['off'] }],
    ['no mode', `/api/settings/${SUB}`, {}],
    ['an unknown allowed mode', `/api/settings/${SUB}`, { mode: 'enforce', allowedModes: ['Ignore'] }],
    ['an empty allowed-mode list', `/api/settings/${SUB}`, { mode: 'enforce', allowedModes: [] }],
    ['a body that is not JSON', `/api/settings/${SUB}`, 'mode=off'],
    ['a JSON array body', `/api/settings/${SUB}`, ['off']],
  ];

  it.each(bad)('rejects %s with 400 or 404 and writes nothing', async (_name, path, body) => {
    const before = await settingsRows();

    const res = await send('PUT', path, key, typeof body === 'string' ? body : JSON.stringify(body));

    expect([400, 404]).toContain(res.status);
    expect(((await res.json()) as { error?: string }).error).toMatch(/\w/);
    expect(await settingsRows()).toBe(before);
  });

  it('accepts a GUID and a known mode', async () => {
    const res = await send('PUT', `/api/settings/${SUB.toUpperCase()}`, key, JSON.stringify({ mode: 'audit' }));

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ subscriptionId: SUB, mode: 'audit' });
  });
});
