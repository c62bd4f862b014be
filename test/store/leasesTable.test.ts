import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { newStore, siteId, SUB_A, useAzurite } from './storeFixture.js';

const connection = useAzurite();

const NAME = siteId(SUB_A, 'Rg-One', 'app-1').toLowerCase();
const T0 = new Date('2025-03-01T12:00:00.000Z');
const TTL = 60_000;
const at = (ms: number): Date => new Date(T0.getTime() + ms);

describe('leasesTable', () => {
  it('gives a free lease to exactly one of 20 concurrent holders', async () => {
    // Prepare
    const store = newStore(connection());
    const holders = Array.from({ length: 20 }, (_, i) => `holder-${i}`);

    // Act
    const won = await Promise.all(holders.map((h) => store.leases.tryAcquire(NAME, h, T0, TTL)));

    // Assess
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('gives an expired lease to exactly one of 20 concurrent holders', async () => {
    // Prepare
    const store = newStore(connection());
    await store.leases.tryAcquire(NAME, 'crashed', T0, TTL);
    const holders = Array.from({ length: 20 }, (_, i) => `holder-${i}`);

    // Act
    const won = await Promise.all(holders.map((h) => store.leases.tryAcquire(NAME, h, at(TTL + 1), TTL)));

    // Assess
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a held lease to another holder until it expires', async () => {
    // Prepare
    const store = newStore(connection());
    await store.leases.tryAcquire(NAME, 'first', T0, TTL);

    // Act
    const whileHeld = await store.leases.tryAcquire(NAME, 'second', at(TTL - 1), TTL);
    const atExpiry = await store.leases.tryAcquire(NAME, 'second', at(TTL), TTL);
    const afterExpiry = await store.leases.tryAcquire(NAME, 'second', at(TTL + 1), TTL);
    const firstAgain = await store.leases.tryAcquire(NAME, 'first', at(TTL + 2), TTL);

    // Assess
    expect([whileHeld, atExpiry, afterExpiry, firstAgain]).toEqual([false, false, true, false]);
  });

  it('extends the lease when its holder acquires it again', async () => {
    // Prepare
    const store = newStore(connection());
    await store.leases.tryAcquire(NAME, 'first', T0, TTL);

    // Act
    const renewed = await store.leases.tryAcquire(NAME, 'first', at(TTL - 1_000), TTL);
    const otherAfterFirstTerm = await store.leases.tryAcquire(NAME, 'second', at(TTL + 1), TTL);
    const otherAfterRenewal = await store.leases.tryAcquire(NAME, 'second', at(2 * TTL), TTL);

    // Assess
    expect([renewed, otherAfterFirstTerm, otherAfterRenewal]).toEqual([true, false, true]);
  });

  it('lets another holder in once the holder releases', async () => {
    // Prepare
    const store = newStore(connection());
    await store.leases.tryAcquire(NAME, 'first', T0, TTL);

    // Act
    await store.leases.release(NAME, 'first');
    const second = await store.leases.tryAcquire(NAME, 'second', at(1), TTL);

    // Assess
    expect(second).toBe(true);
  });

  it('ignores a release by someone who does not hold the lease, or of a lease never taken', async () => {
    // Prepare
    const store = newStore(connection());
    await store.leases.tryAcquire(NAME, 'first', T0, TTL);

    // Act
    await store.leases.release(NAME, 'intruder');
    await store.leases.release(`${NAME}/slots/never`, 'first');
    const other = await store.leases.tryAcquire(NAME, 'second', at(1), TTL);

    // Assess
    expect(other).toBe(false);
  });

  it('keeps leases of different names apart, whatever characters they hold', async () => {
    // Prepare
    const store = newStore(connection());
    const odd = 'odd/name#with?every\\kind~of%char';

    // Act
    const results = [
      await store.leases.tryAcquire(NAME, 'a', T0, TTL),
      await store.leases.tryAcquire(`${NAME}/slots/staging`, 'b', T0, TTL),
      await store.leases.tryAcquire(odd, 'c', T0, TTL),
      await store.leases.tryAcquire(odd, 'd', T0, TTL),
    ];

    // Assess
    expect(results).toEqual([true, true, true, false]);
  });

  it.each([
    ['an empty name', '', 'h', TTL],
    ['an empty holder', NAME, '', TTL],
    ['a ttl of zero', NAME, 'h', 0],
    ['a ttl that is not a number', NAME, 'h', Number.NaN],
    ['a ttl beyond any date', NAME, 'h', Number.MAX_VALUE],
  ])('rejects %s', async (_, name, holder, ttl) => {
    // Prepare
    const store = newStore(connection());

    // Act / Assess
    await expect(store.leases.tryAcquire(name, holder, T0, ttl)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
