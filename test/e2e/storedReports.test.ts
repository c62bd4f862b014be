import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newRunId, runSweepJob, setSubscriptionSettings, storeRunReport } from '../../src/enforcer/index.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { runCaptured } from '../support/cliIo.js';
import { loadConfig } from '../../src/config/index.js';
import { checkHealth, createRuntime } from '../../src/triggers/index.js';
import { ALICE, HOST_KEY, enforcerArmSites, startStack, type Stack } from '../support/stack.js';

const SUB = '5707ed00-0000-4000-8000-000000000001';
const OTHER = '5707ed00-0000-4000-8000-000000000002';
let stack: Stack;
let container: ContainerClient;

beforeAll(async () => {
  const sites = [true, true, false].map((clientCertEnabled, i) => ({ resourceGroup: 'rg', name: `app-${i}`, clientCertEnabled, clientCertMode: 'Required' as const }));
  stack = await startStack({ subscribe: false, seed: { subscriptions: [{ id: SUB, sites }, { id: OTHER, sites: [] }] } });
  for (const id of [SUB, OTHER]) await setSubscriptionSettings(stack.deps, { subscriptionId: id, mode: 'audit', by: 'test' });
  const azurite = inject('azurite');
  container = new ContainerClient(`${azurite.blobUrl}/${stack.env.MTLS_REPORT_CONTAINER}`, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
  await container.createIfNotExists();
});

afterAll(async () => {
  await stack?.stop();
});

/** A recorded run over `subscriptions`, of which the first is swept now (the others stay pending). */
async function runWith(suffix: string, subscriptions: string[]): Promise<string> {
  const now = new Date();
  const run = { id: newRunId(now, suffix), startedAt: now.toISOString() };
  await stack.deps.sweeps.createRun({ ...run, trigger: 'test', subscriptionIds: subscriptions });
  const lister = enforcerArmSites(stack);
  await runSweepJob(stack.deps, lister, { runId: run.id, startedAt: run.startedAt, subscriptionId: subscriptions[0] as string });
  return run.id;
}

async function blobNames(prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
  return names.sort();
}

describe('stored reports', () => {
  it('stores nothing for a run still running', async () => {
    const runId = await runWith('running', [SUB, OTHER]);

    const stored = await storeRunReport(stack.deps, runId);

    expect(stored).toMatchObject({ state: 'running', written: 0, latest: false });
    expect(await blobNames(`runs/${runId}/`)).toEqual([]);
  });

  it('writes each artifact once when two workers finish the same run together', async () => {
    const runId = await runWith('together', [SUB]);

    const [a, b] = await Promise.all([storeRunReport(stack.deps, runId), storeRunReport(stack.deps, runId)]);

    expect((a?.written ?? 0) + (b?.written ?? 0)).toBe(4);
    expect(await blobNames(`runs/${runId}/`)).toEqual(['csv', 'html', 'json', 'md'].map((f) => `runs/${runId}/report.${f}`));
    const json = JSON.parse((await container.getBlockBlobClient(`runs/${runId}/report.json`).downloadToBuffer()).toString('utf8')) as { run: { id: string }; totals: { byStatus: Record<string, number> } };
    expect(json.run.id).toBe(runId);
    expect(json.totals.byStatus).toMatchObject({ compliant: 2, noncompliant: 1 });
  });

  it('serves a stored run from GET /api/report?run=, as stored', async () => {
    const runId = await runWith('served', [SUB]);
    await storeRunReport(stack.deps, runId);
    const stored = (await container.getBlockBlobClient(`runs/${runId}/report.md`).downloadToBuffer()).toString('utf8');
    // Changed after the run: a live rendering would count 3 compliant apps, the stored report 2.
    expect(stack.emu.userWrite(siteId(SUB, 'rg', 'app-2'), { clientCertEnabled: true }, ALICE).status).toBe(200);
    await runWith('later', [SUB]);

    const res = await fetch(`${stack.host.url}/api/report?run=${runId}&format=markdown`, { headers: { 'x-functions-key': HOST_KEY } });

    expect(res.status).toBe(200);
    expect(await res.text()).toBe(stored);
  });

  it('stores a run by hand with report --run <id> --upload, and a second upload writes nothing', async () => {
    const runId = await runWith('byhand', [SUB, OTHER]);

    const first = await runCaptured(['report', '--run', runId, '--upload'], stack.env);
    const second = await runCaptured(['report', '--run', runId, '--upload'], stack.env);

    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain(`run ${runId} (running): 4 file(s) written to `);
    expect(second.out).toContain('0 file(s) written');
    expect(second.out).toContain('(already stored)');
    expect(await blobNames(`runs/${runId}/`)).toHaveLength(4);
  });

  it('the health timer finishes a run whose worker died: its report stored, "incomplete" said once', async () => {
    const startedAt = new Date(Date.now() - 7 * 3_600_000);
    const runId = newRunId(startedAt, 'stale');
    await stack.deps.sweeps.createRun({ id: runId, startedAt: startedAt.toISOString(), trigger: 'test', subscriptionIds: [SUB] });
    const lines: Array<Record<string, unknown> | undefined> = [];
    const runtime = await createRuntime(loadConfig(stack.env), (_level, _message, fields) => lines.push(fields));

    await checkHealth(runtime, runtime.deps.log);
    await checkHealth(runtime, runtime.deps.log);

    expect(lines.filter((f) => f?.event === 'sweep-run')).toEqual([{ event: 'sweep-run', runId, runState: 'incomplete', report: expect.stringContaining(`/runs/${runId}/`) }]);
    const json = JSON.parse((await container.getBlockBlobClient(`runs/${runId}/report.json`).downloadToBuffer()).toString('utf8')) as { run: { status: string } };
    expect(json.run.status).toBe('incomplete');
  });
});
