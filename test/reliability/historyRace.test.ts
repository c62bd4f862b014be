import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { recordEvaluation, type Cause, type EnforcerDeps } from '../../src/enforcer/index.js';
import { record } from '../../src/enforcer/recordEvaluation.js';
import { DEFAULT_POLICY, evaluate, parseSiteId, type SiteRef } from '../../src/policy/index.js';
import type { SiteSnapshot } from '../../src/policy/types.js';
import { createRuntime } from '../../src/triggers/index.js';

// The storm found these; here each race is played out in a fixed order against the real tables.
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
  await record(deps, ref, off, verdictOf(off), cause('e2', '2026-06-01T10:00:02Z', '2026-06-01T10:00:02Z'), stale, '2026-06-01T10:00:02Z');
  return { stale, off };
}

describe('history under racing writers of one finding', () => {
  it('takes back the row of a write that lost to a newer read of ARM', async () => {
    const { stale, off } = await driftRecordedPastAStaleReader();

    // Read ARM before e2's handler did, and wrote after it: its row must not stay.
    const optional = snapshot(true, 'Optional');
    const late = await record(deps, ref, optional, verdictOf(optional), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), stale, '2026-06-01T10:00:03Z');

    expect(late.changed).toBe(false);
    expect((await deps.findings.get(ref.key))?.reasons.map((r) => r.code)).toEqual(['client-cert-disabled']);
    expect((await rows()).map((r) => [r.causeId, r.status])).toEqual([['e2', 'noncompliant'], ['e0', 'compliant']]);
  });

  it('takes back the row of a write whose winner reached the same outcome', async () => {
    const { stale, off } = await driftRecordedPastAStaleReader();

    // A newer read of the same drift, from the stale row: its write conflicts and finds the change recorded.
    const same = await record(deps, ref, off, verdictOf(off), cause('e3', '2026-06-01T10:00:03Z', '2026-06-01T10:00:03Z'), stale, '2026-06-01T10:00:03Z');

    expect(same.changed).toBe(false);
    expect((await rows()).map((r) => r.causeId)).toEqual(['e2', 'e0']);
  });

  it('keeps the row a copy of the same event backed, when the other copy loses to a later writer', async () => {
    // e2 is delivered twice; its first copy records the drift from the stale row, then w turns client certs back on.
    const { stale, off } = await driftRecordedPastAStaleReader();
    const on = snapshot(true, 'Required');
    await record(deps, ref, on, verdictOf(on), cause('w', '2026-06-01T10:00:03Z', '2026-06-01T10:00:03Z'), await deps.findings.get(ref.key), '2026-06-01T10:00:03Z');

    // The second copy of e2, from the same stale row: it rewrites the same history row, then loses to w's newer read.
    const copy = await record(deps, ref, off, verdictOf(off), cause('e2', '2026-06-01T10:00:02Z', '2026-06-01T10:00:02Z'), stale, '2026-06-01T10:00:04Z');

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
    await record(deps, ref, off, verdictOf(off), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:09Z'), held, '2026-06-01T10:00:09Z');

    const [newest, older] = await rows();
    expect(newest).toMatchObject({ causeId: 'e1', status: 'noncompliant', previousStatus: 'compliant' });
    expect(older).toMatchObject({ causeId: 'e5', status: 'compliant' });
    expect(Date.parse(newest?.at ?? '')).toBeGreaterThan(Date.parse(held?.lastChangedAt ?? ''));
  });

  it('takes back a row when the winner is another copy of the event with the same outcome but wrote no such row', async () => {
    // e0 records the drift; a copy of e1 reads it unchanged (no row) and its finding names e1.
    const off = snapshot(false, 'Required');
    await record(deps, ref, off, verdictOf(off), cause('e0', '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z'), undefined, '2026-06-01T10:00:00Z');
    await record(deps, ref, off, verdictOf(off), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:02Z'), await deps.findings.get(ref.key), '2026-06-01T10:00:02Z');

    // Another copy of e1 started before any finding existed: it appends a row of its own, then loses to the copy above.
    const copy = await record(deps, ref, off, verdictOf(off), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), undefined, '2026-06-01T10:00:03Z');

    // Same event and outcome as the winner, but not the winner's row: it must not stay (it would repeat e0's).
    expect(copy.changed).toBe(false);
    expect((await rows()).map((r) => `${r.causeId} ${r.status}`)).toEqual(['e0 noncompliant']);
  });

  it('never rewrites the row a winner stands on with another copy\'s different answer', async () => {
    // Two copies of e1 read the same (absent) finding; ARM answers them differently (a user write landed between their reads).
    const off = snapshot(false, 'Required');
    const optional = snapshot(true, 'Optional');
    await record(deps, ref, off, verdictOf(off), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), undefined, '2026-06-01T10:00:02Z');
    // The second copy read ARM later: its write conflicts, and it records its newer answer after the first copy's.
    const later = await record(deps, ref, optional, verdictOf(optional), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:02Z'), undefined, '2026-06-01T10:00:03Z');

    expect(later.changed).toBe(true);
    const history = await rows();
    expect(history.map((r) => `${r.causeId} ${r.status} ${r.reasons.map((x) => x.code).join(',')}`)).toEqual([
      // Never recorded compliant: baseline debt (the safe side), which its reasons say.
      'e1 noncompliant mode-not-required,baseline-debt',
      'e1 noncompliant client-cert-disabled,baseline-debt',
    ]);
    expect((await deps.findings.get(ref.key))?.reasons.map((r) => r.code)).toEqual(['mode-not-required', 'baseline-debt']);
  });

  it('steps over and then takes back the row of a recording that failed before its finding write', async () => {
    // A first attempt of e1 appended its row (ARM said compliant) and failed before writing the finding.
    const on = snapshot(true, 'Required');
    await recordEvaluation(deps, ref, on, cause('e0', '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z'));
    const held = await deps.findings.get(ref.key);
    const at = new Date(Date.parse(held?.lastChangedAt ?? '') + 1).toISOString();
    await deps.history.append({ key: ref.key, resourceId: ID, at, causeId: 'e1', action: 'evaluated', status: 'compliant', reasons: [], source: 'event', previousStatus: 'noncompliant' });

    // Its retry reads the drift: its row must not replace the stranded one in place, and must not leave it behind.
    const off = snapshot(false, 'Required');
    const retry = await record(deps, ref, off, verdictOf(off), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:01Z'), held, new Date(Date.parse(at) + 5).toISOString());

    expect(retry.changed).toBe(true);
    expect((await rows()).map((r) => `${r.causeId} ${r.status}`)).toEqual(['e1 noncompliant', 'e0 compliant']);
  });

  it('sorts a row after a remediation row that changed no status', async () => {
    // A remediation that retried against a finding already compliant appends its row, but the status did not change.
    const on = snapshot(true, 'Required');
    await record(deps, ref, on, verdictOf(on), cause('e0', '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z'), undefined, '2026-06-01T10:00:00Z');
    await record(deps, ref, on, verdictOf(on), cause('e1', '2026-06-01T10:00:01Z', '2026-06-01T10:00:05Z'), await deps.findings.get(ref.key), '2026-06-01T10:00:05Z', {
      action: 'remediated',
      force: true,
      at: '2026-06-01T10:00:05Z',
      remediatedAt: '2026-06-01T10:00:05Z',
    });

    // An event from 10:00:02, delivered late, finds the app drifted again: its row is the newest.
    const off = snapshot(false, 'Required');
    await record(deps, ref, off, verdictOf(off), cause('e2', '2026-06-01T10:00:02Z', '2026-06-01T10:00:06Z'), await deps.findings.get(ref.key), '2026-06-01T10:00:06Z');

    expect((await rows()).map((r) => `${r.causeId} ${r.status}`)).toEqual(['e2 noncompliant', 'e1#remediated compliant', 'e0 compliant']);
  });
});
