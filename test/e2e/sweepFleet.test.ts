import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriptionLister } from '../../src/azure/index.js';
import { loadReportInput, planSweep, runState, storeRunReport } from '../../src/enforcer/index.js';
import type { SweepJob } from '../../src/model/index.js';
import { emulatorCredential, generatedSubscriptionId, makeEmulatorToken, siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { buildReport } from '../../src/report/index.js';
import { createSweepQueue } from '../../src/store/index.js';
import { handleSweepJob, sweepTargets } from '../../src/triggers/index.js';
import { InvocationContext } from '@azure/functions';
import { QueueClient } from '@azure/storage-queue';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { inject } from 'vitest';
import { proxyTables, type CountingProxy } from '../support/countingProxy.js';
import { ALICE, ENFORCER, enforcerArmSites, startStack, type Stack } from '../support/stack.js';

const SUBSCRIPTIONS = 20;
const SITES = 100;
let stack: Stack;
let queueName: string;
let tables: CountingProxy;
let firstRun: string | undefined;

beforeAll(async () => {
  // Table traffic goes through a recording proxy, to see that findings are written in transactions.
  const proxied = await proxyTables(inject('azurite').connectionString);
  tables = proxied.proxy;
  stack = await startStack({ subscribe: false, emulator: { throttle: undefined }, env: { MTLS_STORAGE_CONNECTION: proxied.connectionString } });
  stack.emu.state.generate({ subscriptions: SUBSCRIPTIONS, sitesPerSubscription: SITES, slotEvery: 10, nonCompliantFraction: 0.1 });
  queueName = `${String(stack.env.MTLS_TABLE_PREFIX).toLowerCase()}-fleet`;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await tables?.stop();
});

/** Ground truth read straight off the emulator's resources with the plain rule, not the evaluator. */
function truth(): { compliant: number; noncompliant: number; compliantBySubscription: number[]; noncompliantBySubscription: number[] } {
  let compliant = 0;
  let noncompliant = 0;
  const compliantBySubscription: number[] = [];
  const noncompliantBySubscription: number[] = [];
  for (let s = 0; s < SUBSCRIPTIONS; s++) {
    const before = compliant;
    const failingBefore = noncompliant;
    const sub = generatedSubscriptionId(s);
    for (let i = 0; i < SITES; i++) {
      const site = `app-${s}-${i}`;
      const rg = `rg-${i % 10}`;
      for (const r of [stack.emu.fleet.getSite(sub, rg, site), stack.emu.fleet.getSlot(sub, rg, site, 'staging')]) {
        if (!r) continue;
        const p = r.properties;
        const ok = p.clientCertEnabled === true && p.clientCertMode === 'Required' && !p.clientCertExclusionPaths;
        if (ok) compliant++;
        else noncompliant++;
      }
    }
    compliantBySubscription.push(compliant - before);
    noncompliantBySubscription.push(noncompliant - failingBefore);
  }
  return { compliant, noncompliant, compliantBySubscription, noncompliantBySubscription };
}

/** Plan a run, then drain the real sweep queue on Azurite into concurrent workers, as Functions would. */
async function sweepAll(): Promise<string> {
  // As the timer does: the subscription listing gives the targets and their display names.
  const discovery = createSubscriptionLister({ endpoint: stack.emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: stack.emu.caCertPem });
  const { targets, names } = await sweepTargets(stack.deps, [], discovery);
  expect(targets).toHaveLength(SUBSCRIPTIONS);
  const jobs = await planSweep(stack.deps, createSweepQueue({ connectionString: inject('azurite').connectionString, queueName }), targets, 'test', names);
  const client = new QueueClient(inject('azurite').connectionString, queueName);
  const lister = enforcerArmSites(stack);
  const received: unknown[] = [];
  while (received.length < jobs.length) {
    const { receivedMessageItems } = await client.receiveMessages({ numberOfMessages: 32 });
    for (const m of receivedMessageItems) {
      received.push(JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
      await client.deleteMessage(m.messageId, m.popReceipt);
    }
  }
  await Promise.all(received.map((job) => handleSweepJob(stack.deps, lister, job, new InvocationContext({ triggerMetadata: { dequeueCount: 1 } }))));
  return (jobs[0] as SweepJob).runId;
}

describe('a 2,200-resource fleet over 20 subscriptions through the queue fan-out', () => {
  it('counts exactly the ground truth with zero per-site GETs, and reports new drift since the last sweep', async () => {
    stack.emu.stats.reset();
    const expected = truth();
    tables.requests.length = 0;

    const first = await sweepAll();
    firstRun = first;

    // Findings of compliant resources went as $batch transactions, each new finding with its history
    // row (≤100 operations each: ⌈2 × compliant / 100⌉ per subscription partition); failing ones go
    // through the event path's assessment (guards, conditional write), their writes joined as a
    // delivery's are: all of a subscription's failing rows (≤ 50) wait together, so one transaction
    // per subscription, each finding with its history row. No finding is written outside a transaction.
    const findingsTable = `${stack.env.MTLS_TABLE_PREFIX}Findings`;
    const batches = tables.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/$batch'));
    const singleFindingWrites = tables.requests.filter((r) => r.method !== 'GET' && (r.path.includes(`/${findingsTable}(`) || r.path.endsWith(`/${findingsTable}`)));
    const sweepTransactions = expected.compliantBySubscription.reduce((n, c) => n + Math.ceil((2 * c) / 100), 0);
    const driftTransactions = expected.noncompliantBySubscription.reduce((n, c) => n + Math.ceil((2 * c) / 100), 0);
    expect(expected.noncompliantBySubscription.every((c) => c > 1 && c <= 50)).toBe(true);
    expect(batches).toHaveLength(sweepTransactions + driftTransactions);
    expect(driftTransactions).toBe(SUBSCRIPTIONS); // one per event of one at a time before: expected.noncompliant
    expect(singleFindingWrites).toHaveLength(0);

    const run = await stack.deps.sweeps.getRun(first);
    expect(run && runState(run, new Date(), 3_600_000)).toBe('complete');
    const sum = (status: string) => (run?.subscriptions ?? []).reduce((n, s) => n + (s.counts?.[status] ?? 0), 0);
    expect({ compliant: sum('compliant'), noncompliant: sum('noncompliant') }).toEqual({ compliant: expected.compliant, noncompliant: expected.noncompliant });
    expect(expected.compliant + expected.noncompliant).toBe(2200);
    expect((stack.emu.stats.counts['GET site'] ?? 0) + (stack.emu.stats.counts['GET slot'] ?? 0)).toBe(0);

    const drifted = [1, 2, 4, 5, 7].map((i) => siteId(generatedSubscriptionId(3), `rg-${i % 10}`, `app-3-${i}`));
    for (const id of drifted) expect(stack.emu.userWrite(id, { clientCertEnabled: false }, ALICE).status).toBe(200);
    await sweepAll();

    const report = buildReport(await loadReportInput(stack.deps), new Date());
    expect(report.changes?.new.map((c) => c.resourceId).sort()).toEqual([...drifted].sort());
    expect(report.changes?.fixed).toEqual([]);
    // The trend across both sweeps: the second run shows exactly 5 more failing resources.
    expect(report.trend?.map((p) => p.failing)).toEqual([expected.noncompliant, expected.noncompliant + 5]);
    expect(report.trend?.map((p) => p.status)).toEqual(['complete', 'complete']);
    // Each subscription's display name went from the listing through its queue job into the Sweeps table and the report.
    const generatedName = (id: string) => `generated-${Array.from({ length: SUBSCRIPTIONS }, (_, i) => generatedSubscriptionId(i)).indexOf(id) + 1}`;
    expect(report.bySubscription).toHaveLength(SUBSCRIPTIONS);
    expect(report.bySubscription.map((s) => s.subscriptionName)).toEqual(report.bySubscription.map((s) => generatedName(s.subscriptionId)));
    expect(report.run?.subscriptions.map((s) => s.subscriptionName)).toEqual(report.run?.subscriptions.map((s) => generatedName(s.subscriptionId)));
  }, 120_000);

  it('stored the first run\'s report once: four artifacts under runs/<id>/, latest/ the newest run, a second finisher writes nothing', async () => {
    const container = new ContainerClient(`${inject('azurite').blobUrl}/${stack.env.MTLS_REPORT_CONTAINER}`, new StorageSharedKeyCredential(inject('azurite').accountName, inject('azurite').accountKey));
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    const runs = await stack.deps.sweeps.latestRuns(2);
    const [second, first] = runs.map((r) => r.id);
    expect(first).toBe(firstRun);
    const files = ['csv', 'html', 'json', 'md'];
    expect(names.sort()).toEqual([...files.map((f) => `latest/report.${f}`), ...files.map((f) => `runs/${second}/report.${f}`), ...files.map((f) => `runs/${first}/report.${f}`)].sort());
    const text = async (name: string) => (await container.getBlockBlobClient(name).downloadToBuffer()).toString('utf8');
    for (const f of files) expect(await text(`latest/report.${f}`), f).toBe(await text(`runs/${second}/report.${f}`));
    const stored = JSON.parse(await text(`runs/${first}/report.json`)) as { run: { id: string; status: string }; totals: Record<string, number> };
    expect(stored.run).toMatchObject({ id: first, status: 'complete' });
    const etags = await Promise.all(names.map(async (n) => (await container.getBlockBlobClient(n).getProperties()).etag));

    // Another worker finishing the first run (a redelivered last job) stores nothing new.
    const again = await storeRunReport(stack.deps, first as string);

    expect(again).toMatchObject({ state: 'complete', written: 0, latest: false });
    expect(await Promise.all(names.map(async (n) => (await container.getBlockBlobClient(n).getProperties()).etag))).toEqual(etags);
  }, 60_000);
});
