import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_SUBSCRIPTIONS, demoFleet, makeEmulatorToken, siteId, startEmulator, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import { runCaptured as run } from '../support/cliIo.js';

// The demo fleet lists the audit subscription as "contoso-dev".
const AUDIT = DEMO_SUBSCRIPTIONS.audit;
const NAME = 'contoso-dev';
const DEV_API = siteId(AUDIT, 'rg-dev', 'dev-api');

let emu: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ seed: demoFleet(), throttle: false });
  const ca = join(await mkdtemp(join(tmpdir(), 'cli-names-')), 'ca.pem');
  await writeFile(ca, emu.caCertPem);
  env = {
    MTLS_ARM_ENDPOINT: emu.url, MTLS_ARM_CA_CERT_PATH: ca, MTLS_ARM_TOKEN: makeEmulatorToken({ oid: 'cli-user', name: 'cli user' }),
    MTLS_STORAGE_CONNECTION: inject('azurite').connectionString, MTLS_TABLE_PREFIX: `n${randomUUID().replace(/-/g, '').slice(0, 12)}`,
  };
});

afterAll(async () => {
  await emu?.stop();
});

describe('subscription display names in CLI output', () => {
  it('shows the id alone until a sweep recorded a name, then the name next to it in sweep, settings, findings and evaluate', async () => {
    // Before any sweep: nothing recorded a name.
    const unnamed = await run(['settings', 'set', AUDIT, '--mode', 'audit'], env);
    expect(unnamed.code).toBe(0);
    expect(unnamed.out.startsWith(`${AUDIT}  audit`)).toBe(true);

    // An explicit --subscription: the one subscription listing names it.
    const sweep = await run(['sweep', '--subscription', AUDIT, '--format', 'markdown'], env);
    expect(sweep.err).toContain(`${NAME} (${AUDIT})  audit  3 evaluated`);
    expect(sweep.out).toContain(`${NAME} (${AUDIT})`);

    const settings = await run(['settings', 'list'], env);
    const settingsJson = await run(['settings', 'list', '--json'], env);
    expect(settings.out).toContain(`${NAME} (${AUDIT})  audit`);
    // One row prints as an object, not a list.
    expect(JSON.parse(settingsJson.out)).toMatchObject({ subscriptionId: AUDIT, subscriptionName: NAME, mode: 'audit' });

    const findings = await run(['findings', '--subscription', AUDIT], env);
    const findingsJson = await run(['findings', '--subscription', AUDIT, '--json'], env);
    const lines = findings.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.endsWith(`  [${NAME}]`)).toBe(true);
    expect((JSON.parse(findingsJson.out) as Array<{ subscriptionName?: string }>).map((f) => f.subscriptionName)).toEqual([NAME, NAME, NAME]);

    const evaluated = await run(['evaluate', DEV_API], env);
    const evaluatedJson = await run(['evaluate', DEV_API, '--json'], env);
    expect(evaluated.out.split('\n')[0]).toBe(`${DEV_API}  (subscription ${NAME})`);
    expect(JSON.parse(evaluatedJson.out)).toMatchObject({ subscription: { id: AUDIT, name: NAME, mode: 'audit' } });
  });
});
