import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../../src/errors.js';
import { MAX_STRING_CHARS } from '../../src/store/entityLimits.js';
import type { Finding } from '../../src/model/index.js';
import { collect, newStore, sampleFinding, siteId, SUB_A, SUB_B, SUB_C, useAzurite } from './storeFixture.js';

const connection = useAzurite();

function fleet(subscriptionId: string, count: number): Finding[] {
  return Array.from({ length: count }, (_, i) => {
    const resourceId = siteId(subscriptionId, `rg-${i % 7}`, `app-${i}`, i % 5 === 0 ? 'staging' : undefined);
    return sampleFinding({ resourceId, key: resourceId.toLowerCase(), subscriptionId, site: `app-${i}`, source: 'sweep' });
  });
}

describe('findingsTable', () => {
  it('reads back exactly the finding it wrote', async () => {
    // Prepare
    const store = newStore(connection());
    const finding = sampleFinding({ slot: 'Staging', kind: 'app,linux', sku: 'PremiumV3', clientCertExclusionPaths: '/health,/public' });

    // Act
    const written = await store.findings.put(finding);
    const read = await store.findings.get(finding.key);

    // Assess
    expect(read).toStrictEqual({ ...finding, etag: expect.any(String) });
    expect(written).toBe(read?.etag);
  });

  it('reads back when the finding was last remediated', async () => {
    // Prepare
    const store = newStore(connection());
    const finding = sampleFinding({ status: 'compliant', reasons: [], remediatedAt: '2025-01-02T03:04:07.000Z' });

    // Act
    await store.findings.put(finding);
    const read = await store.findings.get(finding.key);

    // Assess
    expect(read).toStrictEqual({ ...finding, etag: expect.any(String) });
  });

  it('finds a finding whatever the case of the id asked for', async () => {
    // Prepare
    const store = newStore(connection());
    const finding = sampleFinding();
    await store.findings.put(finding);

    // Act
    const read = await store.findings.get(finding.resourceId.toUpperCase());

    // Assess
    expect(read?.key).toBe(finding.key);
  });

  it('answers undefined for a finding never written', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const read = await store.findings.get(siteId(SUB_A, 'rg', 'nobody'));

    // Assess
    expect(read).toBeUndefined();
  });

  it('replaces the whole row on put, dropping fields no longer set', async () => {
    // Prepare
    const store = newStore(connection());
    const before = sampleFinding({ firstNonCompliantAt: '2025-01-01T00:00:00.000Z', sku: 'Basic' });
    const { firstNonCompliantAt: _dropped, sku: _gone, ...after } = { ...before, status: 'compliant' as const, reasons: [] };
    await store.findings.put(before);

    // Act
    await store.findings.put(after);

    // Assess
    expect(await store.findings.get(before.key)).toStrictEqual({ ...after, etag: expect.any(String) });
  });

  it('writes 250 findings of 3 subscriptions in per-partition transactions', async () => {
    // Prepare
    const store = newStore(connection());
    const findings = [...fleet(SUB_A, 120), ...fleet(SUB_B, 80), ...fleet(SUB_C, 50)];

    // Act
    const result = await store.findings.putMany(findings);

    // Assess
    expect(result).toMatchObject({ written: 250, transactions: 4, conflicts: [] });
    const all = await collect(store.findings.list());
    // Each written row's version comes back, as a read then sees it (what the next conditional write needs).
    expect(result.etags.size).toBe(250);
    for (const f of all) expect(result.etags.get(f.key)).toBe(f.etag);
    expect(all).toHaveLength(250);
    expect(new Set(all.map((f) => f.key))).toEqual(new Set(findings.map((f) => f.key)));
    expect(await collect(store.findings.list({ subscriptionId: SUB_A }))).toHaveLength(120);
    expect(await collect(store.findings.list({ subscriptionId: SUB_B.toUpperCase() }))).toHaveLength(80);
    const one = findings[137] as Finding;
    expect(await store.findings.get(one.key)).toStrictEqual({ ...one, etag: expect.any(String) });
  });

  it('keeps the last version of a finding repeated in one putMany', async () => {
    // Prepare
    const store = newStore(connection());
    const first = sampleFinding({ status: 'noncompliant' });
    const last = sampleFinding({ status: 'compliant', reasons: [] });

    // Act
    const result = await store.findings.putMany([first, last]);

    // Assess
    expect(result).toMatchObject({ written: 1, transactions: 1, conflicts: [] });
    const stored = await store.findings.get(first.key);
    expect(stored?.status).toBe('compliant');
    expect(result.etags.get(first.key)).toBe(stored?.etag);
  });

  it('writes conditionally: rows changed or created since they were read come back as conflicts, the rest land', async () => {
    // Prepare: 150 rows of one partition (two transactions); a reader takes their versions
    const store = newStore(connection());
    const rows = fleet(SUB_A, 150);
    await store.findings.putMany(rows);
    const read = new Map<string, Finding>();
    for await (const f of store.findings.list({ subscriptionId: SUB_A })) read.set(f.key, f);
    const expectations = new Map([...read].map(([key, f]) => [key, { etag: f.etag as string }] as const));
    // a concurrent writer changes row 7 and row 120, and creates a row the reader expected absent
    const changed = [rows[7], rows[120]].map((f) => f as Finding);
    for (const f of changed) await store.findings.put({ ...f, status: 'compliant', reasons: [] });
    const fresh = fleet(SUB_A, 151)[150] as Finding;
    await store.findings.put({ ...fresh, status: 'compliant', reasons: [] });
    const expectAll = new Map<string, { etag: string } | { absent: true }>([...expectations, [fresh.key, { absent: true }]]);
    const update = [...rows, fresh].map((f) => ({ ...f, status: 'error' as const }));

    // Act
    const result = await store.findings.putMany(update, expectAll);

    // Assess
    expect(new Set(result.conflicts)).toEqual(new Set([...changed.map((f) => f.key), fresh.key]));
    expect(result.written).toBe(148);
    const after = new Map<string, Finding>();
    for await (const f of store.findings.list({ subscriptionId: SUB_A })) after.set(f.key, f);
    for (const key of result.conflicts) expect(after.get(key)?.status).toBe('compliant');
    expect([...after.values()].filter((f) => f.status === 'error')).toHaveLength(148);
    // Rows written after the transaction fell back to one by one still say their new version.
    expect(result.etags.size).toBe(148);
    for (const [key, etag] of result.etags) expect(after.get(key)?.etag).toBe(etag);
  });

  it('lists by key prefix as a RowKey range: a site\'s slots, not the site itself nor a longer-named site\'s slots', async () => {
    // Prepare
    const store = newStore(connection());
    const ids = ['app-1', 'app-1/slots/a', 'app-1/slots/B', 'app-10/slots/x', 'app-1-x/slots/y', 'app-2/slots/a']
      .map((path) => siteId(SUB_A, 'Rg-One', path).replace(/\/slots\//, '/slots/'));
    await store.findings.putMany(ids.map((resourceId) => sampleFinding({ resourceId, key: resourceId.toLowerCase() })));
    await store.findings.put(sampleFinding({ resourceId: siteId(SUB_B, 'Rg-One', 'app-1/slots/a'), key: siteId(SUB_B, 'Rg-One', 'app-1/slots/a').toLowerCase(), subscriptionId: SUB_B }));

    // Act
    const slots = await collect(store.findings.list({ keyPrefix: `${siteId(SUB_A, 'Rg-One', 'app-1').toLowerCase()}/slots/` }));

    // Assess
    expect(slots.map((f) => f.key.split('/sites/')[1]).sort()).toEqual(['app-1/slots/a', 'app-1/slots/b']);
  });

  it('rejects a whole putMany with one bad key before writing anything', async () => {
    // Prepare
    const store = newStore(connection());
    const good = sampleFinding();
    const bad = sampleFinding({ key: 'not-an-arm-id' });

    // Act
    const attempt = store.findings.putMany([good, bad]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    expect(await store.findings.get(good.key)).toBeUndefined();
  });

  it('truncates oversized free text with a marker instead of failing', async () => {
    // Prepare
    const store = newStore(connection());
    const huge = 'x'.repeat(200_000);
    const finding = sampleFinding({
      reasons: [
        { code: 'mode-not-required', message: huge },
        { code: 'exclusion-paths', message: 'short and kept' },
      ],
      advice: [huge, 'keep me'],
      clientCertExclusionPaths: `/a,${huge}`,
    });

    // Act
    await store.findings.put(finding);
    const read = await store.findings.get(finding.key);

    // Assess
    expect(read?.reasons.map((r) => r.code)).toEqual(['mode-not-required', 'exclusion-paths']);
    expect(read?.reasons[0]?.message).toMatch(/^x+…\[truncated\]$/);
    expect(read?.reasons[1]?.message).toBe('short and kept');
    expect(JSON.stringify(read?.reasons).length).toBeLessThanOrEqual(MAX_STRING_CHARS);
    expect(read?.advice[1]).toBe('keep me');
    expect(read?.clientCertExclusionPaths).toHaveLength(MAX_STRING_CHARS);
    expect(read?.clientCertExclusionPaths?.endsWith('…[truncated]')).toBe(true);
  });

  it('rejects an id whose key would exceed 1 KiB', async () => {
    // Prepare
    const store = newStore(connection());
    const resourceId = siteId(SUB_A, 'rg', 'a'.repeat(1100));

    // Act
    const attempt = store.findings.put(sampleFinding({ resourceId, key: resourceId.toLowerCase() }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('refuses a write against a stale version or onto a row that now exists', async () => {
    // Prepare
    const store = newStore(connection());
    const finding = sampleFinding();
    await store.findings.put(finding, { absent: true });
    const first = await store.findings.get(finding.key);
    await store.findings.put({ ...finding, status: 'noncompliant' }, { etag: first?.etag as string });

    // Act
    const [stale, again] = await Promise.allSettled([store.findings.put(finding, { etag: first?.etag as string }), store.findings.put(finding, { absent: true })]);

    // Assess
    expect(stale.status === 'rejected' && stale.reason).toBeInstanceOf(ConflictError);
    expect(again.status === 'rejected' && again.reason).toBeInstanceOf(ConflictError);
    expect((await store.findings.get(finding.key))?.status).toBe('noncompliant');
  });
});
