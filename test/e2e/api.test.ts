import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { cliIo } from '../support/cliIo.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, HOST_KEY, startStack, type Stack } from '../support/stack.js';
import { httpsCall } from '../support/httpsCall.js';
import { arrHeader, makeCa, makeServerCertificate, type Pem } from '../support/testCertificates.js';
import { allows, apiRoutes, SCOPE, SUB, type RouteCase } from '../api/apiRoutes.js';
import { apiSettings, BAD_REASONS, makeCertificateSet, type CertificateSet } from '../api/certificateSet.js';

// The local host as `npm start` serves it: HTTPS with requestCert, the API's certificate gate on the TLS peer certificate.
const APP = siteId(SUB, 'rg-api', 'api-app');
let stack: Stack;
let certs: CertificateSet;
let hostCa: Pem;

beforeAll(async () => {
  certs = await makeCertificateSet();
  hostCa = await makeCa('local host CA');
  stack = await startStack({
    seed: { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-api', name: 'api-app', clientCertEnabled: true, clientCertMode: 'Required' }] }] },
    env: apiSettings(certs),
    tls: await makeServerCertificate(hostCa),
    // Event deliveries reach the HTTPS host with a client certificate of the trusted CA (issue 15, item 5).
    subscribe: false,
  });
  await stack.emu.subscribeWebhook({ url: stack.host.webhookUrl, schema: 'eventgrid', caCertPem: hostCa.cert, clientCertificate: certs.unmapped });
});

afterAll(async () => {
  await stack?.stop();
});

function call(route: Pick<RouteCase, 'method' | 'path' | 'body'>, cert: Pem | undefined, headers: Record<string, string> = {}) {
  const body = route.body === undefined ? undefined : typeof route.body === 'string' ? route.body : JSON.stringify(route.body);
  return httpsCall(`${stack.host.url}/api/${route.path}`, { method: route.method, ca: hostCa.cert, ...(cert ? { cert } : {}), headers, ...(body === undefined ? {} : { body }) });
}

const thumbprintOf = (pem: Pem) => new X509Certificate(pem.cert).fingerprint256.replace(/:/g, '');
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('client certificates on the local host (TLS peer certificate)', () => {
  it('serves HTTPS', () => {
    expect(stack.host.url).toMatch(/^https:\/\//);
  });

  it.each(Object.keys(BAD_REASONS) as Array<keyof typeof BAD_REASONS>)('refuses a %s certificate on every route with 403 and its reason, even with the key', async (name) => {
    for (const route of apiRoutes()) {
      const res = await call(route, certs.bad[name], { 'x-functions-key': HOST_KEY });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect(json(res.text).error).toMatch(BAD_REASONS[name]);
    }
    expect(await stack.deps.settings.get(SUB)).toBeUndefined();
  });

  it('refuses a connection without a client certificate with 403, and accepts a pinned one', async () => {
    expect((await call({ method: 'GET', path: 'settings' }, undefined, { 'x-functions-key': HOST_KEY })).status).toBe(403);
    expect((await call({ method: 'GET', path: 'settings' }, certs.pinned)).status).toBe(200);
  });

  it('ignores a forged X-ARR-ClientCert: the TLS peer certificate decides', async () => {
    const forged = { 'x-arr-clientcert': arrHeader(certs.operator) };
    expect((await call({ method: 'PUT', path: `settings/${SUB}`, body: { mode: 'off' } }, certs.reader, forged)).status).toBe(403);
    expect((await call({ method: 'GET', path: 'settings' }, certs.bad.otherCa, forged)).status).toBe(403);
    expect(await stack.deps.settings.get(SUB)).toBeUndefined();
  });

  it('ignores a forged X-MS-CLIENT-PRINCIPAL', async () => {
    const principal = Buffer.from(JSON.stringify({ claims: [{ typ: 'preferred_username', val: 'mallory@contoso.example' }, { typ: 'roles', val: 'Operator' }] })).toString('base64');
    expect((await call({ method: 'PUT', path: `settings/${SUB}`, body: { mode: 'off' } }, certs.reader, { 'x-ms-client-principal': principal })).status).toBe(403);
  });
});

describe('role matrix on the local host', () => {
  it('answers every route x {no identity, Reader, Operator, ExemptionApprover, key} as the roles say', async () => {
    const columns = [
      ['Reader', certs.reader, {}, ['Reader']],
      ['Operator', certs.operator, {}, ['Operator']],
      ['ExemptionApprover', certs.approver, {}, ['ExemptionApprover']],
      ['key', certs.unmapped, { 'x-functions-key': HOST_KEY }, ['Reader']],
    ] as const;
    for (const route of apiRoutes()) {
      // A valid certificate without a role and without a key: nobody in particular.
      expect((await call(route, certs.unmapped)).status, `none ${route.method} ${route.path}`).toBe(401);
      for (const [column, cert, headers, roles] of columns) {
        const { status } = await call(route, cert, headers);
        const label = `${column} ${route.method} ${route.path} -> ${status}`;
        if (allows(roles, route.role)) {
          expect([401, 403], label).not.toContain(status);
          expect(status, label).toBeLessThan(500);
        } else {
          expect(status, label).toBe(403);
        }
      }
    }
  });
});

describe('settings and exemptions over HTTPS and the CLI, with who did it', () => {
  it('changes the mode, recording the certificate identity (never a client-supplied name)', async () => {
    const res = await call({ method: 'PUT', path: `settings/${SUB}`, body: { mode: 'enforce' } }, certs.operator, { 'x-ms-client-principal-name': 'carol@contoso.example' });

    expect(res.status).toBe(200);
    const actor = `CN=operator (certificate ${thumbprintOf(certs.operator)})`;
    expect(json(res.text)).toMatchObject({ mode: 'enforce', explicit: true, updatedBy: actor });
    expect((await stack.deps.settings.history(SUB))[0]).toMatchObject({ by: actor, to: 'enforce' });
    // The report names who set the mode.
    const report = await call({ method: 'GET', path: 'report?format=markdown' }, certs.reader);
    expect(report.status).toBe(200);
    expect(report.text).toContain(actor);
  });

  it.each([
    ['a non-GUID id', 'settings/not-a-guid', { mode: 'audit' }],
    ['an unknown mode', `settings/${SUB}`, { mode: 'sometimes' }],
    ['a body that is not JSON', `settings/${SUB}`, '{mode'],
    ['an unknown allowed mode', `settings/${SUB}`, { mode: 'audit', allowedModes: ['Never'] }],
  ])('answers 400 for %s and changes nothing', async (_name, path, body) => {
    const res = await call({ method: 'PUT', path, body }, certs.operator);

    expect(res.status).toBe(400);
    expect(json(res.text).error).toMatch(/\w/);
    expect((await stack.deps.settings.get(SUB))?.mode).toBe('enforce');
  });

  it('changes the mode from the CLI through the same use case', async () => {
    const io = cliIo({ ...stack.env, MTLS_ACTOR: 'dave@contoso.example' });

    expect(await runCli(['settings', 'set', SUB, '--mode', 'audit', '--allow-modes', 'Required,Optional', '--json'], io)).toBe(0);

    expect(JSON.parse(io.out)).toMatchObject({ mode: 'audit', allowedModes: ['Required', 'Optional'], updatedBy: 'dave@contoso.example' });
    expect(json((await call({ method: 'GET', path: `settings/${SUB}` }, certs.reader)).text)).toMatchObject({ mode: 'audit' });
  });

  it('reaches the HTTPS host with events: the emulator presents a client certificate', async () => {
    stack.emu.userWrite(APP, { clientCertMode: 'Optional' }, ALICE);
    await stack.settle();

    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('compliant');
  });

  it('adds an exemption, approved by the caller (the body\'s approver is ignored), re-evaluating what it covers', async () => {
    await call({ method: 'PUT', path: `settings/${SUB}`, body: { mode: 'audit', allowedModes: ['Required'] } }, certs.operator);
    stack.emu.userWrite(APP, { clientCertEnabled: false }, ALICE);
    await stack.settle();
    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('noncompliant');

    const body = { scope: SCOPE, id: 'vendor', owner: 'team@x.example', approver: 'ciso@x.example', reason: 'gateway does mTLS', category: 'mitigated', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() };
    const res = await call({ method: 'PUT', path: 'exemptions', body }, certs.approver);

    expect(res.status).toBe(200);
    expect(json(res.text)).toMatchObject({ reevaluated: 1 });
    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('exempt');
    const list = json((await call({ method: 'GET', path: 'exemptions' }, certs.reader)).text) as { exemptions: Array<{ id: string; approver: string }> };
    expect(list.exemptions).toEqual([expect.objectContaining({ id: 'vendor', approver: `CN=approver (certificate ${thumbprintOf(certs.approver)})` })]);
  });

  it('refuses an approver approving an exemption that names them as owner', async () => {
    const body = { scope: APP, owner: 'approver@contoso.example', reason: 'mine', category: 'waiver', expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    const res = await call({ method: 'PUT', path: 'exemptions', body }, certs.approver);

    expect(res.status).toBe(403);
    expect(json(res.text).error).toMatch(/naming themself as owner/);
  });

  it.each([
    ['no expiry', { expiresAt: undefined }],
    ['a past expiry', { expiresAt: '2020-01-01' }],
    ['an expiry past the maximum', { expiresAt: '2099-01-01' }],
    ['a bad scope', { scope: '/subscriptions/not-a-guid' }],
    ['a bad category', { category: 'forever' }],
  ])('answers 400 for %s', async (_name, change) => {
    const base = { scope: APP, owner: 'o@x.example', reason: 'r', category: 'waiver', expiresAt: new Date(Date.now() + 86_400_000).toISOString() };

    expect((await call({ method: 'PUT', path: 'exemptions', body: { ...base, ...change } }, certs.approver)).status).toBe(400);
  });

  it('removes one from the CLI, which re-evaluates and keeps history', async () => {
    const io = cliIo({ ...stack.env, MTLS_ACTOR: 'erin@contoso.example' });

    expect(await runCli(['exemptions', 'remove', '--scope', SCOPE, '--id', 'vendor'], io)).toBe(0);

    expect(io.out).toContain('re-evaluated 1');
    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('noncompliant');
    const history = await stack.deps.register.history(SCOPE.toLowerCase());
    expect(history.filter((h) => h.record.id === 'vendor').map((h) => [h.action, h.by])).toEqual([['removed', 'erin@contoso.example'], ['added', `CN=approver (certificate ${thumbprintOf(certs.approver)})`]]);
  });
});
