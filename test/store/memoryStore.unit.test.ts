import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { createMemoryStore } from '../../src/store/index.js';
import type { HistoryEntry } from '../../src/model/index.js';
import { collect, sampleFinding, siteId, SUB_A, SUB_B } from './storeFixture.js';

/** The in-memory store keeps Table Storage's contract: what `sweep --no-store` and `--dry-run` rely on. */
describe('memory store', () => {
  it('writes conditionally on the ETag read or on absence, like the Findings table', async () => {
    const store = createMemoryStore();
    const f = sampleFinding();
    await store.findings.put(f, { absent: true });
    const read = await store.findings.get(f.key);

    await expect(store.findings.put(f, { absent: true })).rejects.toBeInstanceOf(ConflictError);
    await store.findings.put({ ...f, status: 'compliant', reasons: [] }, { etag: read?.etag as string });
    await expect(store.findings.put(f, { etag: read?.etag as string })).rejects.toBeInstanceOf(ConflictError);
    expect((await store.findings.get(f.key))?.status).toBe('compliant');
  });

  it('returns changed rows of a conditional putMany as conflicts and writes the rest', async () => {
    const store = createMemoryStore();
    const a = sampleFinding();
    const other = siteId(SUB_A, 'Rg-One', 'app-2');
    const b = sampleFinding({ resourceId: other, key: other.toLowerCase() });
    await store.findings.putMany([a]);
    const stale = new Map([[a.key, { etag: 'W/"old"' }], [b.key, { absent: true as const }]]);

    const result = await store.findings.putMany([{ ...a, status: 'error' }, b], stale);

    expect(result.conflicts).toEqual([a.key]);
    expect((await store.findings.get(a.key))?.status).toBe('noncompliant');
    expect(await store.findings.get(b.key)).toBeDefined();
  });

  it('lists by subscription and by key prefix', async () => {
    const store = createMemoryStore();
    const ids = [siteId(SUB_A, 'rg', 'app', 'a'), siteId(SUB_A, 'rg', 'app'), siteId(SUB_B, 'rg', 'app', 'a')];
    await store.findings.putMany(ids.map((resourceId, i) => sampleFinding({ resourceId, key: resourceId.toLowerCase(), subscriptionId: i === 2 ? SUB_B : SUB_A })));

    expect(await collect(store.findings.list({ subscriptionId: SUB_A }))).toHaveLength(2);
    expect((await collect(store.findings.list({ keyPrefix: `${siteId(SUB_A, 'rg', 'app').toLowerCase()}/slots/` }))).map((f) => f.resourceId)).toEqual([ids[0]]);
  });

  it('writes a history row with its finding, or neither when the finding changed since it was read', async () => {
    const store = createMemoryStore();
    const f = sampleFinding();
    const entry: HistoryEntry = { key: f.key, resourceId: f.resourceId, at: '2025-01-01T00:00:00.000Z', causeId: 'c', action: 'evaluated', status: 'noncompliant', reasons: [], source: 'sweep' };
    await store.findings.put(f, { absent: true }, entry);
    await store.findings.put(f, { absent: true }, { ...entry, causeId: 'late' }).catch(() => undefined);
    await store.findings.putMany([f], new Map([[f.key, { etag: 'W/"old"' }]]), new Map([[f.key, { ...entry, causeId: 'stale' }]]));
    await store.findings.put(f, undefined, { ...entry, status: 'compliant' });

    expect((await store.history.list(f.key)).map((h) => `${h.causeId} ${h.status}`)).toEqual(['c compliant']);
  });

  it('gives a lease to one holder until it expires or is released', async () => {
    const store = createMemoryStore();
    const now = new Date('2025-01-01T00:00:00Z');

    expect(await store.leases.tryAcquire('x', 'a', now, 1000)).toBe(true);
    expect(await store.leases.tryAcquire('x', 'b', now, 1000)).toBe(false);
    expect(await store.leases.tryAcquire('x', 'b', new Date(now.getTime() + 1001), 1000)).toBe(true);
    await store.leases.release('x', 'a');
    expect(await store.leases.tryAcquire('x', 'a', now, 1000)).toBe(false); // a no longer holds it: its release is nothing
    await store.leases.release('x', 'b');
    expect(await store.leases.tryAcquire('x', 'a', now, 1000)).toBe(true); // released by its holder: free again
  });
});
