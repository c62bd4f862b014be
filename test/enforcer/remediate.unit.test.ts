import { describe, expect, it } from 'vitest';
import { TransientError, UnsupportedPlanError } from '../../src/errors.js';
import { remediate, subscriptionContext, type Cause } from '../../src/enforcer/index.js';
import type { SiteRef } from '../../src/policy/index.js';
import { memoryWorld, SUB, USER, type MemoryWorld } from './memoryDeps.js';

// Azure's own refusals (Policy deny, lock) through the emulator are in remediateRefusals.test.ts.

const cause = (world: MemoryWorld, id: string): Cause => ({ id, at: world.clock.iso(), source: 'event', caller: USER });

async function revert(world: MemoryWorld, ref: SiteRef, causeId = 'drift') {
  return remediate(world.deps, ref, (await subscriptionContext(world.deps, SUB)).policy, cause(world, causeId));
}

describe('remediate over memory ports', () => {
  it('PATCHes only the client-cert fields, once, and records the revert with what it changed and whose write it undid', async () => {
    // Prepare
    const world = memoryWorld({ MTLS_CLEAR_EXCLUSION_PATHS: 'true' });
    const ref = world.arm.set('app', { clientCertMode: 'Optional', clientCertExclusionPaths: '/health', tags: { env: 'prod' } });

    // Act
    const result = await revert(world, ref);

    // Assess
    expect(result).toMatchObject({ kind: 'remediated', status: 'compliant' });
    expect(world.arm.patches).toEqual([{ key: ref.key, patch: { clientCertEnabled: true, clientCertMode: 'Required', clientCertExclusionPaths: '' }, correlationId: expect.any(String) }]);
    const stored = await world.deps.findings.get(ref.key);
    expect(stored).toMatchObject({ status: 'compliant', remediationCorrelationId: world.arm.patches[0]?.correlationId });
    const [row] = await world.deps.history.list(ref.key, 1);
    expect(row).toMatchObject({
      action: 'remediated', status: 'compliant', undoneCaller: USER,
      before: { clientCertEnabled: true, clientCertMode: 'Optional', clientCertExclusionPaths: '/health' },
      after: { clientCertEnabled: true, clientCertMode: 'Required' },
    });
    expect(world.arm.sites.get(ref.key)?.tags).toEqual({ env: 'prod' });
  });

  it('writes nothing when the app was fixed before the re-read, and records that', async () => {
    // Prepare
    const world = memoryWorld();
    const ref = world.arm.set('app');

    // Act
    const result = await revert(world, ref);

    // Assess
    expect(result).toEqual({ kind: 'already-resolved', status: 'compliant' });
    expect(world.arm.patches).toEqual([]);
    expect((await world.deps.findings.get(ref.key))?.status).toBe('compliant');
  });

  it('leaves exclusion paths alone when clearing them is not enabled: nothing to write', async () => {
    // Prepare
    const world = memoryWorld();
    const ref = world.arm.set('app', { clientCertExclusionPaths: '/health' });

    // Act
    const result = await revert(world, ref);

    // Assess
    expect(result).toEqual({ kind: 'nothing-to-write' });
    expect(world.arm.patches).toEqual([]);
  });

  it('answers TransientError (retry later) while another holder has the lease, and writes nothing', async () => {
    // Prepare
    const world = memoryWorld();
    const ref = world.arm.set('app', { clientCertEnabled: false });
    await world.deps.leases.tryAcquire(ref.key, 'another-instance', world.clock.now(), 60_000);

    // Act
    const attempt = revert(world, ref);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    expect(world.arm.patches).toEqual([]);
    expect(world.arm.gets).toBe(0);
  });

  it('takes over a lease its crashed holder left once the TTL has run out', async () => {
    // Prepare
    const world = memoryWorld({ MTLS_LEASE_SECONDS: '30' });
    const ref = world.arm.set('app', { clientCertEnabled: false });
    await world.deps.leases.tryAcquire(ref.key, 'crashed-instance', world.clock.now(), 30_000);
    world.clock.advance(31_000);

    // Act
    const result = await revert(world, ref);

    // Assess
    expect(result.kind).toBe('remediated');
    expect(world.arm.patches).toHaveLength(1);
  });

  it('records an app as unsupported-plan when ARM refuses the write for its plan (the listing did not say it), tried once', async () => {
    // Prepare: no sku in what was read, so the policy cannot tell beforehand
    const world = memoryWorld();
    const ref = world.arm.set('free-app', { clientCertEnabled: false, sku: undefined });
    world.arm.refuseNextPatch(new UnsupportedPlanError('The Free plan does not support client certificates', 400, 'BadRequest'));

    // Act
    const result = await revert(world, ref);

    // Assess
    expect(result).toEqual({ kind: 'unsupported-plan' });
    expect(world.arm.patches).toHaveLength(1);
    const stored = await world.deps.findings.get(ref.key);
    expect(stored?.status).toBe('unsupported-plan');
    expect(stored?.reasons[0]?.message).toMatch(/Move the app to Basic or higher/);
  });

  it('releases the lease after a revert, so the next drift is worked at once', async () => {
    // Prepare
    const world = memoryWorld();
    const ref = world.arm.set('app', { clientCertEnabled: false });
    await revert(world, ref, 'first');
    world.arm.set('app', { clientCertEnabled: false });

    // Act
    const second = await revert(world, ref, 'second');

    // Assess
    expect(second.kind).toBe('remediated');
    expect(world.arm.patches).toHaveLength(2);
  });
});
