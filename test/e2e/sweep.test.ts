import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArmSites } from '../../src/azure/index.js';
import { recordEvaluation, setSubscriptionSettings, sweepSubscription, type SiteLister, type SubscriptionSweepResult } from '../../src/enforcer/index.js';
import { parseSiteId, type SiteRef } from '../../src/policy/index.js';
import { emulatorCredential, makeEmulatorToken, siteId, type SiteSeed } from '../../src/emulator/index.js';
import { cliIo } from '../support/cliIo.js';
import { ALICE, ENFORCER, startStack, type Stack } from '../support/stack.js';

const SUBS = ['5e5e0000-0000-4000-8000-000000000001', '5e5e0000-0000-4000-8000-000000000002', '5e5e0000-0000-4000-8000-000000000003'];
const PER_SUB = 40;
/** A small subscription for the race between a sweep and the event path. */
const RACE = '5e5e0000-0000-4000-8000-0000000000ff';

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
let lister: ReturnType<typeof createArmSites>;
const sweep = (sub: string, id: string): Promise<SubscriptionSweepResult> => sweepSubscription(stack.deps, lister, sub, { id, startedAt: new Date().toISOString() });

beforeAll(async () => {
  stack = await startStack({ subscribe: false, emulator: { pageSize: 25 }, seed: { subscriptions: [...SUBS.map((id) => ({ id, sites: fleetOf(id) })), { id: RACE, sites: ['app-a', 'app-b', 'app-c'].map((name) => ({ resourceGroup: 'rg-r', name, clientCertEnabled: true, clientCertMode: 'Required' })) }] } });
  lister = createArmSites({ endpoint: stack.emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: stack.emu.caCertPem });
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

describe('mtls-enforcer sweep (inline, no queue)', () => {
  it('sweeps, prints a CSV report with a row per app and slot, and exits 1 when asked to fail on drift', async () => {
    const { runCli } = await import('../../src/cli/index.js');
    const io = cliIo(stack.env);

    const code = await runCli(['sweep', '--subscription', SUBS[0] as string, '--format', 'csv', '--fail-on-noncompliant'], io);

    expect(code).toBe(1);
    const lines = io.out.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(1 + 46);
    expect(io.err).toContain(`${SUBS[0]}  audit  46 evaluated`);
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
});
