import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { TransientError } from '../../src/errors.js';
import { recordEvaluation, type Cause, type EnforcerDeps } from '../../src/enforcer/index.js';
import { record } from '../../src/enforcer/recordEvaluation.js';
import { DEFAULT_POLICY, evaluate, parseSiteId, type SiteRef } from '../../src/policy/index.js';
import type { SiteSnapshot } from '../../src/policy/types.js';
import { createRuntime } from '../../src/triggers/index.js';

// The storm found these; here each race is played out in a fixed order against the real tables,
// where a finding and its history row are one transaction.
const ID = '/subscriptions/ace00000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/raced';
const ref = parseSiteId(ID) as SiteRef;
const snapshot = (clientCertEnabled: boolean, clientCertMode: string): SiteSnapshot => ({ id: ID, name: 'raced', isSlot: false, kind: 'app', sku: 'Standard', clientCertEnabled, clientCertMode });
const verdictOf = (s: SiteSnapshot) => evaluate(s, DEFAULT_POLICY, new Date('2026-06-01T00:00:00Z'));
const cause = (eventId: string, at: string, observedAt: string): Cause => ({ id: eventId, eventId, at, observedAt, source: 'event' });

let deps: EnforcerDeps;

beforeEach(async () => {
  const env = {
    MTLS_STORAGE_CONNECTION: inject('azurite').connectionString,
    MTLS_TABLE_PREFIX: `t${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    MTLS_ARM_ENDPOINT: 'https://127.0.0.1:9',
    MTLS_ARM_TOKEN: 'unused',
  };
  ({ deps } = await createRuntime(loadConfig(env), () => {}));
});

const rows = () => deps.history.list(ref.key);

/** e0 records the app compliant and a second handler keeps that row; e2 then records the drift (client certs off) from it. */
async function driftRecordedPastAStaleReader() {
  const on = snapshot(true, 'Required');
  await recordEvaluation(deps, ref, on, cause('e0', '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z'));
  const stale = await deps.findings.get(ref.key);
  const off = snapshot(false, 'Required');
  await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e2', '2026-06-01T10:00:02Z', '2026-06-01T10:00:02Z'), previous: stale, now: '2026-06-01T10:00:02Z' });
  return { stale, off };
}

describe('history under racing writers of one finding', () => {
  it('writes no row for a write that lost to a newer read of ARM', async () => {
    const { stale, off } = await driftRecordedPastAStaleReader();

    // Read ARM before e2's handler did, and wrote after it: its row must not stay.
    const optional = snapshot(true, 'Optional');
    const late = await record(deps, { ref, snapshot: optional, verdict: verdictOf(optional), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), previous: stale, now: '2026-06-01T10:00:03Z' });

    expect(late.changed).toBe(false);
    expect((await deps.findings.get(ref.key))?.reasons.map((r) => r.code)).toEqual(['client-cert-disabled']);
    expect((await rows()).map((r) => [r.causeId, r.status])).toEqual([['e2', 'noncompliant'], ['e0', 'compliant']]);
  });

  it('writes no row for a write whose winner reached the same outcome', async () => {
    const { stale, off } = await driftRecordedPastAStaleReader();

    // A newer read of the same drift, from the stale row: its write conflicts and finds the change recorded.
    const same = await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e3', '2026-06-01T10:00:03Z', '2026-06-01T10:00:03Z'), previous: stale, now: '2026-06-01T10:00:03Z' });

    expect(same.changed).toBe(false);
    expect((await rows()).map((r) => r.causeId)).toEqual(['e2', 'e0']);
  });

  it('keeps the row a copy of the same event wrote, when the other copy loses to a later writer', async () => {
    // e2 is delivered twice; its first copy records the drift from the stale row, then w turns client certs back on.
    const { stale, off } = await driftRecordedPastAStaleReader();
    const on = snapshot(true, 'Required');
    await record(deps, { ref, snapshot: on, verdict: verdictOf(on), cause: cause('w', '2026-06-01T10:00:03Z', '2026-06-01T10:00:03Z'), previous: await deps.findings.get(ref.key), now: '2026-06-01T10:00:03Z' });

    // The second copy of e2, from the same stale row: its transaction fails, then it loses to w's newer read.
    const copy = await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e2', '2026-06-01T10:00:02Z', '2026-06-01T10:00:02Z'), previous: stale, now: '2026-06-01T10:00:04Z' });

    expect(copy.changed).toBe(false);
    // (Row times here mix the test's fixed times with the real clock of recordEvaluation: compare as a set.)
    expect((await rows()).map((r) => `${r.causeId} ${r.status}`).sort()).toEqual(['e0 compliant', 'e2 noncompliant', 'w compliant']);
  });

  it('sorts the row of a late event after the change the finding already holds', async () => {
    const on = snapshot(true, 'Required');
    await recordEvaluation(deps, ref, on, cause('e5', '2026-06-01T10:00:05Z', '2026-06-01T10:00:05Z'));
    const held = await deps.findings.get(ref.key);

    // An event from 10:00:01, redelivered late, records what ARM says now.
    const off = snapshot(false, 'Required');
    await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:09Z'), previous: held, now: '2026-06-01T10:00:09Z' });

    const [newest, older] = await rows();
    expect(newest).toMatchObject({ causeId: 'e1', status: 'noncompliant', previousStatus: 'compliant' });
    expect(older).toMatchObject({ causeId: 'e5', status: 'compliant' });
    expect(Date.parse(newest?.at ?? '')).toBeGreaterThan(Date.parse(held?.lastChangedAt ?? ''));
  });

  it('writes no row when the winner is another copy of the event with the same outcome that wrote no row', async () => {
    // e0 records the drift; a copy of e1 reads it unchanged (no row) and its finding names e1.
    const off = snapshot(false, 'Required');
    await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e0', '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z'), previous: undefined, now: '2026-06-01T10:00:00Z' });
    await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:02Z'), previous: await deps.findings.get(ref.key), now: '2026-06-01T10:00:02Z' });

    // Another copy of e1 started before any finding existed: its transaction fails, and it finds the outcome recorded.
    const copy = await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), previous: undefined, now: '2026-06-01T10:00:03Z' });

    // Same event and outcome as the winner, but not the winner's row: it must not stay (it would repeat e0's).
    expect(copy.changed).toBe(false);
    expect((await rows()).map((r) => `${r.causeId} ${r.status}`)).toEqual(['e0 noncompliant']);
  });

  it('never rewrites the row a winner stands on with another copy\'s different answer', async () => {
    // Two copies of e1 read the same (absent) finding; ARM answers them differently (a user write landed between their reads).
    const off = snapshot(false, 'Required');
    const optional = snapshot(true, 'Optional');
    await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), previous: undefined, now: '2026-06-01T10:00:02Z' });
    // The second copy read ARM later: its write conflicts, and it records its newer answer after the first copy's.
    const later = await record(deps, { ref, snapshot: optional, verdict: verdictOf(optional), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:02Z'), previous: undefined, now: '2026-06-01T10:00:03Z' });

    expect(later.changed).toBe(true);
    const history = await rows();
    expect(history.map((r) => `${r.causeId} ${r.status} ${r.reasons.map((x) => x.code).join(',')}`)).toEqual([
      // Never recorded compliant: baseline debt (the safe side), which its reasons say.
      'e1 noncompliant mode-not-required,baseline-debt',
      'e1 noncompliant client-cert-disabled,baseline-debt',
    ]);
    expect((await deps.findings.get(ref.key))?.reasons.map((r) => r.code)).toEqual(['mode-not-required', 'baseline-debt']);
  });

  it('writes no row for a recording whose finding kept changing under it', async () => {
    // Every read hands out the version e0 wrote, while the row has moved on: each of the recording's
    // transactions fails its ETag check, until it gives up.
    const on = snapshot(true, 'Required');
    await recordEvaluation(deps, ref, on, cause('e0', '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z'));
    const stale = await deps.findings.get(ref.key);
    await record(deps, { ref, snapshot: on, verdict: verdictOf(on), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), previous: stale, now: '2026-06-01T10:00:01Z' });
    const staleReads: EnforcerDeps = { ...deps, findings: { ...deps.findings, get: async () => stale } };

    const off = snapshot(false, 'Required');
    const attempt = record(staleReads, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e2', '2026-06-01T10:00:02Z', '2026-06-01T10:00:02Z'), previous: stale, now: '2026-06-01T10:00:02Z' });

    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    expect((await rows()).map((r) => `${r.causeId} ${r.status}`)).toEqual(['e0 compliant']);
    expect((await deps.findings.get(ref.key))?.status).toBe('compliant');
  });

  it('sorts a row after a remediation row that changed no status', async () => {
    // A remediation that retried against a finding already compliant appends its row, but the status did not change.
    const on = snapshot(true, 'Required');
    await record(deps, { ref, snapshot: on, verdict: verdictOf(on), cause: cause('e0', '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z'), previous: undefined, now: '2026-06-01T10:00:00Z' });
    await record(deps, { ref, snapshot: on, verdict: verdictOf(on), cause: cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:05Z'), previous: await deps.findings.get(ref.key), now: '2026-06-01T10:00:05Z', extra: {
      action: 'remediated',
      force: true,
      at: '2026-06-01T10:00:05Z',
      remediatedAt: '2026-06-01T10:00:05Z',
    } });

    // An event from 10:00:02, delivered late, finds the app drifted again: its row is the newest.
    const off = snapshot(false, 'Required');
    await record(deps, { ref, snapshot: off, verdict: verdictOf(off), cause: cause('e2', '2026-06-01T10:00:02Z', '2026-06-01T10:00:06Z'), previous: await deps.findings.get(ref.key), now: '2026-06-01T10:00:06Z' });

    expect((await rows()).map((r) => `${r.causeId} ${r.status}`)).toEqual(['e2 noncompliant', 'e1#remediated compliant', 'e0 compliant']);
  });
});
