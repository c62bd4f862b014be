import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpsCall } from '../support/httpsCall.js';
import { makeEmulatorToken } from '../../tools/arm-emulator/src/emulator/index.js';
import { spawnCli, waitForOutput, type ChildCli } from './childCli.js';

interface Ready {
  armEndpoint: string;
  hostUrl: string;
  hostKey: string;
  storageConnectionString: string;
  subscriptionIds: string[];
  enforceSubscriptionId: string;
  auditSubscriptionId: string;
  caCertPath: string | null;
  hostCaCertPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  readerCertPath: string;
  readerKeyPath: string;
}

const ALICE = makeEmulatorToken({ oid: 'a11ce000-0000-4000-8000-000000000001', name: 'alice@contoso.example', upn: 'alice@contoso.example' });

let running: ChildCli | undefined;

afterEach(async () => {
  // A failed assertion must not leave the stack running: the child's Azurite watchdogs follow it.
  if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  await running?.exited;
  running = undefined;
});

describe('mtls-enforcer local --ready-json, as a child process', () => {
  it('serves the HTML report, reverts a drift in the enforce subscription, and frees every port on SIGINT', async () => {
    const cli = (running = spawnCli(['local', '--ready-json']));

    const ready = await waitForOutput(cli, readyLine, 90_000);
    expect(ready).toMatchObject({ subscriptionIds: expect.arrayContaining([ready.enforceSubscriptionId, ready.auditSubscriptionId]) });
    expect(ready.caCertPath).toEqual(expect.any(String));
    const ca = await readFile(ready.caCertPath as string, 'utf8');
    // Azurite's blob service runs too (stored reports), and the connection string names it.
    expect(ready.storageConnectionString).toMatch(/BlobEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;/);

    // The local host is HTTPS behind the client-certificate gate: its CA and the Reader's certificate from --ready-json.
    const reader = { cert: await readFile(ready.readerCertPath, 'utf8'), key: await readFile(ready.readerKeyPath, 'utf8') };
    const report = await httpsCall(`${ready.hostUrl}/api/report?format=html`, { ca: await readFile(ready.hostCaCertPath, 'utf8'), cert: reader });
    expect(report.status).toBe(200);
    expect(report.text).toMatch(/Non-compliant apps[\s\S]*dev-portal/); // the audit subscription's drift, left in place
    const admin = { cert: await readFile(ready.clientCertPath, 'utf8'), key: await readFile(ready.clientKeyPath, 'utf8') };
    const settings = await httpsCall(`${ready.hostUrl}/api/settings`, { ca: await readFile(ready.hostCaCertPath, 'utf8'), cert: admin });
    expect(settings.status).toBe(200);

    const site = `${ready.armEndpoint}/subscriptions/${ready.enforceSubscriptionId}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-frontend?api-version=2024-04-01`;
    const drift = await arm(ca, 'PATCH', site, { properties: { clientCertEnabled: false } });
    expect(drift.status).toBe(200);
    expect(drift.body).toMatchObject({ properties: { clientCertEnabled: false } });

    const reverted = await pollUntil(async () => {
      const now = await arm(ca, 'GET', site);
      return (now.body as { properties?: { clientCertEnabled?: boolean } }).properties?.clientCertEnabled === true ? now : undefined;
    }, 20_000);
    expect(reverted.body).toMatchObject({ properties: { clientCertEnabled: true, clientCertMode: 'Required' } });
    // The log line follows the PATCH (after the read-back): wait for it. The site itself, not its slot (first scan).
    await pollUntil(async () => (/reverted drift on \S+\/sites\/shop-frontend$/m.test(cli.stderr()) ? true : undefined), 20_000, cli.stderr);

    const ports = [ready.armEndpoint, ready.hostUrl, ...endpointsOf(ready.storageConnectionString)].map((u) => Number(new URL(u).port));
    expect(ports.length).toBeGreaterThanOrEqual(5); // emulator, host, Azurite blobs, tables and queues
    for (const port of ports) expect(await isOpen(port)).toBe(true);

    cli.child.kill('SIGINT');

    expect(await cli.exited).toBe(0);
    for (const port of ports) expect(await isOpen(port), `port ${port} still open`).toBe(false);
  }, 150_000);
});

function readyLine(stdout: string): Ready | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line) as Ready;
      if (value.armEndpoint && value.hostUrl) return value;
    } catch {
      // a partial line: wait for the rest
    }
  }
  return undefined;
}

/** BlobEndpoint=, QueueEndpoint=, TableEndpoint= of a connection string. */
function endpointsOf(connectionString: string): string[] {
  return [...connectionString.matchAll(/(?:Blob|Queue|Table)Endpoint=([^;]+)/g)].map((m) => m[1] as string);
}

/** One ARM call as a user would make it (curl --cacert ... -H 'Authorization: Bearer ...'). */
async function arm(ca: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const answer = await httpsCall(url, { method, ca, headers: { authorization: `Bearer ${ALICE}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: answer.status, body: answer.text ? (JSON.parse(answer.text) as unknown) : undefined };
}

async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
