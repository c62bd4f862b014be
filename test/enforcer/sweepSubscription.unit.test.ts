import { describe, expect, it } from 'vitest';
import { setSubscriptionSettings, sweepSubscription } from '../../src/enforcer/index.js';
import { memoryWorld, refOf, SUB, type MemoryWorld } from './memoryDeps.js';

// Sweeps of whole fleets, over Azurite and the emulator, are in test/e2e (sweep, sweepFleet, sweepArmCalls).

let runs = 0;
async function sweep(world: MemoryWorld) {
  world.clock.advance(24 * 60 * 60_000);
  return sweepSubscription(world.deps, world.arm, SUB, { id: `run-${++runs}`, startedAt: world.clock.iso() });
}

/** Three sites (one with a slot) compliant, one failing. */
function fleet(world: MemoryWorld): void {
  world.arm.set('a');
  world.arm.set('b');
  world.arm.set('b', {}, 'staging');
  world.arm.set('legacy', { clientCertEnabled: false });
}

async function statuses(world: MemoryWorld): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const f of world.deps.findings.list({ subscriptionId: SUB })) out[f.key.split('/sites/')[1] ?? f.key] = f.status;
  return out;
}

describe('sweepSubscription over memory ports', () => {
  it('records every site and slot from the listings, a history row for each first outcome, and writes nothing to ARM in audit', async () => {
    // Prepare
    const world = memoryWorld();
    fleet(world);

    // Act
    const result = await sweep(world);

    // Assess
    expect(result).toEqual({ subscriptionId: SUB, mode: 'audit', counts: { compliant: 3, noncompliant: 1 }, evaluated: 4, historyRows: 4, deleted: 0, debt: 1 });
    expect(await statuses(world)).toEqual({ a: 'compliant', b: 'compliant', 'b/slots/staging': 'compliant', legacy: 'noncompliant' });
    expect(world.arm.patches).toEqual([]);
    expect(world.arm.gets).toBe(0); // the list payloads carry the client-cert fields: no per-site GET
    expect(world.arm.lists).toBe(1 + 3); // the sites, then each site's slots
  });

  it('adds no history row when nothing changed, and marks a vanished app deleted', async () => {
    // Prepare
    const world = memoryWorld();
    fleet(world);
    await sweep(world);
    world.arm.remove('b', 'staging');

    // Act
    const result = await sweep(world);

    // Assess
    expect(result).toMatchObject({ evaluated: 3, historyRows: 1, deleted: 1 });
    expect((await statuses(world))['b/slots/staging']).toBe('deleted');
    expect((await world.deps.history.list(refOf('a').key)).length).toBe(1);
  });

  it('in enforce: the first sweep sets the baseline and leaves what failed before it; drift after it is reverted', async () => {
    // Prepare: recorded in audit, then the subscription set to enforce
    const world = memoryWorld();
    fleet(world);
    await sweep(world);
    await setSubscriptionSettings(world.deps, { subscriptionId: SUB, mode: 'enforce', by: 'alice' });

    // Act
    const baseline = await sweep(world);
    world.arm.set('a', { clientCertMode: 'Optional' });
    const drift = await sweep(world);

    // Assess
    expect(baseline.mode).toBe('enforce');
    expect((await world.deps.settings.get(SUB))?.baselineRunId).toBe(`run-${runs - 1}`);
    expect(world.arm.patches.map((p) => p.key)).toEqual([refOf('a').key]);
    expect(drift.counts).toEqual({ compliant: 3, noncompliant: 1 });
    expect(await statuses(world)).toMatchObject({ a: 'compliant', legacy: 'noncompliant' });
    const [row] = await world.deps.history.list(refOf('legacy').key, 1);
    expect(row?.action).toBe('rollout-pending');
  });

  it('skips a subscription in mode off without listing it', async () => {
    // Prepare
    const world = memoryWorld({ MTLS_DEFAULT_MODE: 'off' });
    fleet(world);

    // Act
    const result = await sweep(world);

    // Assess
    expect(result).toMatchObject({ mode: 'off', evaluated: 0 });
    expect(world.arm.lists).toBe(0);
  });

  it('keeps a row the event path wrote from a later ARM read than the listing', async () => {
    // Prepare: the sweep lists at its start; an event handler records a fresher read of 'a' meanwhile
    const world = memoryWorld();
    fleet(world);
    await sweep(world);
    const first = await world.deps.findings.get(refOf('a').key);
    const arm = world.arm;
    const listSites = arm.listSites.bind(arm);
    arm.listSites = async function* (subscriptionId: string) {
      for await (const site of listSites(subscriptionId)) {
        if (site.name === 'a') await world.deps.findings.put({ ...first!, status: 'noncompliant', observedAt: new Date(Date.parse(world.clock.iso()) + 60_000).toISOString() });
        yield site;
      }
    };

    // Act
    await sweep(world);

    // Assess: the listing said compliant, but the stored row holds a later read
    expect((await statuses(world)).a).toBe('noncompliant');
  });
});
