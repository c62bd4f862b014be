import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { processedEventKeys } from '../../src/store/processedEventsTable.js';
import { newStore, useAzurite } from './storeFixture.js';
import { proxyTables } from '../support/countingProxy.js';

const connection = useAzurite();
const at = '2025-01-02T03:04:05.000Z';
const event = (eventId: string, eventTime = '2025-01-02T03:00:59.1234567Z') => ({ eventId, eventTime });

describe('processedEventsTable', () => {
  it('has not seen an event before it is marked', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const seen = await store.processedEvents.seen([event('3f2504e0-4f89-11d3-9a0c-0305e82c3301')]);

    // Assess
    expect([...seen]).toEqual([]);
  });

  it('has seen an event once it is marked, and marking again is harmless', async () => {
    // Prepare
    const store = newStore(connection());
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

    // Act
    await store.processedEvents.mark([event(id)], at);
    await store.processedEvents.mark([event(id)], '2025-01-02T03:04:06.000Z');

    // Assess
    expect([...(await store.processedEvents.seen([event(id)]))]).toEqual([id]);
    expect([...(await store.processedEvents.seen([event(id.toUpperCase())]))]).toEqual([]);
  });

  it('finds a redelivered event by its id and time, whatever the time zone it is written in', async () => {
    // Prepare
    const store = newStore(connection());
    await store.processedEvents.mark([event('e-1', '2025-01-02T03:59:59Z')], at);

    // Act
    const sameInstant = await store.processedEvents.seen([event('e-1', '2025-01-02T04:59:59.000+01:00')]);
    const otherMinute = await store.processedEvents.seen([event('e-1', '2025-01-02T04:00:00Z')]);

    // Assess
    expect([...sameInstant]).toEqual(['e-1']);
    expect([...otherMinute]).toEqual([]);
  });

  it('answers for a whole delivery: only the marked ones, across minutes and beyond one query', async () => {
    // Prepare
    const store = newStore(connection());
    const delivery = Array.from({ length: 40 }, (_, i) => event(`evt-${i}`, `2025-01-02T0${i % 3}:30:00Z`));
    const marked = delivery.filter((_, i) => i % 3 !== 1);
    await store.processedEvents.mark(marked, at);

    // Act
    const seen = await store.processedEvents.seen([...delivery, ...delivery]);

    // Assess
    expect([...seen].sort()).toEqual(marked.map((e) => e.eventId).sort());
  });

  it('marks a delivery of 16 events of one minute in one transaction and reads it in two queries', async () => {
    // Prepare
    const { proxy, connectionString } = await proxyTables(connection());
    try {
      const store = newStore(connectionString);
      const delivery = Array.from({ length: 16 }, (_, i) => event(`evt-${i}`));
      await store.processedEvents.seen([event('warm-up')]);
      proxy.requests.length = 0;

      // Act
      await store.processedEvents.mark(delivery, at);
      const seen = await store.processedEvents.seen(delivery);

      // Assess
      expect(seen.size).toBe(16);
      expect(proxy.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']); // one transaction; 14 + 2 rows to read: two queries
    } finally {
      await proxy.stop();
    }
  });

  it('accepts event ids with characters keys may not hold', async () => {
    // Prepare
    const store = newStore(connection());
    const id = "weird/id#with?every\\kind~of%char'\u0001";

    // Act
    await store.processedEvents.mark([event(id)], at);

    // Assess
    expect([...(await store.processedEvents.seen([event(id)]))]).toEqual([id]);
    expect([...(await store.processedEvents.seen([event('weird/id#with?every\\kind~of%char')]))]).toEqual([]);
  });

  it('rejects an empty event id or a time that is not ISO 8601, before any request', async () => {
    // Prepare
    const store = newStore(connection());

    // Act / Assess
    await expect(store.processedEvents.seen([event('')])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.processedEvents.mark([event('e', 'yesterday')], at)).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => processedEventKeys(event('e', '2025-02-30T00:00:00Z'))).toThrow(InvalidInputError);
  });
});
