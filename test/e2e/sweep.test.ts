import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failSweepJob, recordEvaluation, runSweepJob, setSubscriptionSettings, sweepSubscription, type SiteLister, type SubscriptionSweepResult } from '../../src/enforcer/index.js';
import { parseSiteId, type SiteRef } from '../../src/policy/index.js';
import { siteId, type SiteSeed } from '../../tools/arm-emulator/src/emulator/index.js';
import { cliIo } from '../support/cliIo.js';
import { ALICE, enforcerArmSites, startStack, type Stack } from '../support/stack.js';

const SUBS = ['5e5e0000-0000-4000-8000-000000000001', '5e5e0000-0000-4000-8000-000000000002', '5e5e0000-0000-4000-8000-000000000003'];
const PER_SUB = 40;
/** A small subscription for the race between a sweep and the event path. */
const RACE = '5e5e0000-0000-4000-8000-0000000000ff';
/** Display names the emulator's subscription listing gives; the others list none (their id). */
const NAMES: Record<string, string> = { [SUBS[0] as string]: 'shop-prod', [SUBS[2] as string]: 'shop-dev' };

/** 40 sites per subscription: 30 compliant (every 5th with a slot, half of them drifted), 4 Optional, 2 exclusion paths, 2 Free, 1 Logic App, 1 disabled. */
function fleetOf(sub: string): SiteSeed[] {
  return Array.from({ length: PER_SUB }, (_, i): SiteSeed => {
    const name = `app-${i}`;
    if (i < 30) return { resourceGroup: `rg-${i % 3}`, name, kind: i % 2 ? 'functionapp,linux' : 'app', clientCertEnabled: true, clientCertMode: 'Required', ...(i % 5 === 0 ? { slots: [{ name: 'staging', clientCertEnabled: i % 10 !== 0 }] } : {}) };
    if (i < 34) return { resourceGroup: 'rg-opt', name, clientCertEnabled: true, clientCertMode: 'Optional' };
    if (i < 36) return { resourceGroup: 'rg-paths', name, clientCertEnabled: true, clientCertMode: 'Required', clientCertExclusionPaths: '/health' };
    if (i < 38) return { resourceGroup: 'rg-free', name, sku: 'Free', clientCertEnabled: false };
    if (i < 39) return { resourceGroup: 'rg-la', name, kind: 'functionapp,workflowapp', clientCertEnabled: false };
    void sub;
    return { resourceGroup: 'rg-off', name, clientCertEnabled: false };
  });
}

// Per subscription: compliant 30 sites + 3 good slots; noncompliant 4 Optional + 2 paths + 1 disabled + 3 drifted slots.
const EXPECTED = { compliant: 33, noncompliant: 10, 'unsupported-plan': 2, 'not-applicable': 1 };

let stack: Stack;
let lister: ReturnType<typeof enforcerArmSites>;
const sweep = (sub: string, id: string): Promise<SubscriptionSweepResult> => sweepSubscription(stack.deps, lister, sub, { id, startedAt: new Date().toISOString() });

beforeAll(async () => {
  stack = await startStack({ subscribe: false, emulator: { pageSize: 25 }, seed: { subscriptions: [...SUBS.map((id) => ({ id, ...(NAMES[id] ? { displayName: NAMES[id] } : {}), sites: fleetOf(id) })), { id: RACE, sites: ['app-a', 'app-b', 'app-c'].map((name) => ({ resourceGroup: 'rg-r', name, clientCertEnabled: true, clientCertMode: 'Required' })) }] } });
  lister = enforcerArmSites(stack);
  for (const sub of [...SUBS, RACE]) await setSubscriptionSettings(stack.deps, { subscriptionId: sub, mode: 'audit', by: 'test' });
});

afterAll(async () => {
  await stack?.stop();
});

describe('sweepSubscription (list payloads, batched writes, history only for changes)', () => {
  it('counts every site and slot exactly, with zero per-site GETs', async () => {
    stack.emu.stats.reset();

    const results = await Promise.all(SUBS.map((sub) => sweep(sub, 'run-1')));

    for (const r of results) {
      expect(r.counts).toEqual(EXPECTED);
      expect(r.evaluated).toBe(46);
      expect(r.historyRows).toBe(46);
    }
    expect(stack.emu.stats.counts['GET site'] ?? 0).toBe(0);
    expect(stack.emu.stats.counts['GET slot'] ?? 0).toBe(0);
    // Per subscription: 2 pages of 40 sites, then 8 resource-group listings with their slots, instead of 40 slot listings.
    expect(stack.emu.stats.counts['LIST sites']).toBe(3 * (2 + 8));
    expect(stack.emu.stats.counts['LIST slots'] ?? 0).toBe(0);
    let stored = 0;
    for await (const _ of stack.deps.findings.list({ subscriptionId: SUBS[0] as string })) stored++;
    expect(stored).toBe(46);
  });

  it('appends no history when nothing changed', async () => {
    const results = await Promise.all(SUBS.map((sub) => sweep(sub, 'run-2')));

    expect(results.map((r) => r.historyRows)).toEqual([0, 0, 0]);
  });

  it('records exactly the drifted apps and the deleted one on the next sweep', async () => {
    const sub = SUBS[1] as string;
    for (let i = 1; i <= 5; i++) expect(stack.emu.userWrite(siteId(sub, `rg-${i % 3}`, `app-${i}`), { clientCertEnabled: false }, ALICE).status).toBe(200);
    stack.emu.userDelete(siteId(sub, 'rg-2', 'app-29'), ALICE);

    const result = await sweep(sub, 'run-3');

    expect(result.historyRows).toBe(6);
    expect(result.deleted).toBe(1);
    expect(result.counts.noncompliant).toBe(15);
    expect((await stack.deps.findings.get(siteId(sub, 'rg-2', 'app-29').toLowerCase()))?.status).toBe('deleted');
  });

  it('never overwrites a finding the event path recorded from a later ARM read while the sweep was listing', async () => {
    // Prepare: every row exists; the next sweep lists app-a as compliant, then, before the sweep
    // writes, the user drifts app-a and the event path records it from a fresh read.
    await sweep(RACE, 'race-1');
    const id = siteId(RACE, 'rg-r', 'app-a');
    const ref = parseSiteId(id) as SiteRef;
    const racing: SiteLister = {
      async *listSites(sub) {
        yield* lister.listSites(sub);
        expect(stack.emu.userWrite(id, { clientCertEnabled: false }, ALICE).status).toBe(200);
        const at = new Date().toISOString();
        await recordEvaluation(stack.deps, ref, await stack.deps.sites.getSite(ref), { id: 'evt-race', at, observedAt: at, source: 'event', eventId: 'evt-race' });
      },
      listSlots: (site) => lister.listSlots(site),
    };

    // Act
    const result = await sweepSubscription(stack.deps, racing, RACE, { id: 'race-2', startedAt: new Date().toISOString() });

    // Assess: the sweep counted what it saw, but the stored row is the event path's later truth
    expect(result.counts).toEqual({ compliant: 3 });
    const stored = await stack.deps.findings.get(id.toLowerCase());
    expect(stored?.status).toBe('noncompliant');
    expect(stored?.lastEventId).toBe('evt-race');
    expect((await stack.deps.findings.get(siteId(RACE, 'rg-r', 'app-b').toLowerCase()))?.status).toBe('compliant');
  });

  it('takes back its history row when a change it saw is overtaken by the event path before its write', async () => {
    // Prepare: app-c is recorded drifted, then quietly fixed; the sweep sees the fix (a change, so a
    // history row), but before it writes, the user drifts app-c again and the event path records it.
    const id = siteId(RACE, 'rg-r', 'app-c');
    const ref = parseSiteId(id) as SiteRef;
    const eventAt = () => new Date().toISOString();
    expect(stack.emu.userWrite(id, { clientCertEnabled: false }, ALICE).status).toBe(200);
    const t0 = eventAt();
    await recordEvaluation(stack.deps, ref, await stack.deps.sites.getSite(ref), { id: 'evt-c1', at: t0, observedAt: t0, source: 'event', eventId: 'evt-c1' });
    expect(stack.emu.userWrite(id, { clientCertEnabled: true }, ALICE).status).toBe(200);
    const racing: SiteLister = {
      async *listSites(sub) {
        yield* lister.listSites(sub);
        expect(stack.emu.userWrite(id, { clientCertEnabled: false }, ALICE).status).toBe(200);
        const t1 = eventAt();
        await recordEvaluation(stack.deps, ref, await stack.deps.sites.getSite(ref), { id: 'evt-c2', at: t1, observedAt: t1, source: 'event', eventId: 'evt-c2' });
      },
      listSlots: (site) => lister.listSlots(site),
    };

    // Act
    const result = await sweepSubscription(stack.deps, racing, RACE, { id: 'race-3', startedAt: new Date().toISOString() });

    // Assess: no row claims the sweep saw app-c fixed; the finding is the event path's
    expect(result.historyRows).toBe(0);
    const history = await stack.deps.history.list(id.toLowerCase());
    expect(history.filter((h) => h.causeId.startsWith('race-3'))).toEqual([]);
    expect((await stack.deps.findings.get(id.toLowerCase()))?.status).toBe('noncompliant');
  });

  it('does not record a drift it listed over the fix the event path recorded from a later read', async () => {
    // Prepare: app-b is listed drifted; before the sweep assesses its drift, the user fixes it and the event path records that.
    const id = siteId(RACE, 'rg-r', 'app-b');
    const ref = parseSiteId(id) as SiteRef;
    expect(stack.emu.userWrite(id, { clientCertEnabled: false }, ALICE).status).toBe(200);
    const racing: SiteLister = {
      async *listSites(sub) {
        yield* lister.listSites(sub);
        expect(stack.emu.userWrite(id, { clientCertEnabled: true }, ALICE).status).toBe(200);
        const at = new Date(Date.now() + 1).toISOString();
        await recordEvaluation(stack.deps, ref, await stack.deps.sites.getSite(ref), { id: 'evt-b-fixed', at, observedAt: at, source: 'event', eventId: 'evt-b-fixed' });
      },
      listSlots: (site) => lister.listSlots(site),
    };

    // Act
    await sweepSubscription(stack.deps, racing, RACE, { id: 'race-4', startedAt: new Date().toISOString() });

    // Assess
    const stored = await stack.deps.findings.get(id.toLowerCase());
    expect(stored?.status).toBe('compliant');
    expect(stored?.lastEventId).toBe('evt-b-fixed');
  });

  it('gives the same final state when the same run is redelivered', async () => {
    const sub = SUBS[2] as string;
    expect(stack.emu.userWrite(siteId(sub, 'rg-0', 'app-3'), { clientCertMode: 'Optional' }, ALICE).status).toBe(200);
    const run = { id: 'run-4', startedAt: new Date().toISOString() };

    const first = await sweepSubscription(stack.deps, lister, sub, run);
    const again = await sweepSubscription(stack.deps, lister, sub, run);

    expect(again.counts).toEqual(first.counts);
    const history = await stack.deps.history.list(siteId(sub, 'rg-0', 'app-3').toLowerCase());
    expect(history.filter((h) => h.causeId.startsWith('run-4'))).toHaveLength(1);
  });
});

describe('subscription names on the Sweeps table', () => {
  it('keeps the planned name on the pending row, and in the result of a job queued without one', async () => {
    const startedAt = new Date().toISOString();
    await stack.deps.sweeps.createRun({ id: 'named-1', startedAt, trigger: 'test', subscriptionIds: [RACE, SUBS[1] as string], subscriptionNames: { [RACE]: 'race-sub' } });
    const planned = await stack.deps.sweeps.getRun('named-1');
    expect(planned?.subscriptions.map((s) => [s.subscriptionId, s.subscriptionName, s.status]).sort()).toEqual([[SUBS[1], undefined, 'pending'], [RACE, 'race-sub', 'pending']]);

    // A message queued before names were carried: the worker takes the name from the pending row.
    await runSweepJob(stack.deps, lister, { runId: 'named-1', startedAt, subscriptionId: RACE });
    // The poison path has only the job: a job with the name records it.
    await failSweepJob(stack.deps, { runId: 'named-1', startedAt, subscriptionId: SUBS[1] as string, subscriptionName: 'named-in-job' }, 'gave up');

    const run = await stack.deps.sweeps.getRun('named-1');
    expect(run?.subscriptions.map((s) => [s.subscriptionId, s.subscriptionName, s.status]).sort()).toEqual([[SUBS[1], 'named-in-job', 'failed'], [RACE, 'race-sub', 'done']]);
  });
});

describe('mtls-enforcer sweep (inline, no queue)', () => {
  it('sweeps, prints a CSV report with a row per app and slot, and exits 1 when asked to fail on drift', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    const io = cliIo(stack.env);

    const code = await runCli(['sweep', '--subscription', SUBS[0] as string, '--format', 'csv', '--fail-on-noncompliant'], io);

    expect(code).toBe(1);
    const lines = io.out.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(1 + 46);
    const header = (lines[0] ?? '').split(',');
    const names = new Set(lines.slice(1).map((line) => line.split(',')[header.indexOf('subscriptionName')]));
    expect(names).toEqual(new Set(['shop-prod']));
    expect(io.err).toContain(`shop-prod (${SUBS[0]})  audit  46 evaluated`);
  });

  it('writes a self-contained HTML report to --out', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    const { mkdtemp, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const out = join(await mkdtemp(join(tmpdir(), 'sweep-')), 'report.html');

    expect(await runCli(['sweep', '--subscription', SUBS[0] as string, '--format', 'html', '--out', out], cliIo(stack.env))).toBe(0);

    const html = await readFile(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
  });

  it('--dry-run in an enforce subscription writes nothing to ARM or to the tables, and reports what enforce would do', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    const sub = SUBS[0] as string;
    await setSubscriptionSettings(stack.deps, { subscriptionId: sub, mode: 'enforce', by: 'test' });
    const drifted = siteId(sub, 'rg-1', 'app-4');
    expect(stack.emu.userWrite(drifted, { clientCertEnabled: false }, ALICE).status).toBe(200);
    const before = await snapshotTables(sub);
    stack.emu.stats.reset();
    const io = cliIo(stack.env);

    try {
      const code = await runCli(['sweep', '--subscription', sub, '--dry-run', '--json'], io);

      expect(code).toBe(0);
      expect(stack.emu.stats.writes).toHaveLength(0);
      expect(await snapshotTables(sub)).toEqual(before);
      const report = JSON.parse(io.out) as { totals: { byStatus: Record<string, number> }; attention: Array<{ resourceId: string }> };
      expect(report.attention.map((a) => a.resourceId)).toContain(drifted);
      expect(io.err).toContain('dry run: nothing was written');
      // It compares with the stored runs: the trend ends with this dry run, after the recorded ones.
      const trend = (JSON.parse(io.out) as { trend: Array<{ runId: string }>; changes?: unknown }).trend;
      expect(trend.length).toBeGreaterThan(1);
      expect(trend.at(-1)?.runId).toMatch(/-dryrun$/);
      expect(JSON.parse(io.out)).toHaveProperty('changes');
    } finally {
      await setSubscriptionSettings(stack.deps, { subscriptionId: sub, mode: 'audit', by: 'test' });
      expect(stack.emu.userWrite(drifted, { clientCertEnabled: true }, ALICE).status).toBe(200);
    }
  });

  it('--no-store sweeps with no storage account at all, discovering every readable subscription', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    const { MTLS_STORAGE_CONNECTION: _, MTLS_TABLE_PREFIX: __, ...env } = stack.env;
    const io = cliIo({ ...env, MTLS_DEFAULT_MODE: 'audit' });

    const code = await runCli(['sweep', '--no-store', '--json'], io);

    expect(io.err).not.toContain('mtls-enforcer:');
    expect(code).toBe(0);
    const report = JSON.parse(io.out) as { totals: { total: number }; run: { subscriptions: Array<{ subscriptionId: string; status: string }> } };
    expect(report.run.subscriptions.map((s) => s.subscriptionId).sort()).toEqual([...SUBS, RACE].sort());
    expect(report.run.subscriptions.every((s) => s.status === 'done')).toBe(true);
    const { sites, slots } = stack.emu.fleet.size(); // every site and slot the emulator holds now (earlier tests delete some)
    expect(report.totals.total).toBe(sites + slots);
  });

  it('records the run, so report --run latest renders it; a refused subscription is reported and exits 3', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    stack.emu.faults.inject({ kind: '403', method: 'GET', pathIncludes: SUBS[2] as string }, 1000);
    const io = cliIo(stack.env);
    let code: number;
    try {
      code = await runCli(['sweep', '--subscription', SUBS[0] as string, '--subscription', SUBS[2] as string, '--json'], io);
    } finally {
      stack.emu.faults.clear();
    }

    expect(code).toBe(3);
    expect(io.err).toContain(`shop-dev (${SUBS[2]}) not swept`);
    const swept = JSON.parse(io.out) as { runState: string; run: { id: string } };
    expect(swept.runState).toBe('incomplete');
    const again = cliIo(stack.env);
    expect(await runCli(['report', '--run', 'latest', '--format', 'json'], again)).toBe(0);
    const stored = JSON.parse(again.out) as { run: { id: string; subscriptions: Array<{ subscriptionId: string; subscriptionName?: string; status: string }> } };
    expect(stored.run.id).toBe(swept.run.id);
    // The names came with the run from the Sweeps table, the failed subscription's too.
    expect(stored.run.subscriptions.map((s) => [s.subscriptionId, s.subscriptionName, s.status]).sort()).toEqual([[SUBS[0], 'shop-prod', 'done'], [SUBS[2], 'shop-dev', 'failed']]);
    const markdown = cliIo(stack.env);
    expect(await runCli(['report', '--run', swept.run.id, '--format', 'markdown'], markdown)).toBe(0);
    expect(markdown.out).toContain(`> **⚠ Subscription shop-dev (${SUBS[2]}) failed:`);
    expect(markdown.out).toMatch(new RegExp(`\\| shop-prod \\(${SUBS[0]}\\) \\| `));
  });

  it('draws a progress bar on a terminal and prints one summary line per subscription otherwise', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    const tty = Object.assign(cliIo(stack.env), { stderrIsTTY: true });
    const plain = cliIo(stack.env);

    await runCli(['sweep', '--subscription', RACE, '--dry-run'], tty);
    await runCli(['sweep', '--subscription', RACE, '--dry-run'], plain);

    expect(tty.err).toMatch(/\r\u001b\[2K\[#+\] 1\/1 subscriptions · 3 resources/);
    expect(tty.err).not.toContain('evaluated in');
    expect(plain.err).toContain(`${RACE}  audit  3 evaluated in`);
    expect(plain.err).not.toContain('\r');
  });

  it('rejects an unknown --mode and a --json that contradicts --format', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    const a = cliIo(stack.env);
    const b = cliIo(stack.env);

    expect(await runCli(['sweep', '--mode', 'off'], a)).toBe(2);
    expect(await runCli(['sweep', '--json', '--format', 'csv'], b)).toBe(2);
    expect(a.err).toContain('--mode must be audit or enforce');
    expect(b.err).toContain('--json and --format disagree');
  });
});

/** Every finding row of a subscription with its ETag, plus the latest run ids: what a dry run must leave as it was. */
async function snapshotTables(sub: string): Promise<unknown> {
  const rows: Array<[string, string | undefined]> = [];
  for await (const f of stack.deps.findings.list({ subscriptionId: sub })) rows.push([f.key, f.etag]);
  const runs = (await stack.deps.sweeps.latestRuns(5)).map((r) => r.id);
  return { rows: rows.sort(), runs };
}
