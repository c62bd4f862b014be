import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { runState } from '../../src/enforcer/index.js';
import type { FaultKind } from '../../tools/arm-emulator/src/emulator/index.js';
import { createRuntime, MAX_DEQUEUE_COUNT, type Runtime } from '../../src/triggers/index.js';
import { startStack, type Stack } from '../support/stack.js';
import { fleetOf, groundTruth, outcomes, random, sweep } from './storm.js';

/**
 * The nightly sweep under the event storm's faults (20% of ARM calls: 500, 503, 429 with
 * Retry-After, dropped connections, slow answers), its queue jobs retried as the Functions runtime
 * does (up to maxDequeueCount, then recorded failed). Compared with a clean sweep of the same fleet.
 */
const SUBS = ['5e5e0000-0000-4000-8000-000000000001', '5e5e0000-0000-4000-8000-000000000002', '5e5e0000-0000-4000-8000-000000000003', '5e5e0000-0000-4000-8000-000000000004'];
const DENIED = SUBS[3] as string;
const FAULT_KINDS: FaultKind[] = ['500', '503', '429', 'drop', 'slow'];
const { seed, resources } = fleetOf(SUBS, 15, 3);

let stack: Stack;
const runtime = async (): Promise<Runtime> => createRuntime(loadConfig({ ...stack.env, MTLS_TABLE_PREFIX: `w${randomUUID().replace(/-/g, '').slice(0, 12)}` }), () => {});

beforeAll(async () => {
  // Small list pages: many ARM calls per subscription, so the faults land mid-listing too.
  stack = await startStack({ subscribe: false, seed, emulator: { pageSize: 3 } });
  // Drift on about a third of the fleet, set straight in the emulator (no events: the sweep must find it).
  const rand = random(7);
  for (const r of resources) {
    const record = r.slot ? stack.emu.fleet.getSlot(r.subscriptionId, 'rg', r.site, r.slot) : stack.emu.fleet.getSite(r.subscriptionId, 'rg', r.site);
    const roll = rand();
    if (record && roll < 0.15) record.properties.clientCertEnabled = false;
    else if (record && roll < 0.3) record.properties.clientCertMode = 'Optional';
  }
});

afterAll(async () => {
  stack?.emu.faults.clear();
  await stack?.stop();
});

describe('sweep under ARM faults', () => {
  it('ends complete with the clean sweep\'s counts and findings, or visibly incomplete, never wrong', async () => {
    const clean = await runtime();
    const { runId: cleanId } = await sweep(clean, SUBS);
    const cleanRun = await clean.deps.sweeps.getRun(cleanId);
    const countsOf = (subscriptionId: string) => cleanRun?.subscriptions.find((s) => s.subscriptionId === subscriptionId)?.counts;
    expect(cleanRun && runState(cleanRun, new Date(), 3_600_000)).toBe('complete');
    // The clean sweep itself agrees with the plain rule read from the emulator.
    const truth = Object.fromEntries(resources.map((r) => [r.id.toLowerCase(), groundTruth(stack.emu, r)]));
    expect(Object.fromEntries(Object.entries(await outcomes(clean, SUBS)).map(([k, v]) => [k, v.split(':')[0]]))).toEqual(truth);

    // Same fleet, 20% of ARM calls failing; one subscription also denies every read (a role missing there).
    const rand = random(11);
    stack.emu.faults.slowMs = 150;
    stack.emu.stats.reset();
    stack.emu.faults.set(({ path }) => {
      if (path.toLowerCase().includes(DENIED)) return '403';
      return rand() < 0.2 ? FAULT_KINDS[Math.floor(rand() * FAULT_KINDS.length)] : undefined;
    });
    const faulty = await runtime();
    const withDenied = await sweep(faulty, SUBS);
    const partial = await faulty.deps.sweeps.getRun(withDenied.runId);
    const faultsA = stack.emu.stats.faults;
    const callsA = stack.emu.stats.total();

    // Without the denied subscription the same faults must not change the result: three runs, each complete and equal.
    const healthy = SUBS.slice(0, 3);
    const runs: Array<{ rt: Runtime; run: Awaited<ReturnType<typeof clean.deps.sweeps.getRun>>; attempts: number }> = [];
    stack.emu.stats.reset();
    stack.emu.faults.set(({ path }) => (rand() < 0.2 && !path.toLowerCase().includes(DENIED) ? FAULT_KINDS[Math.floor(rand() * FAULT_KINDS.length)] : undefined));
    for (let i = 0; i < 3; i++) {
      const rt = await runtime();
      const { runId, attempts } = await sweep(rt, healthy);
      runs.push({ rt, run: await rt.deps.sweeps.getRun(runId), attempts });
    }
    const faultsB = stack.emu.stats.faults;
    const callsB = stack.emu.stats.total();
    stack.emu.faults.clear();

    expect(partial && runState(partial, new Date(), 3_600_000)).toBe('incomplete');
    expect(partial?.subscriptions.find((s) => s.subscriptionId === DENIED)).toMatchObject({ status: 'failed' });
    const others = (partial?.subscriptions ?? []).filter((s) => s.subscriptionId !== DENIED);
    expect(others.map((s) => s.status)).toEqual(others.map(() => 'done'));
    expect(others.length).toBe(SUBS.length - 1);
    for (const s of others) expect(s.counts, s.subscriptionId).toEqual(countsOf(s.subscriptionId));
    expect(await outcomes(faulty, healthy)).toEqual(await outcomes(clean, healthy));

    for (const { rt, run } of runs) {
      expect(run && runState(run, new Date(), 3_600_000)).toBe('complete');
      for (const s of run?.subscriptions ?? []) expect(s.counts, s.subscriptionId).toEqual(countsOf(s.subscriptionId));
      expect(await outcomes(rt, healthy)).toEqual(await outcomes(clean, healthy));
    }
    // The denied subscription's 403s count as faults of the first run (always some): the healthy runs must meet faults of their own.
    expect(faultsB).toBeGreaterThan(0);
    expect(faultsA).toBeGreaterThan(0);
    console.info(
      `sweep under faults: ${resources.length} resources in ${SUBS.length} subscriptions; run with a denied subscription: ${faultsA} faults in ${callsA} ARM calls, ${withDenied.attempts} job attempts ` +
        `(denied one ${MAX_DEQUEUE_COUNT} times, then failed), state ${partial && runState(partial, new Date(), 3_600_000)}; 3 runs without: ${faultsB} faults in ${callsB} ARM calls, ` +
        `${runs.reduce((n, r) => n + r.attempts, 0)} job attempts, states ${runs.map((r) => r.run && runState(r.run, new Date(), 3_600_000)).join('/')}; finding diffs vs clean sweep 0`,
    );
  }, 300_000);
});
