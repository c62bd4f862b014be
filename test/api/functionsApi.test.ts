import { X509Certificate } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api } from '../../functions/api.js';
import { startStack, type Stack } from '../support/stack.js';
import { arrHeader, type Pem } from '../support/testCertificates.js';
import { allows, apiRoutes, SCOPE, SUB, type RouteCase } from './apiRoutes.js';
import { apiSettings, BAD_REASONS, makeCertificateSet, type CertificateSet } from './certificateSet.js';

let stack: Stack;
let certs: CertificateSet;
const lines: string[] = [];

beforeAll(async () => {
  certs = await makeCertificateSet();
  stack = await startStack({
    subscribe: false,
    seed: { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-api', name: 'api-app', clientCertEnabled: true, clientCertMode: 'Required' }] }] },
    env: apiSettings(certs),
  });
  // The Functions handler builds its runtime from the app settings, as in Azure.
  for (const [name, value] of Object.entries(stack.env)) vi.stubEnv(name, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
});

/** One call through the Azure Functions HTTP handler, the certificate in X-ARR-ClientCert as App Service forwards it. */
async function call(route: Pick<RouteCase, 'method' | 'path' | 'body'>, cert: Pem | string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (cert !== undefined) all['x-arr-clientcert'] = typeof cert === 'string' ? cert : arrHeader(cert);
  const request = new HttpRequest({
    method: route.method,
    url: `https://enforcer.example/api/${route.path}`,
    headers: all,
    ...(route.body === undefined ? {} : { body: { string: JSON.stringify(route.body) } }),
  });
  const context = new InvocationContext({ functionName: 'api', logHandler: (level, ...args) => lines.push(`${level}: ${args.map(String).join(' ')}`) });
  const res = await api(request, context);
  return { status: res.status ?? 200, body: res.jsonBody ?? res.body };
}

const thumbprintOf = (pem: Pem) => new X509Certificate(pem.cert).fingerprint256.replace(/:/g, '');

describe('client certificate validation through the Functions HTTP handler (X-ARR-ClientCert)', () => {
  it.each(Object.keys(BAD_REASONS) as Array<keyof typeof BAD_REASONS>)('refuses a %s certificate on every route with 403 and its reason, changing nothing', async (name) => {
    for (const route of apiRoutes()) {
      const res = await call(route, certs.bad[name]);
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      expect((res.body as { error: string }).error).toMatch(BAD_REASONS[name]);
    }
    expect(await stack.deps.settings.get(SUB)).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['garbage', '%%% not base64 %%%'],
    ['base64 that is no certificate', Buffer.from('hello, certificate').toString('base64')],
  ])('answers %s with 403 (never 500) on every route', async (_name, header) => {
    for (const route of apiRoutes()) expect((await call(route, header)).status, `${route.method} ${route.path}`).toBe(403);
  });

  it('logs a refusal with its reason and without the certificate', async () => {
    lines.length = 0;
    await call({ method: 'GET', path: 'settings' }, certs.bad.expired);
    const body = arrHeader(certs.bad.expired);
    expect(lines.join('\n')).toMatch(/refused \(403\): client certificate expired/);
    expect(lines.join('\n')).not.toContain(body.slice(0, 40));
  });

  it('accepts a pinned self-signed certificate by its SHA-256 thumbprint (a Reader), and refuses the same one unpinned', async () => {
    expect((await call({ method: 'GET', path: 'settings' }, certs.pinned)).status).toBe(200);
    expect((await call({ method: 'PUT', path: `settings/${SUB}`, body: { mode: 'off' } }, certs.pinned)).status).toBe(403);
    expect((await call({ method: 'GET', path: 'settings' }, certs.bad.selfSigned)).status).toBe(403);
  });
});

describe('role matrix through the Functions HTTP handler', () => {
  const columns = () => [
    ['Reader', certs.reader, ['Reader']],
    ['Operator', certs.operator, ['Operator']],
    ['ExemptionApprover', certs.approver, ['ExemptionApprover']],
    // A valid certificate with no role: the function key (checked by the Functions host) gives MTLS_API_KEY_ROLES, Reader by default.
    ['key', certs.unmapped, ['Reader']],
  ] as const;

  it('answers every route x {no certificate, Reader, Operator, ExemptionApprover, key} as the roles say', async () => {
    const seen: string[] = [];
    for (const route of apiRoutes()) {
      expect((await call(route, undefined)).status, `none ${route.method} ${route.path}`).toBe(403);
      for (const [column, cert, roles] of columns()) {
        const { status } = await call(route, cert);
        const label = `${column} ${route.method} ${route.path} -> ${status}`;
        seen.push(label);
        if (allows(roles, route.role)) {
          expect([401, 403], label).not.toContain(status);
          expect(status, label).toBeLessThan(500);
        } else {
          expect(status, label).toBe(403);
        }
      }
    }
    expect(seen).toHaveLength(apiRoutes().length * 4);
  });

  it('ignores a forged X-MS-CLIENT-PRINCIPAL when MTLS_API_AUTH is not entra', async () => {
    const forged = Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'preferred_username', val: 'mallory@contoso.example' }, { typ: 'roles', val: 'Operator' }, { typ: 'roles', val: 'ExemptionApprover' }] })).toString('base64');
    const before = await stack.deps.settings.get(SUB);
    const res = await call({ method: 'PUT', path: `settings/${SUB}`, body: { mode: 'off' } }, certs.reader, { 'x-ms-client-principal': forged, 'x-ms-client-principal-name': 'mallory@contoso.example' });
    expect(res.status).toBe(403);
    expect(await stack.deps.settings.get(SUB)).toEqual(before);
  });
});

describe('audit trail: who changed what comes from the identity', () => {
  it('records a mode change by a certificate identity with its subject and thumbprint', async () => {
    const res = await call({ method: 'PUT', path: `settings/${SUB}`, body: { mode: 'enforce' } }, certs.operator, { 'x-ms-client-principal-name': 'someone-else@contoso.example' });
    expect(res.status).toBe(200);
    const history = await stack.deps.settings.history(SUB);
    expect(history[0]).toMatchObject({ to: 'enforce', by: `CN=operator (certificate ${thumbprintOf(certs.operator)})` });
  });

  it('records the approver of an exemption from the certificate, never the body, and refuses self-approval', async () => {
    const exemption = { scope: SCOPE, id: 'audit-1', owner: 'team-a', approver: 'the-ceo@contoso.example', reason: 'legacy client', category: 'waiver', expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    const added = await call({ method: 'PUT', path: 'exemptions', body: exemption }, certs.approver);
    expect(added.status).toBe(200);
    const actor = `CN=approver (certificate ${thumbprintOf(certs.approver)})`;
    const stored = (await stack.deps.register.history(SCOPE.toLowerCase()))[0];
    expect(stored).toMatchObject({ action: 'added', by: actor, record: { approver: actor, createdBy: actor } });

    const self = await call({ method: 'PUT', path: 'exemptions', body: { ...exemption, id: 'audit-2', owner: 'approver@contoso.example' } }, certs.approver);
    expect(self.status).toBe(403);
    expect((self.body as { error: string }).error).toMatch(/naming themself as owner/);

    const removed = await call({ method: 'DELETE', path: `exemptions?scope=${encodeURIComponent(SCOPE)}&id=audit-1` }, certs.approver);
    expect(removed.status).toBe(200);
    expect((await stack.deps.register.history(SCOPE.toLowerCase()))[0]).toMatchObject({ action: 'removed', by: actor });
  });
});
