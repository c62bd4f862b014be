import { describe, expect, it } from 'vitest';
import { assessAndAct, subscriptionContext, type Cause } from '../../src/enforcer/index.js';
import type { SiteRef } from '../../src/policy/index.js';
import { ENFORCER_OID, memoryWorld, SUB, USER, type MemoryWorld } from './memoryDeps.js';

// The emulator-backed cases (the audit row's PATCH against what ARM received; a re-drift after
// the revert) are in assess.test.ts; these run each mode's branch over memory ports.

const cause = (world: MemoryWorld, id: string, extra: Partial<Cause> = {}): Cause => ({ id, at: world.clock.iso(), source: 'event', caller: USER, ...extra });

async function assess(world: MemoryWorld, ref: SiteRef, causeId: string, mode: 'audit' | 'enforce' | 'off', extra: Partial<Cause> = {}) {
  const context = { ...(await subscriptionContext(world.deps, SUB)), mode };
  return assessAndAct(world.deps, ref, await world.deps.sites.getSite(ref), cause(world, causeId, extra), context);
}

/** The app recorded compliant, then a user turned certificates off: drift, not baseline debt. */
async function drifted(world: MemoryWorld, mode: 'audit' | 'enforce', name = 'app'): Promise<SiteRef> {
  const ref = world.arm.set(name);
  await assess(world, ref, 'seen', mode);
  world.clock.advance(60_000);
  world.arm.set(name, { clientCertEnabled: false });
  return ref;
}

describe('assessAndAct over memory ports', () => {
  it('audit: records drift with the fix it would make, and writes nothing to ARM', async () => {
    // Prepare
    const world = memoryWorld();
    const ref = await drifted(world, 'audit');

    // Act
    const assessed = await assess(world, ref, 'drift', 'audit');

    // Assess
    expect(assessed).toEqual({ status: 'noncompliant', changed: true, remediation: 'would-remediate' });
    expect(world.arm.patches).toEqual([]);
    const [row] = await world.deps.history.list(ref.key, 1);
    expect(row).toMatchObject({ action: 'would-remediate', before: { clientCertEnabled: false }, after: { clientCertEnabled: true, clientCertMode: 'Required' } });
  });

  it('enforce: reverts drift with one PATCH and reports the status its read-back recorded', async () => {
    // Prepare
    const world = memoryWorld();
    const ref = await drifted(world, 'enforce');

    // Act
    const assessed = await assess(world, ref, 'drift', 'enforce');

    // Assess
    expect(assessed).toEqual({ status: 'compliant', changed: true, remediation: 'remediated' });
    expect(world.arm.patches.map((p) => p.patch)).toEqual([{ clientCertEnabled: true, clientCertMode: 'Required' }]);
    expect((await world.deps.findings.get(ref.key))?.status).toBe('compliant');
    expect((await world.deps.history.list(ref.key)).map((h) => `${h.action} ${h.status}`)).toEqual(['remediated compliant', 'evaluated noncompliant', 'evaluated compliant']);
  });

  it('enforce: leaves an app never recorded compliant (baseline debt) for a rollout wave', async () => {
    // Prepare: no settings row, so no baseline: an app first seen failing is debt
    const world = memoryWorld();
    const ref = world.arm.set('legacy', { clientCertEnabled: false });

    // Act
    const assessed = await assess(world, ref, 'first-look', 'enforce');

    // Assess
    expect(assessed).toEqual({ status: 'noncompliant', changed: true, remediation: 'rollout-pending' });
    expect(world.arm.patches).toEqual([]);
  });

  it("enforce: records the enforcer's own write without acting on it (loop guard)", async () => {
    // Prepare
    const world = memoryWorld();
    const ref = await drifted(world, 'enforce');

    // Act: the write comes from the enforcer's identity
    const assessed = await assess(world, ref, 'own', 'enforce', { caller: { objectId: ENFORCER_OID } });

    // Assess
    expect(assessed.remediation).toBe('own-write');
    expect(world.arm.patches).toEqual([]);
    expect((await world.deps.findings.get(ref.key))?.lastCaller).toEqual(USER); // its own write never becomes the last caller
  });

  it('enforce: stops reverting an app undone again and again within the flap window, and says who undid it', async () => {
    // Prepare: the default guard allows 3 reverts in 60 minutes
    const world = memoryWorld();
    const ref = await drifted(world, 'enforce');
    const outcomes: Array<string | undefined> = [];

    // Act: four drifts, ten minutes apart (the injected clock moves; nothing sleeps)
    for (let i = 1; i <= 4; i++) {
      outcomes.push((await assess(world, ref, `drift-${i}`, 'enforce')).remediation);
      world.clock.advance(10 * 60_000);
      world.arm.set('app', { clientCertEnabled: false });
    }

    // Assess
    expect(outcomes).toEqual(['remediated', 'remediated', 'remediated', 'flapping']);
    expect(world.arm.patches).toHaveLength(3);
    const stored = await world.deps.findings.get(ref.key);
    expect(stored?.status).toBe('flapping');
    expect(stored?.reasons[0]?.message).toContain(USER.name);
  });

  it('reverts again once the flap window has passed', async () => {
    // Prepare: three reverts, then two hours go by
    const world = memoryWorld();
    const ref = await drifted(world, 'enforce');
    for (let i = 1; i <= 3; i++) {
      await assess(world, ref, `drift-${i}`, 'enforce');
      world.clock.advance(60_000);
      world.arm.set('app', { clientCertEnabled: false });
    }
    world.clock.advance(2 * 60 * 60_000);

    // Act
    const assessed = await assess(world, ref, 'drift-later', 'enforce');

    // Assess
    expect(assessed.remediation).toBe('remediated');
    expect(world.arm.patches).toHaveLength(4);
  });
});
