import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregateAuthenticationError, AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createArmSites, explainAzureError, staticTokenCredential } from '../../src/azure/index.js';
import { DEMO_SUBSCRIPTIONS, demoFleet, siteId, startEmulator, type Emulator } from '../../tools/arm-emulator/src/emulator/index.js';
import { parseSiteId, type SiteRef } from '../../src/policy/index.js';
import { runCaptured } from '../support/cliIo.js';
import { spawnCli } from '../local/childCli.js';

const ENFORCE = DEMO_SUBSCRIPTIONS.enforce;
const SHOP_API = siteId(ENFORCE, 'rg-shop', 'shop-api');
const REF = parseSiteId(SHOP_API) as SiteRef;

let emu: Emulator;
let caPath: string;
let arm: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ seed: demoFleet(), throttle: false });
  caPath = join(await mkdtemp(join(tmpdir(), 'cli-errors-')), 'ca.pem');
  await writeFile(caPath, emu.caCertPem);
  arm = { MTLS_ARM_ENDPOINT: emu.url, MTLS_ARM_CA_CERT_PATH: caPath, MTLS_ARM_TOKEN: 'cli-user' };
});

afterAll(async () => {
  await emu?.stop();
});

const run = runCaptured;

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether a port can be bound, i.e. nothing was left listening on it. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const oneLine = (text: string) => {
  expect(text.trim().split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/\n\s+at /);
};

const unreachableStorage = (port: number) =>
  `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${port}/devstoreaccount1`;

describe('environment errors: one line with the fix, exit 3', () => {
  it('explains a missing credential (CredentialUnavailableError through the real ARM client)', async () => {
    const throwing = { getToken: async () => Promise.reject(new CredentialUnavailableError('EnvironmentCredential is unavailable.')) };
    const sites = createArmSites({ endpoint: emu.url, credential: throwing, caCertPem: emu.caCertPem });

    const err = await sites.getSite(REF).then(() => undefined, (e: unknown) => e);

    expect(explainAzureError(err)).toMatch(/^no Azure credential available: run `az login`/);
    expect(explainAzureError(new AggregateAuthenticationError([new CredentialUnavailableError('x')], 'chain failed'))).toMatch(/az login/);
    expect(explainAzureError(new AuthenticationError(400, { error: 'invalid_client', error_description: 'bad secret' }))).toMatch(/^Azure sign-in failed .*az login/);
  });

  it('exits 3 with "run az login" when DefaultAzureCredential finds no credential (child process)', async () => {
    // Only the environment credential, and no AZURE_* variables: unavailable on any machine.
    const cli = spawnCli(['evaluate', SHOP_API], { MTLS_ARM_ENDPOINT: emu.url, MTLS_ARM_CA_CERT_PATH: caPath, AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential' });

    expect(await cli.exited).toBe(3);
    expect(cli.stderr()).toMatch(/^mtls-enforcer: no Azure credential available: run `az login`/);
    oneLine(cli.stderr());
    expect(cli.stdout()).toBe('');
  });

  it('exits 3 naming Reader and the subscription on a 403 from ARM', async () => {
    emu.faults.inject({ kind: '403', method: 'GET', pathIncludes: '/sites/shop-api' });

    const result = await run(['evaluate', SHOP_API], arm);

    expect(result.code).toBe(3);
    expect(result.err).toBe(`mtls-enforcer: no permission for Microsoft.Web/sites/read in subscription ${ENFORCE}: grant Reader on subscription ${ENFORCE} (az role assignment create --assignee <identity> --role Reader --scope /subscriptions/${ENFORCE})\n`);
  });

  it('names the custom role for a refused write, and az login for a 401', async () => {
    emu.faults.inject({ kind: '403', method: 'PATCH' });
    const writer = createArmSites({ endpoint: emu.url, credential: staticTokenCredential('cli-user'), caCertPem: emu.caCertPem });
    const noToken = createArmSites({ endpoint: emu.url, credential: staticTokenCredential(' '), caCertPem: emu.caCertPem });

    const denied = await writer.patchClientCert(REF, { clientCertEnabled: true, clientCertMode: 'Required' }).then(() => undefined, (e: unknown) => e);
    const rejected = await noToken.getSite(REF).then(() => undefined, (e: unknown) => e);

    expect(explainAzureError(denied)).toMatch(new RegExp(`Microsoft.Web/sites/write in subscription ${ENFORCE}: assign the enforcer's custom role`));
    expect(explainAzureError(rejected)).toMatch(/rejected the credential \(HTTP 401\).*az login/);
  });

  it('exits 3 naming MTLS_ARM_ENDPOINT when ARM cannot be reached', async () => {
    const port = await closedPort();

    const result = await run(['evaluate', SHOP_API], { ...arm, MTLS_ARM_ENDPOINT: `https://127.0.0.1:${port}` });

    expect(result.code).toBe(3);
    expect(result.err).toBe(`mtls-enforcer: cannot reach Azure Resource Manager at https://127.0.0.1:${port} (ECONNREFUSED): check MTLS_ARM_ENDPOINT\n`);
  });

  it('exits 3 naming MTLS_ARM_CA_CERT_PATH when the endpoint certificate is not trusted', async () => {
    const { MTLS_ARM_CA_CERT_PATH: _ca, ...untrusted } = arm;

    const result = await run(['evaluate', SHOP_API], untrusted);

    expect(result.code).toBe(3);
    expect(result.err).toMatch(/does not trust .*check MTLS_ARM_CA_CERT_PATH/);
    oneLine(result.err);
  });

  it('exits 3 naming the storage setting when storage cannot be reached, serve included (nothing left listening)', async () => {
    const storagePort = await closedPort();
    const hostPort = await closedPort();
    const env = { ...arm, MTLS_STORAGE_CONNECTION: unreachableStorage(storagePort), MTLS_HOST_KEY: 'a-host-key-0123456789' };

    const evaluated = await run(['evaluate', SHOP_API], env);
    const served = await run(['serve', '--port', String(hostPort)], env);

    for (const result of [evaluated, served]) {
      expect(result.code).toBe(3);
      expect(result.err).toMatch(new RegExp(`cannot reach Table Storage at http://127.0.0.1:${storagePort} \\(ECONNREFUSED\\): check MTLS_STORAGE_CONNECTION`));
      oneLine(result.err);
    }
    expect(served.out).toBe('');
    expect(await isFree(hostPort)).toBe(true);
  });

  it('exits 3 when Table Storage refuses the key, naming the setting', async () => {
    const wrongKey = inject('azurite').connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`);

    const result = await run(['evaluate', SHOP_API], { ...arm, MTLS_STORAGE_CONNECTION: wrongKey, MTLS_TABLE_PREFIX: 'Wrongkey' });

    expect(result.code).toBe(3);
    expect(result.err).toMatch(/^mtls-enforcer: Table Storage refused access \(HTTP 403\): .*check the key in MTLS_STORAGE_CONNECTION\n$/);
  });

  it('prints the stack and causes with --verbose or MTLS_DEBUG=1 only', async () => {
    const { MTLS_ARM_CA_CERT_PATH: _ca, ...env } = arm; // untrusted certificate: fails at once, no retries

    const verbose = await run(['evaluate', SHOP_API, '--verbose'], env);
    const debug = await run(['evaluate', SHOP_API], { ...env, MTLS_DEBUG: '1' });

    for (const result of [verbose, debug]) {
      expect(result.code).toBe(3);
      expect(result.err).toMatch(/\n\s+at /);
      expect(result.err).toContain('caused by:');
    }
  });
});

describe('bad configuration: exit 2 naming the setting, nothing started', () => {
  it.each([
    ['an unknown mode', { MTLS_DEFAULT_MODE: 'sometimes' }, 'MTLS_DEFAULT_MODE'],
    ['a malformed subscription id', { MTLS_SUBSCRIPTIONS: `${ENFORCE},prod-subscription` }, 'MTLS_SUBSCRIPTIONS'],
    ['an unknown certificate mode', { MTLS_ALLOWED_MODES: 'Required,Sometimes' }, 'MTLS_ALLOWED_MODES'],
    ['a CA file that does not exist', { MTLS_ARM_CA_CERT_PATH: join(tmpdir(), `missing-${randomUUID()}.pem`) }, 'MTLS_ARM_CA_CERT_PATH'],
  ])('%s', async (_what, bad, setting) => {
    const hostPort = await closedPort();
    const env = { ...arm, MTLS_STORAGE_CONNECTION: unreachableStorage(await closedPort()), MTLS_HOST_KEY: 'a-host-key-0123456789', ...bad };

    const served = await run(['serve', '--port', String(hostPort)], env);
    const evaluated = await run(['evaluate', SHOP_API], env);

    for (const result of [served, evaluated]) {
      expect(result.code).toBe(2);
      expect(result.err).toContain(setting);
      expect(result.err).not.toMatch(/\n\s+at /);
    }
    expect(await isFree(hostPort)).toBe(true);
  });

  it('local rejects a bad --port before starting anything', async () => {
    const result = await run(['local', '--port', 'eighty'], {});

    expect(result.code).toBe(2);
    expect(result.err).toContain('--port must be 0-65535');
  });
});
