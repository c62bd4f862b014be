import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { MAX_STRING_CHARS } from '../../src/store/entityLimits.js';
import { ConflictError } from '../../src/errors.js';
import type { TableStore } from '../../src/store/createTableStore.js';
import type { HistoryEntry } from '../../src/model/index.js';
import { collect, newStore, sampleFinding, sampleHistory, siteId, SUB_A, useAzurite } from './storeFixture.js';

const connection = useAzurite();

/** A history row is written only with its finding: an unconditional write of the two. */
const append = (store: TableStore, entry: HistoryEntry) => store.findings.put(sampleFinding({ resourceId: entry.resourceId, key: entry.key }), undefined, entry);

describe('finding history (rows in the Findings table)', () => {
  it('reads back exactly the entry it appended', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory({ causeId: 'evt/with#odd?chars\\~', detail: 'PATCH answered 202' });

    // Act
    await append(store, entry);
    const read = await store.history.list(entry.key);

    // Assess
    expect(read).toStrictEqual([entry]);
  });

  it('reads back a remediation with what it changed and whose write it undid', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory({
      action: 'remediated',
      status: 'compliant',
      previousStatus: 'noncompliant',
      reasons: [],
      before: { clientCertEnabled: true, clientCertMode: 'Optional', clientCertExclusionPaths: '/health' },
      after: { clientCertEnabled: true, clientCertMode: 'Required', clientCertExclusionPaths: '' },
      undoneCaller: { objectId: 'oid-2', name: 'pipeline@example.com' },
    });

    // Act
    await append(store, entry);
    const read = await store.history.list(entry.key);

    // Assess
    expect(read).toStrictEqual([entry]);
  });

  it('keeps before and after as written, absent fields absent', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory({ action: 'would-remediate', before: { clientCertEnabled: false }, after: {} });

    // Act
    await append(store, entry);
    const [read] = await store.history.list(entry.key);

    // Assess
    expect(read?.before).toStrictEqual({ clientCertEnabled: false });
    expect(read?.after).toStrictEqual({});
    expect(read).not.toHaveProperty('undoneCaller');
  });

  it('writes one row for the same entry written three times', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory();

    // Act
    await append(store, entry);
    await append(store, entry);
    await append(store, { ...entry, detail: 'a retry may carry a different detail' });

    // Assess
    const rows = await store.history.list(entry.key);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.detail).toBe('a retry may carry a different detail');
  });

  it('lists newest first, whatever the order of appends', async () => {
    // Prepare
    const store = newStore(connection());
    const times = ['2025-03-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z', '2025-03-01T00:00:00.001Z', '1969-07-20T20:17:40.000Z'];
    for (const [i, at] of times.entries()) await append(store, sampleHistory({ at, causeId: `evt-${i}` }));

    // Act
    const rows = await store.history.list(sampleHistory().key);

    // Assess
    expect(rows.map((r) => r.at)).toEqual([...times].sort().reverse());
  });

  it('keeps two causes at the same instant apart', async () => {
    // Prepare
    const store = newStore(connection());
    await append(store, sampleHistory({ causeId: 'evt-a' }));
    await append(store, sampleHistory({ causeId: 'sweep-b' }));

    // Act
    const rows = await store.history.list(sampleHistory().key);

    // Assess
    expect(rows.map((r) => r.causeId).sort()).toEqual(['evt-a', 'sweep-b']);
  });

  it('lists rows of the same instant last written first, also under a limit', async () => {
    // Prepare: the remediation row shares the event's time with the evaluation before it
    const store = newStore(connection());
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
    await append(store, sampleHistory({ at: '2025-01-01T00:00:00.000Z', causeId: 'older' }));
    await append(store, sampleHistory({ causeId: 'evt-1#remediated', action: 'remediated' }));
    await pause();
    await append(store, sampleHistory({ causeId: 'evt-1', action: 'evaluated' }));
    await pause();
    await append(store, sampleHistory({ causeId: 'evt-1#flapping', action: 'flapping' }));

    // Act
    const all = await store.history.list(sampleHistory().key);
    const [latest] = await store.history.list(sampleHistory().key, 1);

    // Assess
    expect(all.map((r) => r.causeId)).toEqual(['evt-1#flapping', 'evt-1', 'evt-1#remediated', 'older']);
    expect(latest?.causeId).toBe('evt-1#flapping');
  });

  it('returns at most the limit, newest first', async () => {
    // Prepare
    const store = newStore(connection());
    for (let day = 1; day <= 5; day++) await append(store, sampleHistory({ at: `2025-01-0${day}T00:00:00.000Z`, causeId: `d${day}` }));

    // Act
    const rows = await store.history.list(sampleHistory().key, 2);

    // Assess
    expect(rows.map((r) => r.causeId)).toEqual(['d5', 'd4']);
  });

  it("keeps one resource's history apart from another's", async () => {
    // Prepare
    const store = newStore(connection());
    const other = siteId(SUB_A, 'Rg-One', 'app-1', 'staging');
    await append(store, sampleHistory());
    await append(store, sampleHistory({ key: other.toLowerCase(), resourceId: other }));

    // Act
    const rows = await store.history.list(other.toUpperCase());

    // Assess
    expect(rows.map((r) => r.resourceId)).toEqual([other]);
  });

  it('writes no history row when the finding changed since it was read', async () => {
    // Prepare
    const store = newStore(connection());
    const finding = sampleFinding();
    await store.findings.put(finding, { absent: true });
    const read = await store.findings.get(finding.key);
    await store.findings.put({ ...finding, status: 'compliant', reasons: [] }, { etag: read?.etag as string });

    // Act: a writer holding the first version records a change, with its history row
    const stale = await store.findings.put({ ...finding, status: 'error' }, { etag: read?.etag as string }, sampleHistory({ status: 'error' })).catch((err: unknown) => err);
    const late = await store.findings.put({ ...finding, status: 'error' }, { absent: true }, sampleHistory({ causeId: 'evt-2', status: 'error' })).catch((err: unknown) => err);

    // Assess
    expect(stale).toBeInstanceOf(ConflictError);
    expect(late).toBeInstanceOf(ConflictError);
    expect(await store.history.list(finding.key)).toEqual([]);
    expect((await store.findings.get(finding.key))?.status).toBe('compliant');
  });

  it('writes the history rows of the findings that landed in a putMany, and none of a changed one', async () => {
    // Prepare
    const store = newStore(connection());
    const other = siteId(SUB_A, 'Rg-One', 'app-2');
    const a = sampleFinding();
    const b = sampleFinding({ resourceId: other, key: other.toLowerCase() });
    await store.findings.put(a);
    const history = new Map([[a.key, sampleHistory()], [b.key, sampleHistory({ key: b.key, resourceId: other })]]);

    // Act: a's version is stale, b is new
    const result = await store.findings.putMany([a, b], new Map([[a.key, { etag: 'W/"datetime\'2000-01-01T00%3A00%3A00Z\'"' }], [b.key, { absent: true as const }]]), history);

    // Assess
    expect(result.conflicts).toEqual([a.key]);
    expect(await store.history.list(a.key)).toEqual([]);
    expect((await store.history.list(b.key)).map((h) => h.resourceId)).toEqual([other]);
  });

  it('lists findings without the history rows beside them', async () => {
    // Prepare
    const store = newStore(connection());
    await append(store, sampleHistory());
    await append(store, sampleHistory({ causeId: 'evt-2' }));

    // Act
    const all = await collect(store.findings.list());
    const mine = await collect(store.findings.list({ subscriptionId: SUB_A }));

    // Assess
    expect(all.map((f) => f.key)).toEqual([sampleFinding().key]);
    expect(mine.map((f) => f.key)).toEqual([sampleFinding().key]);
  });

  // ASCII on purpose: Azurite 3.35 corrupts multi-byte characters split across 64 KiB request
  // chunks (Azure/Azurite#2670); surrogate-safe truncation is covered in entityLimits.unit.test.ts.
  it('truncates an oversized detail and reason', async () => {
    // Prepare
    const store = newStore(connection());
    const huge = 'y'.repeat(80_000);
    const entry = sampleHistory({ detail: huge, reasons: [{ code: 'error', message: huge }] });

    // Act
    await append(store, entry);
    const [read] = await store.history.list(entry.key);

    // Assess
    expect(read?.detail).toHaveLength(MAX_STRING_CHARS);
    expect(read?.detail).toMatch(/^y+…\[truncated\]$/);
    expect(read?.reasons[0]?.message).toMatch(/^y+…\[truncated\]$/);
  });

  it('cuts oversized exclusion paths in before instead of failing the write', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory({ action: 'remediated', before: { clientCertEnabled: true, clientCertMode: 'Required', clientCertExclusionPaths: `/a,${'p'.repeat(70_000)}` } });

    // Act
    await append(store, entry);
    const [read] = await store.history.list(entry.key);

    // Assess
    expect(read?.before?.clientCertMode).toBe('Required');
    expect(read?.before?.clientCertExclusionPaths).toMatch(/^\/a,p+…\[truncated\]$/);
  });

  it('rejects an entry whose time is not a date', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const attempt = append(store, sampleHistory({ at: 'yesterday' }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
  });
});
