import { describe, expect, it } from 'vitest';
import { forEachLimited } from '../../src/shared/forEachLimited.js';
import { planBatches } from '../../src/store/batches.js';

const entity = (partitionKey: string, rowKey: string, payload = '') => ({ partitionKey, rowKey, payload });

describe('batches', () => {
  it('groups by partition in transactions of at most 100', () => {
    // Prepare
    const entities = [
      ...Array.from({ length: 120 }, (_, i) => entity('a', `r${i}`)),
      ...Array.from({ length: 80 }, (_, i) => entity('b', `r${i}`)),
      ...Array.from({ length: 50 }, (_, i) => entity('c', `r${i}`)),
    ];

    // Act
    const batches = planBatches(entities);

    // Assess
    expect(batches.map((b) => [b[0]?.partitionKey, b.length])).toEqual([['a', 100], ['a', 20], ['b', 80], ['c', 50]]);
    for (const batch of batches) expect(new Set(batch.map((e) => e.partitionKey)).size).toBe(1);
  });

  it('splits a partition before a transaction would pass 4 MiB', () => {
    // Prepare: 60 rows of ~100 KB, well under 100 operations
    const entities = Array.from({ length: 60 }, (_, i) => entity('a', `r${i}`, 'x'.repeat(100_000)));

    // Act
    const batches = planBatches(entities);

    // Assess
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThan(4 * 1024 * 1024);
    expect(batches.flat()).toHaveLength(60);
  });

  it('keeps only the last version of a repeated row', () => {
    // Prepare
    const entities = [entity('a', 'r', 'first'), entity('a', 'other'), entity('a', 'r', 'last')];

    // Act
    const [batch] = planBatches(entities);

    // Assess
    expect(batch).toEqual([entity('a', 'other'), entity('a', 'r', 'last')]);
  });

  it('runs no more than the limit at once and reports the first failure after all settle', async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const work = async (n: number): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (n === 3) throw new Error('three');
      done.push(n);
    };

    // Act
    const attempt = forEachLimited([1, 2, 3, 4, 5, 6], 2, work);

    // Assess
    await expect(attempt).rejects.toThrow('three');
    expect(peak).toBe(2);
    expect(done.sort()).toEqual([1, 2, 4, 5, 6]);
  });
});
