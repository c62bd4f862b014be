import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { MAX_STRING_CHARS } from '../../src/store/entityLimits.js';
import { newStore, sampleHistory, siteId, SUB_A, useAzurite } from './storeFixture.js';

const connection = useAzurite();

describe('historyTable', () => {
  it('reads back exactly the entry it appended', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory({ causeId: 'evt/with#odd?chars\\~', detail: 'PATCH answered 202' });

    // Act
    await store.history.append(entry);
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
    await store.history.append(entry);
    const read = await store.history.list(entry.key);

    // Assess
    expect(read).toStrictEqual([entry]);
  });

  it('keeps before and after as written, absent fields absent', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory({ action: 'would-remediate', before: { clientCertEnabled: false }, after: {} });

    // Act
    await store.history.append(entry);
    const [read] = await store.history.list(entry.key);

    // Assess
    expect(read?.before).toStrictEqual({ clientCertEnabled: false });
    expect(read?.after).toStrictEqual({});
    expect(read).not.toHaveProperty('undoneCaller');
  });

  it('writes one row for the same entry appended three times', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory();

    // Act
    await store.history.append(entry);
    await store.history.append(entry);
    await store.history.append({ ...entry, detail: 'a retry may carry a different detail' });

    // Assess
    const rows = await store.history.list(entry.key);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.detail).toBe('a retry may carry a different detail');
  });

  it('inserts a row, rewrites it with the same outcome, and leaves a different outcome in place', async () => {
    // Prepare
    const store = newStore(connection());
    const entry = sampleHistory();
    const first = await store.history.insert?.(entry);

    // Act
    const again = await store.history.insert?.({ ...entry, detail: 'another copy of the same recording' });
    const other = await store.history.insert?.({ ...entry, status: 'compliant', reasons: [] });

    // Assess
    expect(first).toHaveProperty('etag');
    expect(again).toHaveProperty('etag');
    expect(again).not.toEqual(first);
    expect(other).toEqual({ taken: (again as { etag: string }).etag });
    const rows = await store.history.list(entry.key);
    expect(rows.map((r) => [r.status, r.detail])).toEqual([['noncompliant', 'another copy of the same recording']]);
  });

  it('lists newest first, whatever the order of appends', async () => {
    // Prepare
    const store = newStore(connection());
    const times = ['2025-03-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z', '2025-03-01T00:00:00.001Z', '1969-07-20T20:17:40.000Z'];
    for (const [i, at] of times.entries()) await store.history.append(sampleHistory({ at, causeId: `evt-${i}` }));

    // Act
    const rows = await store.history.list(sampleHistory().key);

    // Assess
    expect(rows.map((r) => r.at)).toEqual([...times].sort().reverse());
  });

  it('keeps two causes at the same instant apart', async () => {
    // Prepare
    const store = newStore(connection());
    await store.history.append(sampleHistory({ causeId: 'evt-a' }));
    await store.history.append(sampleHistory({ causeId: 'sweep-b' }));

    // Act
    const rows = await store.history.list(sampleHistory().key);

    // Assess
    expect(rows.map((r) => r.causeId).sort()).toEqual(['evt-a', 'sweep-b']);
  });

  it('lists rows of the same instant last written first, also under a limit', async () => {
    // Prepare: the remediation row shares the event's time with the evaluation before it
    const store = newStore(connection());
    const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
    await store.history.append(sampleHistory({ at: '2025-01-01T00:00:00.000Z', causeId: 'older' }));
    await store.history.append(sampleHistory({ causeId: 'evt-1#remediated', action: 'remediated' }));
    await pause();
    await store.history.append(sampleHistory({ causeId: 'evt-1', action: 'evaluated' }));
    await pause();
    await store.history.append(sampleHistory({ causeId: 'evt-1#flapping', action: 'flapping' }));

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
    for (let day = 1; day <= 5; day++) await store.history.append(sampleHistory({ at: `2025-01-0${day}T00:00:00.000Z`, causeId: `d${day}` }));

    // Act
    const rows = await store.history.list(sampleHistory().key, 2);

    // Assess
    expect(rows.map((r) => r.causeId)).toEqual(['d5', 'd4']);
  });

  it("keeps one resource's history apart from another's", async () => {
    // Prepare
    const store = newStore(connection());
    const other = siteId(SUB_A, 'Rg-One', 'app-1', 'staging');
    await store.history.append(sampleHistory());
    await store.history.append(sampleHistory({ key: other.toLowerCase(), resourceId: other }));

    // Act
    const rows = await store.history.list(other.toUpperCase());

    // Assess
    expect(rows.map((r) => r.resourceId)).toEqual([other]);
  });

  // ASCII on purpose: Azurite 3.35 corrupts multi-byte characters split across 64 KiB request
  // chunks (Azure/Azurite#2670); surrogate-safe truncation is covered in entityLimits.test.ts.
  it('truncates an oversized detail and reason', async () => {
    // Prepare
    const store = newStore(connection());
    const huge = 'y'.repeat(80_000);
    const entry = sampleHistory({ detail: huge, reasons: [{ code: 'error', message: huge }] });

    // Act
    await store.history.append(entry);
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
    await store.history.append(entry);
    const [read] = await store.history.list(entry.key);

    // Assess
    expect(read?.before?.clientCertMode).toBe('Required');
    expect(read?.before?.clientCertExclusionPaths).toMatch(/^\/a,p+…\[truncated\]$/);
  });

  it('rejects an entry whose time is not a date', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const attempt = store.history.append(sampleHistory({ at: 'yesterday' }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
  });
});
