import { describe, expect, it } from 'vitest';
import { record, type Cause } from '../../src/enforcer/recordEvaluation.js';
import { evaluate } from '../../src/policy/index.js';
import { memoryWorld, USER, type MemoryWorld } from './memoryDeps.js';

const cause = (world: MemoryWorld, id: string, extra: Partial<Cause> = {}): Cause => ({ id, at: world.clock.iso(), source: 'event', caller: USER, ...extra });

/** Record what the app looks like now, from the row as stored. */
async function recordNow(world: MemoryWorld, name: string, causeId: string, extra: Partial<Cause> = {}) {
  const ref = world.arm.set(name);
  const snapshot = await world.arm.getSite(ref);
  const verdict = evaluate(snapshot!, world.deps.policy, world.clock.now(), []);
  return record(world.deps, { ref, snapshot, verdict, cause: cause(world, causeId, extra), previous: await world.deps.findings.get(ref.key), now: world.clock.iso() });
}

describe('record: the finding and its history row, one write', () => {
  it('writes a history row when the outcome changes and none when it does not; the newest row is the finding', async () => {
    // Prepare
    const world = memoryWorld();

    // Act
    const first = await recordNow(world, 'app', 'seen');
    world.clock.advance(60_000);
    const same = await recordNow(world, 'app', 'again');
    world.arm.set('app', { clientCertEnabled: false });
    world.clock.advance(60_000);
    const drifted = await recordNow(world, 'app', 'drift');

    // Assess
    expect([first.changed, same.changed, drifted.changed]).toEqual([true, false, true]);
    const key = first.finding.key;
    const rows = await world.deps.history.list(key);
    expect(rows.map((h) => `${h.causeId} ${h.status}`)).toEqual(['drift noncompliant', 'seen compliant']);
    const stored = await world.deps.findings.get(key);
    expect(stored?.status).toBe(rows[0]?.status);
    expect(stored?.historyAt).toBe(rows[0]?.at);
    expect(stored?.lastEvaluatedAt).toBe(drifted.finding.lastEvaluatedAt);
    expect(stored?.etag).toBe(drifted.finding.etag); // the version written comes back: the next write needs no read
  });

  it('starts from the row a concurrent writer left when the one it read is stale, and writes its own outcome on it', async () => {
    // Prepare: two handlers read the same row; the other one records a change first
    const world = memoryWorld();
    const { finding } = await recordNow(world, 'app', 'seen');
    const ref = world.arm.set('app', { clientCertMode: 'Optional' });
    const snapshot = await world.arm.getSite(ref);
    const verdict = evaluate(snapshot!, world.deps.policy, world.clock.now(), []);
    await world.deps.findings.put({ ...finding, lastEventId: 'other-writer', remediatedAt: '2026-12-04T09:00:00.000Z' });

    // Act: ours still starts from the stale row (its ETag no longer matches)
    const ours = await record(world.deps, { ref, snapshot, verdict, cause: cause(world, 'ours'), previous: finding, now: world.clock.iso() });

    // Assess
    const stored = await world.deps.findings.get(ref.key);
    expect(ours.changed).toBe(true);
    expect(stored?.status).toBe('noncompliant');
    expect(stored?.remediatedAt).toBe('2026-12-04T09:00:00.000Z'); // the other writer's field is kept, not lost
    expect((await world.deps.history.list(ref.key)).map((h) => h.causeId)).toEqual(['ours', 'seen']);
  });

  it('keeps a stored row read from ARM later than its own read, writing nothing', async () => {
    // Prepare: the stored row holds a read made after ours
    const world = memoryWorld();
    const observedEarlier = world.clock.iso();
    world.clock.advance(1_000);
    const later = await recordNow(world, 'app', 'later-read', { observedAt: world.clock.iso() });
    const ref = world.arm.set('app', { clientCertEnabled: false });

    // Act: our older read says noncompliant
    const ours = await record(world.deps, {
      ref, snapshot: { ...(await world.arm.getSite(ref))! }, verdict: { status: 'noncompliant', reasons: [], advice: [] },
      cause: cause(world, 'older-read', { observedAt: observedEarlier }), previous: later.finding, now: world.clock.iso(),
    });

    // Assess
    expect(ours.changed).toBe(false);
    expect((await world.deps.findings.get(ref.key))?.status).toBe('compliant');
    expect((await world.deps.history.list(ref.key)).map((h) => h.causeId)).toEqual(['later-read']);
  });

  it('writes a forced row (a remediation) even when the status stays, with its extra fields', async () => {
    // Prepare
    const world = memoryWorld();
    const { finding } = await recordNow(world, 'app', 'seen');
    const ref = world.arm.set('app');
    const snapshot = await world.arm.getSite(ref);
    const at = world.clock.iso();

    // Act
    const forced = await record(world.deps, {
      ref, snapshot, verdict: { status: 'compliant', reasons: [], advice: [] }, cause: cause(world, 'revert'), previous: finding, now: at,
      extra: { action: 'remediated', force: true, at, remediatedAt: at, remediationCorrelationId: 'corr-9', before: { clientCertEnabled: false }, after: { clientCertEnabled: true } },
    });

    // Assess
    const [row] = await world.deps.history.list(ref.key, 1);
    expect(forced.changed).toBe(false);
    expect(row).toMatchObject({ causeId: 'revert#remediated', action: 'remediated', status: 'compliant', before: { clientCertEnabled: false }, after: { clientCertEnabled: true } });
    expect(await world.deps.findings.get(ref.key)).toMatchObject({ remediatedAt: at, remediationCorrelationId: 'corr-9' });
  });
});
