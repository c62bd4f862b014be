import { BlobServiceClient } from '@azure/storage-blob';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsCall } from '../support/httpsCall.js';
import { DEMO_SUBSCRIPTIONS, siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { paint } from '../../src/cli/style.js';
import { narrative, reportUrl } from '../../tools/arm-emulator/src/local/narrative.js';
import { cliIo } from '../support/cliIo.js';
import { runCli } from '../../src/cli/index.js';
import { startLocalStack, type LocalStack } from '../../tools/arm-emulator/src/local/startLocalStack.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack(() => undefined);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('local mode (what npm start runs)', () => {
  it('scans the demo fleet by mode: enforce and audit evaluated, off skipped', () => {
    const bySub = Object.fromEntries(stack.scans.map((s) => [s.subscriptionId, s]));

    expect(bySub[DEMO_SUBSCRIPTIONS.enforce]?.mode).toBe('enforce');
    expect(bySub[DEMO_SUBSCRIPTIONS.enforce]?.evaluated).toBeGreaterThan(3);
    expect(bySub[DEMO_SUBSCRIPTIONS.enforce]?.counts?.['unsupported-plan']).toBe(1);
    expect(bySub[DEMO_SUBSCRIPTIONS.audit]?.counts?.noncompliant).toBeGreaterThan(0);
    expect(bySub[DEMO_SUBSCRIPTIONS.off]?.evaluated).toBe(0);
  });

  it('catches and reverts a drift in the enforce subscription, live', async () => {
    const id = siteId(DEMO_SUBSCRIPTIONS.enforce, 'rg-shop', 'shop-frontend');

    stack.emulator.userWrite(id, { clientCertEnabled: false }, { objectId: 'alice', name: 'alice@contoso.example' });
    await stack.emulator.idle();

    expect(stack.emulator.fleet.getSite(DEMO_SUBSCRIPTIONS.enforce, 'rg-shop', 'shop-frontend')?.properties.clientCertEnabled).toBe(true);
    const [latest] = await stack.deps.history.list(id.toLowerCase());
    expect(latest).toMatchObject({ action: 'remediated', undoneCaller: { name: 'alice@contoso.example' } });
  });

  it('stores the first scan\'s report in Azurite blob, and says where', async () => {
    const container = BlobServiceClient.fromConnectionString(stack.azurite.connectionString).getContainerClient('reports');
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);

    const [run] = await stack.deps.sweeps.latestRuns(1);
    expect(names.sort()).toEqual(['csv', 'html', 'json', 'md'].flatMap((f) => [`latest/report.${f}`, `runs/${run?.id}/report.${f}`]).sort());
    expect(stack.firstReport).toBe(`${stack.azurite.blobUrl}/reports/runs/${run?.id}/`);
    expect(narrative(stack)).toContain(`${stack.firstReport}report.html`);
  });

  it('prints endpoints, the scan and copy-paste drift commands', () => {
    const text = narrative(stack);

    expect(text).toContain(stack.emulator.url);
    expect(text).toContain(stack.host.url);
    expect(text).toMatch(/curl --cacert .* -X PATCH/);
    expect(text).toMatch(/mtls-enforcer\.js emulator write \/subscriptions\//);
    expect(text).toMatch(/mtls-enforcer\.js evaluate \/subscriptions\//);
  });

  it('prints a CLI drift command that works as printed: the audit subscription records it as would-remediate', async () => {
    const printed = /mtls-enforcer\.js (emulator write \S+) \\\n\s+(--url .*)$/m.exec(narrative(stack));
    expect(printed).not.toBeNull();
    const args = `${printed?.[1]} ${printed?.[2]}`.trim().split(/\s+/);
    const io = cliIo({});

    expect(await runCli(args, io)).toBe(0);
    await stack.emulator.idle();

    expect(io.err).toBe('');
    const id = siteId(DEMO_SUBSCRIPTIONS.audit, 'rg-dev', 'dev-reports');
    expect(stack.emulator.fleet.getSite(DEMO_SUBSCRIPTIONS.audit, 'rg-dev', 'dev-reports')?.properties.clientCertMode).toBe('Optional');
    const [latest] = await stack.deps.history.list(id.toLowerCase());
    expect(latest).toMatchObject({ action: 'would-remediate', caller: { name: 'bob@contoso.example' } });
  });

  it('records its first scan as a sweep run, so the report has a run from the start', async () => {
    const [run] = await stack.deps.sweeps.latestRuns(1);

    expect(run?.trigger).toBe('local');
    expect(run?.subscriptions.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(run?.subscriptions.find((s) => s.subscriptionId === DEMO_SUBSCRIPTIONS.off)?.mode).toBe('off');
  });

  it('prints a report URL the local host answers with the HTML report, to the printed Reader certificate', async () => {
    const url = reportUrl(stack);
    const printed = new RegExp(`curl --cacert (\\S+) --cert (\\S+) --key (\\S+) '${url.replace(/[?.]/g, '\\$&')}'`).exec(narrative(stack));
    expect(printed).not.toBeNull();
    const [, ca, cert, key] = printed as unknown as [string, string, string, string];

    const answer = await httpsCall(url, { ca: await readFile(ca, 'utf8'), cert: { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') } });

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('<html');
  });

  it('serves the API over HTTPS behind the client-certificate gate: roles by certificate, a forged X-ARR-ClientCert ignored', async () => {
    const c = stack.certificates;
    const ca = c.hostCa.cert;
    const path = `${stack.host.url}/api/settings/${DEMO_SUBSCRIPTIONS.audit}`;
    const put = (cert: { cert: string; key: string } | undefined, headers: Record<string, string> = {}) =>
      httpsCall(path, { method: 'PUT', ca, ...(cert ? { cert } : {}), headers, body: JSON.stringify({ mode: 'audit' }) });

    expect(stack.host.url).toMatch(/^https:/);
    expect((await put(undefined, { 'x-functions-key': stack.hostKey })).status).toBe(403);
    expect((await put(c.reader, { 'x-arr-clientcert': c.admin.cert.replace(/-----[A-Z ]+-----|\s/g, '') })).status).toBe(403);
    const changed = await put(c.admin);
    expect(changed.status).toBe(200);
    expect((await stack.deps.settings.history(DEMO_SUBSCRIPTIONS.audit))[0]?.by).toMatch(/^CN=mtls-local-admin \(certificate [0-9A-F]{64}\)$/);
  });

  it('colours the narrative only for a terminal without NO_COLOR', () => {
    const styled = (io: ReturnType<typeof cliIo>) => narrative(stack, (colour, text) => paint(io, colour, text));
    const tty = Object.assign(cliIo({}), { stdoutIsTTY: true });
    const ttyNoColor = Object.assign(cliIo({ NO_COLOR: '1' }), { stdoutIsTTY: true });
    const pipe = cliIo({});

    expect(styled(tty)).toContain('\u001b[');
    expect(styled(ttyNoColor)).not.toContain('\u001b');
    expect(styled(pipe)).not.toContain('\u001b');
    expect(styled(pipe)).toBe(narrative(stack));
  });
});
