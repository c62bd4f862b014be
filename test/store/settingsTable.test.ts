import { describe, expect, it } from 'vitest';
import type { SubscriptionSettings } from '../../src/model/index.js';
import { InvalidInputError } from '../../src/errors.js';
import { collect, newStore, SUB_A, SUB_B, useAzurite } from './storeFixture.js';

const connection = useAzurite();

function settings(overrides: Partial<SubscriptionSettings> = {}): SubscriptionSettings {
  return { subscriptionId: SUB_A, mode: 'enforce', updatedBy: 'alice@example.com', updatedAt: '2025-02-01T10:00:00.000Z', ...overrides };
}

describe('settingsTable', () => {
  it('answers undefined for a subscription never set', async () => {
    // Prepare
    const store = newStore(connection());

    // Act
    const read = await store.settings.get(SUB_A);

    // Assess
    expect(read).toBeUndefined();
  });

  it('reads back exactly the settings it wrote, whatever the case of the id', async () => {
    // Prepare
    const store = newStore(connection());
    const row = settings({ allowedModes: ['Required', 'Optional'] });

    // Act
    await store.settings.put({ ...row, subscriptionId: SUB_A.toUpperCase() });
    const read = await store.settings.get(SUB_A.toUpperCase());

    // Assess
    expect(read).toStrictEqual(row);
  });

  it('replaces the row, dropping allowedModes no longer set', async () => {
    // Prepare
    const store = newStore(connection());
    await store.settings.put(settings({ allowedModes: ['Optional'] }));

    // Act
    await store.settings.put(settings({ mode: 'audit', updatedAt: '2025-02-02T10:00:00.000Z' }));

    // Assess
    expect(await store.settings.get(SUB_A)).toStrictEqual(settings({ mode: 'audit', updatedAt: '2025-02-02T10:00:00.000Z' }));
  });

  it('records who changed what, old mode to new, newest first', async () => {
    // Prepare
    const store = newStore(connection());
    await store.settings.put(settings({ mode: 'audit', updatedBy: 'alice', updatedAt: '2025-02-01T10:00:00.000Z' }));
    await store.settings.put(settings({ mode: 'enforce', updatedBy: 'bob', updatedAt: '2025-02-03T10:00:00.000Z', allowedModes: ['Required', 'Optional'] }));
    await store.settings.put(settings({ mode: 'off', updatedBy: 'carol', updatedAt: '2025-02-05T10:00:00.000Z' }));

    // Act
    const history = await store.settings.history(SUB_A);

    // Assess
    expect(history).toStrictEqual([
      { at: '2025-02-05T10:00:00.000Z', by: 'carol', from: 'enforce', to: 'off' },
      { at: '2025-02-03T10:00:00.000Z', by: 'bob', from: 'audit', to: 'enforce', allowedModes: ['Required', 'Optional'] },
      { at: '2025-02-01T10:00:00.000Z', by: 'alice', to: 'audit' },
    ]);
    expect(await store.settings.history(SUB_A, 1)).toHaveLength(1);
    expect(await store.settings.history(SUB_B)).toEqual([]);
  });

  it('writes one history row for a put retried after it landed, keeping the old mode', async () => {
    // Prepare
    const store = newStore(connection());
    await store.settings.put(settings({ mode: 'audit', updatedAt: '2025-02-01T10:00:00.000Z' }));
    const change = settings({ mode: 'enforce', updatedAt: '2025-02-02T10:00:00.000Z' });

    // Act
    await store.settings.put(change);
    await store.settings.put(change);

    // Assess
    const history = await store.settings.history(SUB_A);
    expect(history.map((h) => `${h.from ?? '-'}→${h.to}`)).toEqual(['audit→enforce', '-→audit']);
  });

  it('lists every subscription set', async () => {
    // Prepare
    const store = newStore(connection());
    await store.settings.put(settings());
    await store.settings.put(settings({ subscriptionId: SUB_B, mode: 'off' }));

    // Act
    const all = await collect(store.settings.list());

    // Assess
    expect(all.map((s) => [s.subscriptionId, s.mode]).sort()).toEqual([[SUB_A, 'enforce'], [SUB_B, 'off']]);
  });

  it.each([
    ['a subscription id that is not a GUID', { subscriptionId: 'not-a-guid' }, /subscription id must be a GUID/],
    ['an unknown mode', { mode: 'fix' as 'off' }, /mode must be one of off, audit, enforce/],
    ['an unknown client-cert mode', { allowedModes: ['Required', 'Sometimes'] }, /allowedModes may hold only .*Sometimes/],
    ['an empty list of allowed modes', { allowedModes: [] }, /at least one mode/],
    ['no author', { updatedBy: ' ' }, /updatedBy/],
    ['a time that is not a date', { updatedAt: 'now' }, /updatedAt must be an ISO 8601 date/],
  ])('rejects %s and writes nothing', async (_, overrides, message) => {
    // Prepare
    const store = newStore(connection());

    // Act
    const attempt = store.settings.put(settings(overrides));

    // Assess
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(message);
    expect(await collect(store.settings.list())).toEqual([]);
  });

  it('rejects reading a subscription id that is not a GUID', async () => {
    // Prepare
    const store = newStore(connection());

    // Act / Assess
    await expect(store.settings.get('../../etc')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.settings.history('x')).rejects.toBeInstanceOf(InvalidInputError);
  });
});
