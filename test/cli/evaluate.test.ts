import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { DEMO_SUBSCRIPTIONS, demoFleet, makeEmulatorToken, siteId, startEmulator, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import { cliIo, runCaptured } from '../support/cliIo.js';

const ENFORCE = DEMO_SUBSCRIPTIONS.enforce;
const SHOP_API = siteId(ENFORCE, 'rg-shop', 'shop-api'); // Optional mode
const FRONTEND = siteId(ENFORCE, 'rg-shop', 'shop-frontend'); // Required
const STAGING = `${FRONTEND}/slots/staging`; // client certificates off

let emu: Emulator;
let arm: Record<string, string>;
let stored: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ seed: demoFleet(), throttle: false });
  const ca = join(await mkdtemp(join(tmpdir(), 'cli-evaluate-')), 'ca.pem');
  await writeFile(ca, emu.caCertPem);
  arm = { MTLS_ARM_ENDPOINT: emu.url, MTLS_ARM_CA_CERT_PATH: ca, MTLS_ARM_TOKEN: makeEmulatorToken({ oid: 'cli-user', name: 'cli user' }) };
  stored = { ...arm, MTLS_STORAGE_CONNECTION: inject('azurite').connectionString, MTLS_TABLE_PREFIX: `e${randomUUID().replace(/-/g, '').slice(0, 12)}` };
});

afterAll(async () => {
  await emu?.stop();
});

const run = runCaptured;

describe('mtls-enforcer evaluate', () => {
  it('says non-compliant with the reason, exits 1 only when asked', async () => {
    const plain = await run(['evaluate', SHOP_API], arm);
    const failing = await run(['evaluate', SHOP_API, '--fail-on-noncompliant'], arm);

    expect(plain.code).toBe(0);
    expect(failing.code).toBe(1);
    expect(plain.out).toMatch(/verdict\s+non-compliant/);
    expect(plain.out).toContain('mode-not-required');
    expect(plain.out).toContain('portal "Allow"');
  });

  it('judges a slot, and a compliant site passes --fail-on-noncompliant', async () => {
    const slot = await run(['evaluate', STAGING, '--json'], arm);
    const site = await run(['evaluate', FRONTEND, '--fail-on-noncompliant'], arm);

    expect(slot.code).toBe(0);
    expect(JSON.parse(slot.out)).toMatchObject({ status: 'noncompliant', reasons: [{ code: 'client-cert-disabled' }], observed: { clientCertEnabled: false, portal: 'Ignore' } });
    expect(site.code).toBe(0);
    expect(site.out).toMatch(/verdict\s+compliant/);
  });

  it('reports unsupported plans and not-applicable kinds as such', async () => {
    const free = await run(['evaluate', siteId(ENFORCE, 'rg-legacy', 'hobby-site'), '--json', '--fail-on-noncompliant'], arm);
    const logicApp = await run(['evaluate', siteId(ENFORCE, 'rg-int', 'orders-workflows'), '--json'], arm);

    expect(free.code).toBe(0);
    expect(JSON.parse(free.out)).toMatchObject({ status: 'unsupported-plan' });
    expect(JSON.parse(logicApp.out)).toMatchObject({ status: 'not-applicable' });
  });

  it('without storage uses the deployment defaults and says so', async () => {
    const human = await run(['evaluate', SHOP_API], { ...arm, MTLS_DEFAULT_MODE: 'enforce' });
    const json = await run(['evaluate', SHOP_API, '--json'], arm);

    expect(human.out).toContain('no storage configured');
    expect(human.out).toContain('subscription mode enforce');
    expect(JSON.parse(json.out)).toMatchObject({ subscription: { mode: 'audit', allowedModes: ['Required'], settingsFrom: 'no-storage' } });
  });

  it("applies the subscription's allowed modes and the exemption register from storage", async () => {
    const before = await run(['evaluate', SHOP_API, '--json'], stored);
    expect(await run(['settings', 'set', ENFORCE, '--mode', 'enforce', '--allow-modes', 'Required,Optional'], stored).then((r) => r.code)).toBe(0);
    const exemption = ['exemptions', 'add', '--scope', STAGING, '--owner', 'team@contoso.example', '--approver', 'ciso@contoso.example', '--reason', 'vendor gateway', '--category', 'mitigated', '--expires', new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)];
    expect(await run(exemption, stored).then((r) => r.code)).toBe(0);

    const allowed = await run(['evaluate', SHOP_API, '--json', '--fail-on-noncompliant'], stored);
    const exempt = await run(['evaluate', STAGING, '--fail-on-noncompliant'], stored);

    expect(JSON.parse(before.out)).toMatchObject({ status: 'noncompliant', subscription: { settingsFrom: 'default-mode' } });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.out)).toMatchObject({ status: 'compliant', subscription: { mode: 'enforce', allowedModes: ['Required', 'Optional'], settingsFrom: 'subscription-settings' } });
    expect(exempt.code).toBe(0);
    expect(exempt.out).toMatch(/verdict\s+exempt/);
  });

  it('tells drift from baseline debt by the stored findings: what enforce would revert, and what it leaves for a wave', async () => {
    const env = { ...stored, MTLS_TABLE_PREFIX: `e${randomUUID().replace(/-/g, '').slice(0, 12)}` };
    const orders = siteId(ENFORCE, 'rg-shop', 'shop-orders-fn'); // Required at the baseline
    expect(await run(['settings', 'set', ENFORCE, '--mode', 'enforce'], env).then((r) => r.code)).toBe(0);
    expect(await run(['sweep', '--subscription', ENFORCE], env).then((r) => r.code)).toBe(0);
    const writes = emu.stats.snapshot().writes.length;
    const app = emu.fleet.getSite(ENFORCE, 'rg-shop', 'shop-orders-fn');
    if (app) app.properties.clientCertEnabled = false; // drift no event reported yet

    try {
      const drift = await run(['evaluate', orders, '--json'], env);
      const debt = await run(['evaluate', SHOP_API], env);

      expect(JSON.parse(drift.out)).toMatchObject({ status: 'noncompliant', standing: 'drift', action: expect.stringContaining('reverts this drift') });
      expect(debt.out).toMatch(/action\s+enforce mode: baseline debt .*rollout-pending/);
      expect(emu.stats.snapshot().writes.length).toBe(writes);
    } finally {
      if (app) app.properties.clientCertEnabled = true;
    }
  });

  it('colours the verdict on a terminal only, never with NO_COLOR or in JSON', async () => {
    const on = (env: Record<string, string>) => Object.assign(cliIo(env), { stdoutIsTTY: true });
    const tty = on(arm);
    const noColor = on({ ...arm, NO_COLOR: '1' });
    const json = on(arm);

    await runCli(['evaluate', SHOP_API], tty);
    await runCli(['evaluate', SHOP_API], noColor);
    await runCli(['evaluate', SHOP_API, '--json'], json);

    expect(tty.out).toContain('\u001b[31mnon-compliant\u001b[0m');
    expect(noColor.out).not.toContain('\u001b');
    expect(json.out).not.toContain('\u001b');
  });

  it('changes nothing in Azure (read-only)', async () => {
    const writes = emu.stats.snapshot().writes.length;

    await run(['evaluate', SHOP_API, '--fail-on-noncompliant'], { ...arm, MTLS_DEFAULT_MODE: 'enforce' });

    expect(emu.stats.snapshot().writes.length).toBe(writes);
    expect(emu.fleet.getSite(ENFORCE, 'rg-shop', 'shop-api')?.properties.clientCertMode).toBe('Optional');
  });

  it.each([
    ['not an id', 'shop-api'],
    ['a subscription that is not a GUID', '/subscriptions/prod/resourceGroups/rg/providers/Microsoft.Web/sites/a'],
    ['a sub-resource', `${SHOP_API}/config/web`],
    ['another resource type', `/subscriptions/${ENFORCE}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a`],
  ])('exits 2 for %s, showing what a valid id looks like', async (_what, id) => {
    const result = await run(['evaluate', id], arm);

    expect(result.code).toBe(2);
    expect(result.err).toContain('a valid one looks like /subscriptions/<subscription GUID>/resourceGroups/');
    expect(result.out).toBe('');
  });

  it('exits 2 for a site that does not exist, and for a missing id', async () => {
    const missing = await run(['evaluate', siteId(ENFORCE, 'rg-shop', 'no-such-app')], arm);
    const none = await run(['evaluate'], arm);

    expect(missing.code).toBe(2);
    expect(missing.err).toContain('not found');
    expect(none.code).toBe(2);
  });
});
