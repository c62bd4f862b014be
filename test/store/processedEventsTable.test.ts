import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { newStore, useAzurite } from './storeFixture.js';

const connection = useAzurite();

describe('processedEventsTable', () => {
  it('has not seen an event before it is marked', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const seen = await store.processedEvents.seen('3f2504e0-4f89-11d3-9a0c-0305e82c3301');

    // Assess
    expect(seen).toBe(false);
  });

  it('has seen an event once it is marked, and marking again is harmless', async () => {
    // Prepare
    const store = newStore(connection());
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

    // Act
    await store.processedEvents.mark(id, '2025-01-02T03:04:05.000Z');
    await store.processedEvents.mark(id, '2025-01-02T03:04:06.000Z');

    // Assess
    expect(await store.processedEvents.seen(id)).toBe(true);
    expect(await store.processedEvents.seen(id.toUpperCase())).toBe(false);
  });

  it('accepts event ids with characters keys may not hold', async () => {
    // Prepare
    const store = newStore(connection());
    const id = 'weird/id#with?every\\kind~of%char\u0001';

    // Act
    await store.processedEvents.mark(id, '2025-01-02T03:04:05.000Z');

    // Assess
    expect(await store.processedEvents.seen(id)).toBe(true);
    expect(await store.processedEvents.seen('weird/id#with?every\\kind~of%char')).toBe(false);
  });

  it('rejects an empty event id', async () => {
    // Prepare
    const store = newStore(connection());

    // Act / Assess
    await expect(store.processedEvents.seen('')).rejects.toBeInstanceOf(InvalidInputError);
  });
});
