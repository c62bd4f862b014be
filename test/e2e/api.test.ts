import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { cliIo } from '../support/cliIo.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { ALICE, HOST_KEY, startStack, type Stack } from '../support/stack.js';

const SUB = 'ab0ab0ab-0000-4000-8000-000000000001';
const APP = siteId(SUB, 'rg-api', 'api-app');
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ seed: { subscriptions: [{ id: SUB, sites: [{ resourceGroup: 'rg-api', name: 'api-app', clientCertEnabled: true, clientCertMode: 'Required' }] }] } });
});

afterAll(async () => {
  await stack?.stop();
});

function call(method: string, path: string, body?: unknown, key: string | null = HOST_KEY): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-ms-client-principal-name': 'carol@contoso.example' };
  if (key !== null) headers['x-functions-key'] = key;
  return fetch(`${stack.host.url}/api/${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
}

describe('settings over HTTP and the CLI', () => {
  it('answers 401 without the key or with a wrong one', async () => {
    expect((await call('GET', 'settings', undefined, null)).status).toBe(401);
    expect((await call('GET', 'settings', undefined, 'wrong-key')).status).toBe(401);
  });

  it('shows the default mode before anything is set', async () => {
    const res = await call('GET', `settings/${SUB}`);

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ subscriptionId: SUB, mode: 'audit', explicit: false });
  });

  it('changes the mode over HTTP, recording the key holder (never a client-supplied name)', async () => {
    const res = await call('PUT', `settings/${SUB}`, { mode: 'enforce' });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ mode: 'enforce', explicit: true, updatedBy: 'local host key holder' });
    const history = await stack.deps.settings.history(SUB);
    expect(history[0]).toMatchObject({ by: 'local host key holder', to: 'enforce' });
  });

  it.each([
    ['a non-GUID id', 'settings/not-a-guid', { mode: 'audit' }],
    ['an unknown mode', `settings/${SUB}`, { mode: 'sometimes' }],
    ['a body that is not JSON', `settings/${SUB}`, '{mode'],
    ['an unknown allowed mode', `settings/${SUB}`, { mode: 'audit', allowedModes: ['Never'] }],
  ])('answers 400 for %s and changes nothing', async (_name, path, body) => {
    const res = await call('PUT', path, body);

    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/\w/);
    expect((await stack.deps.settings.get(SUB))?.mode).toBe('enforce');
  });

  it('changes the mode from the CLI through the same use case', async () => {
    const io = cliIo({ ...stack.env, MTLS_ACTOR: 'dave@contoso.example' });

    expect(await runCli(['settings', 'set', SUB, '--mode', 'audit', '--allow-modes', 'Required,Optional', '--json'], io)).toBe(0);

    expect(JSON.parse(io.out)).toMatchObject({ mode: 'audit', allowedModes: ['Required', 'Optional'], updatedBy: 'dave@contoso.example' });
    expect((await (await call('GET', `settings/${SUB}`)).json()) as object).toMatchObject({ mode: 'audit' });
  });

  it('holds an app to the subscription\'s allowed modes (Optional allowed here)', async () => {
    stack.emu.userWrite(APP, { clientCertMode: 'Optional' }, ALICE);
    await stack.settle();

    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('compliant');
  });
});

describe('exemptions over HTTP and the CLI', () => {
  it('adds one over HTTP, re-evaluates what it covers, and lists it', async () => {
    await call('PUT', `settings/${SUB}`, { mode: 'audit', allowedModes: ['Required'] });
    stack.emu.userWrite(APP, { clientCertEnabled: false }, ALICE);
    await stack.settle();
    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('noncompliant');

    const res = await call('PUT', 'exemptions', { scope: `/subscriptions/${SUB}/resourceGroups/rg-api`, id: 'vendor', owner: 'team@x.example', approver: 'ciso@x.example', reason: 'gateway does mTLS', category: 'mitigated', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reevaluated: 1 });
    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('exempt');
    const list = (await (await call('GET', 'exemptions')).json()) as { exemptions: Array<{ id: string }> };
    expect(list.exemptions.map((e) => e.id)).toEqual(['vendor']);
  });

  it.each([
    ['no expiry', { expiresAt: undefined }],
    ['a past expiry', { expiresAt: '2020-01-01' }],
    ['an expiry past the maximum', { expiresAt: '2099-01-01' }],
    ['a bad scope', { scope: '/subscriptions/not-a-guid' }],
    ['a bad category', { category: 'forever' }],
  ])('answers 400 for %s', async (_name, change) => {
    const base = { scope: APP, owner: 'o@x.example', approver: 'a@x.example', reason: 'r', category: 'waiver', expiresAt: new Date(Date.now() + 86_400_000).toISOString() };

    const res = await call('PUT', 'exemptions', { ...base, ...change });

    expect(res.status).toBe(400);
  });

  it('removes one from the CLI, which re-evaluates and keeps history', async () => {
    const io = cliIo({ ...stack.env, MTLS_ACTOR: 'erin@contoso.example' });

    expect(await runCli(['exemptions', 'remove', '--scope', `/subscriptions/${SUB}/resourceGroups/rg-api`, '--id', 'vendor'], io)).toBe(0);

    expect(io.out).toContain('re-evaluated 1');
    expect((await stack.deps.findings.get(APP.toLowerCase()))?.status).toBe('noncompliant');
    const history = await stack.deps.register.history(`/subscriptions/${SUB}/resourcegroups/rg-api`);
    expect(history.map((h) => h.action)).toEqual(['removed', 'added']);
  });
});
