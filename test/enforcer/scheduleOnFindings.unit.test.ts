import { describe, expect, it } from 'vitest';
import { scheduleOnFindings, type Schedule } from '../../src/enforcer/scheduleOnFindings.js';
import type { Finding } from '../../src/model/index.js';
import { memoryWorld, refOf, SUB, type MemoryWorld } from './memoryDeps.js';

const EARLIER = '2026-11-01T08:00:00.000Z';
const WAVE: Schedule = { wave: 2, planId: 'rp-1', notBefore: '2026-12-24T08:00:00.000Z' };

/** A stored finding of app `name`: non-compliant unless told, with the given standing fields. */
async function stored(world: MemoryWorld, name: string, fields: Partial<Finding> = {}): Promise<Finding> {
  const ref = refOf(name);
  const row: Finding = {
    key: ref.key, resourceId: ref.id, subscriptionId: SUB, resourceGroup: ref.resourceGroup, site: ref.site,
    status: 'noncompliant', reasons: [{ code: 'client-cert-disabled', message: 'off' }], advice: [],
    firstNonCompliantAt: EARLIER, lastEvaluatedAt: EARLIER, lastChangedAt: EARLIER, source: 'sweep', ...fields,
  };
  await world.deps.findings.put(row);
  return (await world.deps.findings.get(ref.key)) as Finding;
}

const reasonCodes = (f: Finding | undefined) => f?.reasons.map((r) => r.code);

describe('scheduleOnFindings: a wave goes on rows still in debt, by the rule plans use (policy isGuarded)', () => {
  it('puts the wave on a debt row and on an unmarked debt row, and leaves guarded and flapping rows alone', async () => {
    // Prepare
    const world = memoryWorld();
    const rows = [
      await stored(world, 'debt', { debt: { since: EARLIER } }),
      await stored(world, 'unmarked'),
      await stored(world, 'guarded', { guardedSince: EARLIER }),
      await stored(world, 'flapping', { status: 'flapping', debt: { since: EARLIER } }),
    ];

    // Act
    const written = await scheduleOnFindings(world.deps, rows, () => WAVE);

    // Assess
    const [debt, unmarked, guarded, flapping] = await Promise.all(rows.map((r) => world.deps.findings.get(r.key)));
    expect(written).toBe(2);
    expect(debt?.debt).toEqual({ since: EARLIER, ...WAVE });
    expect(unmarked?.debt).toEqual({ since: EARLIER, ...WAVE }); // the debt the rule gives a row older than the marker
    expect(reasonCodes(unmarked)).toEqual(['client-cert-disabled', 'baseline-debt']);
    expect(unmarked?.reasons[1]?.message).toContain('rollout wave 2, not before 2026-12-24T08:00:00.000Z');
    expect([guarded?.debt, flapping?.debt]).toEqual([undefined, { since: EARLIER }]);
    expect([guarded?.etag, flapping?.etag]).toEqual([rows[2]?.etag, rows[3]?.etag]);
  });

  it('leaves alone an unmarked non-compliant row the enforcer had reverted: drift by the rule, not debt', async () => {
    // Prepare: a row written before the markers existed, after a revert (remediatedAt)
    const world = memoryWorld();
    const row = await stored(world, 'reverted', { remediatedAt: EARLIER });

    // Act
    const written = await scheduleOnFindings(world.deps, [row], () => WAVE);

    // Assess
    const after = await world.deps.findings.get(row.key);
    expect(written).toBe(0);
    expect(after?.debt).toBeUndefined();
    expect(reasonCodes(after)).toEqual(['client-cert-disabled']);
  });

  it('takes the wave off a cancelled plan\'s rows: the reason then says no wave names it', async () => {
    // Prepare
    const world = memoryWorld();
    const row = await stored(world, 'planned', { debt: { since: EARLIER, ...WAVE }, reasons: [{ code: 'baseline-debt', message: 'stale' }] });

    // Act
    const written = await scheduleOnFindings(world.deps, [row], () => undefined);

    // Assess
    const after = await world.deps.findings.get(row.key);
    expect(written).toBe(1);
    expect(after?.debt).toEqual({ since: EARLIER });
    expect(after?.reasons.map((r) => r.message)).toEqual([expect.stringContaining('No rollout wave names it yet.')]);
  });
});
