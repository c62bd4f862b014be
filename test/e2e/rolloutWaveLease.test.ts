import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyWave, getRollout, setSubscriptionSettings, type EnforcerDeps, type WaveResult } from '../../src/enforcer/index.js';
import type { LeasesPort } from '../../src/model/index.js';
import type { SiteSeed } from '../../tools/arm-emulator/src/emulator/index.js';
import { runCaptured } from '../support/cliIo.js';
import { ENFORCER, enforcerArmSites, startStack, type Stack } from '../support/stack.js';

const LONG = 'a1a5e000-0000-4000-8000-000000000001';
const TAKEN = 'a1a5e000-0000-4000-8000-000000000002';
const FAILING = 'a1a5e000-0000-4000-8000-000000000003';
/**
 * The wave lease's TTL in these tests (MTLS_LEASE_SECONDS allows 10 s at least, so it is set on the
 * deps' config): each member takes 3 ARM requests of LATENCY_MS each, so a wave of many members,
 * worked a few at a time, runs several TTLs long.
 */
const TTL_MS = 1_500;
const LATENCY_MS = 400;

const fleet = (count: number): SiteSeed[] => Array.from({ length: count }, (_, i) => ({ resourceGroup: i % 2 ? 'rg-b' : 'rg-a', name: `app-${String(i).padStart(2, '0')}`, clientCertEnabled: false }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

let stack: Stack;
let lister: ReturnType<typeof enforcerArmSites>;
/** The stack's deps with the tiny lease TTL. */
let tiny: EnforcerDeps;
const cli = (...args: string[]) => runCaptured(args, stack.env);
/** How many times the enforcer's identity PATCHed each app (ARM accepted), by lowercased site name. */
function patchesByApp(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of stack.emu.stats.writes) {
    if (w.method !== 'PATCH' || w.caller?.objectId !== ENFORCER.oid) continue;
    const name = w.path.toLowerCase().split('/sites/')[1] ?? '';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Baseline sweep, then a plan putting every app of the subscription in wave 1; its id. */
async function planOneWave(subscriptionId: string): Promise<string> {
  expect((await cli('sweep', '--subscription', subscriptionId, '--json')).code).toBe(0);
  const planned = await cli('rollout', 'plan', '--subscription', subscriptionId, '--wave-size', '100', '--json');
  expect(planned.code, planned.err).toBe(0);
  return (JSON.parse(planned.out) as { id: string }).id;
}

const apply = (deps: EnforcerDeps, planId: string, concurrency: number, onMember?: () => void): Promise<WaveResult> =>
  applyWave(deps, lister, { planId, wave: 1, force: true, by: 'test', failureThreshold: 0.1, concurrency, ...(onMember ? { onMember } : {}) });

beforeAll(async () => {
  stack = await startStack({
    subscribe: false,
    seed: { subscriptions: [{ id: LONG, sites: fleet(20) }, { id: TAKEN, sites: fleet(12) }, { id: FAILING, sites: fleet(12) }] },
  });
  lister = enforcerArmSites(stack);
  tiny = { ...stack.deps, remediation: { ...stack.deps.remediation, leaseTtlMs: TTL_MS } };
  for (const subscriptionId of [LONG, TAKEN, FAILING]) await setSubscriptionSettings(stack.deps, { subscriptionId, mode: 'enforce', by: 'platform-team' });
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(() => {
  stack.emu.state.setLatency(0);
  stack.emu.stats.reset();
});

describe('a rollout wave keeps its lease while it runs', () => {
  it('a wave running several lease TTLs keeps its lease: a second apply meanwhile is busy, and each member is PATCHed once', async () => {
    // Prepare: 20 members worked 4 at a time, each 3 requests of 400 ms: at least 6 s, 4 TTLs.
    const planId = await planOneWave(LONG);
    stack.emu.stats.reset();
    stack.emu.state.setLatency(LATENCY_MS);
    let worked = 0;
    let finished = false;

    // Act: the first apply runs; once its first members are done and one whole TTL more has passed
    // (its lease, taken before them, would have expired), a second apply of the same wave comes.
    const first = apply(tiny, planId, 4, () => void worked++).finally(() => void (finished = true));
    await until(() => worked >= 4 || finished);
    await sleep(TTL_MS);
    const runningWhenAsked = !finished;
    const second = await cli('rollout', 'apply', '--plan', planId, '--wave', '1', '--now');
    const result = await first;

    // Assess
    expect(runningWhenAsked).toBe(true);
    expect(second.code, second.out).toBe(2);
    expect(second.err).toContain('being applied elsewhere right now');
    expect(result.stopped).toBeUndefined();
    expect(result.status).toBe('done');
    expect(result.counts).toEqual({ remediated: 20 });
    const patches = patchesByApp();
    expect(patches.size).toBe(20);
    expect([...patches.values()].every((n) => n === 1)).toBe(true);
    expect((await getRollout(stack.deps, planId)).waves[0]?.status).toBe('done');
    expect(stack.logs.filter((l) => l.message.includes(`rollout/${planId}/wave/1`))).toEqual([]);
  });

  it('a wave whose lease is taken over mid-run starts no member after, says why, and leaves the wave to the new holder', async () => {
    // Prepare
    const planId = await planOneWave(TAKEN);
    const waveLease = `rollout/${planId}/wave/1`;
    stack.emu.stats.reset();
    stack.emu.state.setLatency(LATENCY_MS - 100);
    let takeover: Promise<boolean> | undefined;
    // Another instance whose clock says the lease expired (as it would after a stall) takes it over.
    const takeOver = async (): Promise<boolean> => {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (await stack.deps.leases.tryAcquire(waveLease, 'another-instance', new Date(Date.now() + 10 * TTL_MS), 10 * TTL_MS)) return true;
      }
      return false;
    };

    // Act: the takeover happens when the first member is done.
    const result = await apply(tiny, planId, 2, () => void (takeover ??= takeOver()));

    // Assess
    expect(await takeover).toBe(true);
    expect(result.stopped).toMatch(new RegExp(`^wave 1 stopped: lease on ${waveLease} lost: another holder took it over after it expired; \\d+ of 12 members not started`));
    expect(result.status).toBe('applying');
    const notStarted = result.members.filter((m) => m.state === 'pending');
    const remediated = result.members.filter((m) => m.state === 'remediated');
    expect(notStarted.length).toBeGreaterThan(0);
    expect(notStarted.length + remediated.length).toBe(12);
    expect(result.stopped).toContain(`; ${notStarted.length} of 12 members not started`);
    // Exactly the members started before the loss (those in flight finished) were PATCHed, once each.
    const patches = patchesByApp();
    expect([...patches.keys()].sort()).toEqual(remediated.map((m) => m.name.toLowerCase()).sort());
    expect([...patches.values()].every((n) => n === 1)).toBe(true);
    // Logged; the wave row stays `applying` (the new holder's), the plan active, the worked members recorded.
    expect(stack.logs.some((l) => l.level === 'warn' && l.message.includes(`lease on ${waveLease} lost`))).toBe(true);
    expect(stack.logs.some((l) => l.level === 'warn' && l.message.includes(`rollout plan ${planId} wave 1 stopped`))).toBe(true);
    const stored = await getRollout(stack.deps, planId);
    expect(stored.waves[0]?.status).toBe('applying');
    expect(stored.plan.status).toBe('active');
    expect(stored.members.filter((m) => m.state === 'remediated').length).toBe(remediated.length);

    // While the other holder has it, an apply is busy; once it lets go, an apply works only the rest.
    expect((await cli('rollout', 'apply', '--plan', planId, '--wave', '1', '--now')).code).toBe(2);
    await stack.deps.leases.release(waveLease, 'another-instance');
    stack.emu.state.setLatency(0);
    const rest = await cli('rollout', 'apply', '--plan', planId, '--wave', '1', '--now', '--json');
    expect(rest.code, rest.err).toBe(0);
    expect((JSON.parse(rest.out) as WaveResult).counts).toEqual({ remediated: 12 });
    expect([...patchesByApp().values()]).toEqual(Array.from({ length: 12 }, () => 1));
  });

  it('a wave whose lease renewals keep failing stops before the lease expires, and the CLI-facing result says so', async () => {
    // Prepare: the lease store answers the wave lease's first take, then fails every renewal of it.
    const planId = await planOneWave(FAILING);
    const waveLease = `rollout/${planId}/wave/1`;
    const inner = stack.deps.leases;
    let waveTakes = 0;
    const leases: LeasesPort = {
      tryAcquire: (name, holder, now, ttlMs) =>
        name === waveLease && waveTakes++ > 0 ? Promise.reject(new Error('Leases table unreachable')) : inner.tryAcquire(name, holder, now, ttlMs),
      release: (name, holder) => inner.release(name, holder),
    };
    stack.emu.stats.reset();
    stack.emu.state.setLatency(LATENCY_MS - 100);

    // Act
    const result = await apply({ ...tiny, leases }, planId, 2);

    // Assess
    expect(result.stopped).toMatch(new RegExp(`^wave 1 stopped: lease on ${waveLease} lost: renewals kept failing and it expires at \\S+ \\(Leases table unreachable\\); \\d+ of 12 members not started`));
    expect(result.status).toBe('applying');
    const remediated = result.members.filter((m) => m.state === 'remediated');
    expect(result.members.filter((m) => m.state === 'pending').length).toBeGreaterThan(0);
    expect([...patchesByApp().keys()].sort()).toEqual(remediated.map((m) => m.name.toLowerCase()).sort());
    expect(stack.logs.some((l) => l.level === 'warn' && l.message.includes(`lease on ${waveLease} not renewed`))).toBe(true);
    // Nobody else took it: once the store answers again, the next apply takes it and finishes the wave.
    stack.emu.state.setLatency(0);
    const rest = await cli('rollout', 'apply', '--plan', planId, '--wave', '1', '--now');
    expect(rest.code, rest.err).toBe(0);
    expect(rest.out).toContain('wave 1 of');
    expect((await getRollout(stack.deps, planId)).waves[0]?.status).toBe('done');
  });
});
