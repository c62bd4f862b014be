import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmSites } from '../../src/azure/index.js';
import { runCli } from '../../src/cli/index.js';
import { loadConfig } from '../../src/config/index.js';
import { newRunId, runSweepJob, setSubscriptionSettings, type EnforcerDeps } from '../../src/enforcer/index.js';
import { parseSiteId } from '../../src/policy/index.js';
import { createMemoryStore } from '../../src/store/index.js';
import { emulatorCredential, makeEmulatorToken, siteId, startEmulator, type Emulator, type SiteSeed } from '../../tools/arm-emulator/src/emulator/index.js';
import { cliIo } from '../support/cliIo.js';

const ENFORCER = { oid: 'a4c00000-0000-4000-8000-00000000e0f0', appid: 'a4c00000-0000-4000-8000-0000000000a1' };
const ALICE = { objectId: 'a4c00000-0000-4000-8000-0000000a11ce', name: 'alice@contoso.example' };
/** Three subscriptions of different sizes and work: their ARM request counts all differ. */
const SMALL = 'a4c00000-0000-4000-8000-000000000001';
const LARGE = 'a4c00000-0000-4000-8000-000000000002';
const ENFORCED = 'a4c00000-0000-4000-8000-000000000003';

const sites = (count: number, groups: number, extra: (i: number) => Partial<SiteSeed> = () => ({})): SiteSeed[] =>
  Array.from({ length: count }, (_, i) => ({ resourceGroup: `rg-${i % groups}`, name: `app-${i}`, clientCertEnabled: true, clientCertMode: 'Required', ...extra(i) }));

let emu: Emulator;
let deps: EnforcerDeps;
let arm: ReturnType<typeof createArmSites>;

beforeAll(async () => {
  // A little latency so the three jobs' requests are in flight at the same time.
  emu = await startEmulator({ throttle: false, pageSize: 4, latencyMs: 5 });
  emu.seed({
    subscriptions: [
      { id: SMALL, sites: sites(3, 3) },
      { id: LARGE, sites: sites(18, 3, (i) => (i % 4 === 0 ? { slots: [{ name: 'staging', clientCertEnabled: true, clientCertMode: 'Required' }] } : {})) },
      { id: ENFORCED, sites: sites(6, 2) },
    ],
  });
  const config = loadConfig({ MTLS_ARM_ENDPOINT: emu.url, MTLS_ENFORCER_OBJECT_ID: ENFORCER.oid, MTLS_ENFORCER_APP_ID: ENFORCER.appid }, { requireStorage: false });
  const store = createMemoryStore();
  arm = createArmSites({ endpoint: emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: emu.caCertPem });
  deps = {
    sites: arm, writer: arm, findings: store.findings, history: store.history, processedEvents: store.processedEvents, exemptions: store.exemptions,
    settings: store.settings, register: store.exemptionRegister, sweeps: store.sweeps, leases: store.leases,
    policy: config.policy, remediation: config.remediation, clock: () => new Date(), newId: () => randomUUID(), log: () => {},
  };
  await setSubscriptionSettings(deps, { subscriptionId: SMALL, mode: 'audit', by: 'test' });
  await setSubscriptionSettings(deps, { subscriptionId: LARGE, mode: 'audit', by: 'test' });
  await setSubscriptionSettings(deps, { subscriptionId: ENFORCED, mode: 'enforce', by: 'test' });
});

afterAll(async () => {
  await emu.stop();
});

describe("a sweep job's armCalls", () => {
  it("is that subscription's own ARM requests, as the emulator counted them, while subscriptions are swept at the same time", async () => {
    const subscriptionIds = [SMALL, LARGE, ENFORCED];
    const startedAt = new Date();
    const runId = newRunId(startedAt, 'armcalls');
    await deps.sweeps.createRun({ id: runId, startedAt: startedAt.toISOString(), trigger: 'test', subscriptionIds });
    // The enforced subscription's first sweep records its baseline; two apps then drift, which its
    // next sweep reverts: the job re-reads, PATCHes and reads back each.
    const baselineAt = new Date(startedAt.getTime() - 60_000);
    const baselineRun = newRunId(baselineAt, 'baseline');
    await deps.sweeps.createRun({ id: baselineRun, startedAt: baselineAt.toISOString(), trigger: 'test', subscriptionIds: [ENFORCED] });
    await runSweepJob(deps, arm, { runId: baselineRun, startedAt: baselineAt.toISOString(), subscriptionId: ENFORCED });
    for (const [group, app] of [['rg-0', 'app-0'], ['rg-1', 'app-1']] as const) emu.userWrite(siteId(ENFORCED, group, app), { clientCertEnabled: false }, ALICE);
    emu.stats.reset();
    // One list page of the large subscription fails once: the SDK's retry is a request ARM counts too.
    emu.faults.inject({ kind: '503', method: 'GET', pathIncludes: LARGE }, 1);

    const results = await Promise.all(subscriptionIds.map((subscriptionId) => runSweepJob(deps, arm, { runId, startedAt: startedAt.toISOString(), subscriptionId })));

    const counted = emu.stats.snapshot().bySubscription;
    expect(emu.stats.faults).toBe(1);
    expect(emu.stats.patches()).toHaveLength(2);
    expect(new Set(subscriptionIds.map((s) => counted[s])).size).toBe(3);
    expect(Object.fromEntries(results.map((r) => [r.subscriptionId, r.armCalls]))).toEqual({ [SMALL]: counted[SMALL], [LARGE]: counted[LARGE], [ENFORCED]: counted[ENFORCED] });
    const recorded = await deps.sweeps.getRun(runId);
    expect(Object.fromEntries((recorded?.subscriptions ?? []).map((s) => [s.subscriptionId, s.armCalls]))).toEqual({ [SMALL]: counted[SMALL], [LARGE]: counted[LARGE], [ENFORCED]: counted[ENFORCED] });
  });

  it('is what `mtls-enforcer sweep` prints per subscription, sweeping them side by side', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arm-calls-'));
    const caPath = join(dir, 'ca.pem');
    await writeFile(caPath, emu.caCertPem);
    const io = cliIo({ MTLS_ARM_ENDPOINT: emu.url, MTLS_ARM_CA_CERT_PATH: caPath, MTLS_ARM_TOKEN: makeEmulatorToken(ENFORCER) });
    emu.stats.reset();

    const code = await runCli(['sweep', '--subscription', SMALL, '--subscription', LARGE, '--no-store', '--json'], io);

    expect(code).toBe(0);
    const printed = Object.fromEntries([...io.err.matchAll(/^(\S+)\b.*  ARM calls (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    const counted = emu.stats.snapshot().bySubscription;
    expect(printed).toEqual({ [SMALL]: counted[SMALL], [LARGE]: counted[LARGE] });
  });

  it('counts only the requests of the work it wraps, not those sent beside it', async () => {
    const ref = parseSiteId(siteId(SMALL, 'rg-0', 'app-0'));
    if (!ref) throw new Error('test id does not parse');

    const [counted] = await Promise.all([arm.countRequests(() => arm.getSite(ref)), arm.getSite(ref), arm.getSite(ref)]);

    expect(counted.value?.id.toLowerCase()).toBe(ref.key);
    expect(counted.requests).toBe(1);
  });
});
