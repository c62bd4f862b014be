import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSubscriptionSettings, sweepSubscription } from '../../src/enforcer/index.js';
import { siteId, type SiteSeed } from '../../tools/arm-emulator/src/emulator/index.js';
import { cliIo } from '../support/cliIo.js';
import { ALICE, enforcerArmSites, startStack, type Stack } from '../support/stack.js';

/**
 * A sweep's non-compliance split into baseline debt (non-compliant since before the first sweep)
 * and drift (apps that were compliant and regressed): in the sweep result, the stored run, the
 * CLI's summary lines, its JSON and the markdown report; an old run row without `debt` still renders.
 */
const SUB = 'deb70000-0000-4000-8000-000000000001';
const RG = 'rg-split';
const DEBT_SPLIT = { noncompliant: 5, debt: 3, drift: 2 };
const SPLIT_TEXT = '5 non-compliant (3 baseline debt, 2 drift)';

/** app-0..4 compliant, app-5..7 non-compliant from the start (debt). */
function fleet(): SiteSeed[] {
  return Array.from({ length: 8 }, (_, i): SiteSeed => ({ resourceGroup: RG, name: `app-${i}`, clientCertEnabled: true, clientCertMode: i < 5 ? 'Required' : 'Optional' }));
}

interface JsonRun { id: string; nonCompliance?: unknown; subscriptions: Array<{ subscriptionId: string; nonCompliance?: unknown }> }

let stack: Stack;
let lister: ReturnType<typeof enforcerArmSites>;
let cliRunId: string;

beforeAll(async () => {
  stack = await startStack({ subscribe: false, seed: { subscriptions: [{ id: SUB, displayName: 'split-shop', sites: fleet() }] } });
  lister = enforcerArmSites(stack);
  await setSubscriptionSettings(stack.deps, { subscriptionId: SUB, mode: 'audit', by: 'test' });
  // The first sweep: app-5..7 are recorded as debt, app-0..4 guarded. Then two guarded apps regress: drift.
  const first = await sweepSubscription(stack.deps, lister, SUB, { id: 'run-first', startedAt: new Date().toISOString() });
  expect(first.counts.noncompliant).toBe(3);
  for (const name of ['app-0', 'app-1']) expect(stack.emu.userWrite(siteId(SUB, RG, name), { clientCertEnabled: false }, ALICE).status).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

describe('sweep results count baseline debt apart from drift', () => {
  it('prints the split per subscription and for the run, returns it in --json, and stores it on the run', async () => {
    // Act
    const { runCli } = await import('../../src/cli/index.js');
    const io = cliIo(stack.env);
    const code = await runCli(['sweep', '--subscription', SUB, '--json'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.err).toContain(`split-shop (${SUB})  audit  8 evaluated in`);
    expect(io.err).toMatch(new RegExp(`noncompliant=5  ${escape(SPLIT_TEXT)}  ARM calls`));
    const json = JSON.parse(io.out) as { run: JsonRun };
    cliRunId = json.run.id;
    expect(io.err).toContain(`sweep ${cliRunId}: 1 subscription(s), ${SPLIT_TEXT}\n`);
    expect(json.run.nonCompliance).toEqual(DEBT_SPLIT);
    expect(json.run.subscriptions.map((s) => [s.subscriptionId, s.nonCompliance])).toEqual([[SUB, DEBT_SPLIT]]);
    const stored = await stack.deps.sweeps.getRun(cliRunId);
    expect(stored?.subscriptions.map((s) => [s.status, s.counts?.noncompliant, s.debt])).toEqual([['done', 5, 3]]);
  });

  it('shows the split in the markdown report of the stored run', async () => {
    // Act
    const { runCli } = await import('../../src/cli/index.js');
    const io = cliIo(stack.env);
    const code = await runCli(['report', '--run', cliRunId, '--format', 'markdown'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.out).toContain(`1 subscription(s), 0 failed, 0 pending; ${SPLIT_TEXT}).`);
    expect(io.out).toMatch(new RegExp(`\\| split-shop \\(${SUB}\\) \\| audit \\| test \\| done, ${escape(SPLIT_TEXT)} \\|`));
  });

  it('counts the split in the sweep result itself', async () => {
    // Act
    const result = await sweepSubscription(stack.deps, lister, SUB, { id: 'run-direct', startedAt: new Date().toISOString() });

    // Assess
    expect(result.counts).toEqual({ compliant: 3, noncompliant: 5 });
    expect(result.debt).toBe(3);
  });

  it('renders an old run row without debt as unknown, not as 0 debt', async () => {
    // Prepare: a run recorded as before debt was counted (no `debt` on its row).
    const old = { id: 'run-before-debt', startedAt: '2020-01-01T00:00:00.000Z', trigger: 'timer' };
    await stack.deps.sweeps.createRun({ ...old, subscriptionIds: [SUB] });
    await stack.deps.sweeps.recordSubscription(old.id, { subscriptionId: SUB, status: 'done', mode: 'audit', evaluated: 8, counts: { compliant: 3, noncompliant: 5 }, finishedAt: '2020-01-01T00:05:00.000Z' });
    const { runCli } = await import('../../src/cli/index.js');
    const markdown = cliIo(stack.env);
    const json = cliIo(stack.env);

    // Act
    const codes = [await runCli(['report', '--run', old.id, '--format', 'markdown'], markdown), await runCli(['report', '--run', old.id, '--format', 'json'], json)];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect((await stack.deps.sweeps.getRun(old.id))?.subscriptions[0]?.debt).toBeUndefined();
    expect(markdown.out).toContain('5 non-compliant (baseline debt unknown)');
    expect(markdown.out).not.toContain('0 baseline debt');
    const unknown = { noncompliant: 5, debt: null, drift: null };
    const run = (JSON.parse(json.out) as { run: JsonRun }).run;
    expect(run.nonCompliance).toEqual(unknown);
    expect(run.subscriptions[0]?.nonCompliance).toEqual(unknown);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
