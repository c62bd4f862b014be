import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { getSubscriptionSettings, setSubscriptionSettings, type EnforcerDeps } from '../../src/enforcer/index.js';
import { createRuntime } from '../../src/triggers/index.js';
import { uniquePrefix, useAzurite, SUB_A } from './storeFixture.js';

const connection = useAzurite();
const BASELINE = { at: '2026-12-01T02:00:00.000Z', runId: 'run-1' };

async function newDeps(): Promise<EnforcerDeps> {
  const config = loadConfig({ MTLS_STORAGE_CONNECTION: connection(), MTLS_TABLE_PREFIX: uniquePrefix() });
  return (await createRuntime(config, () => undefined)).deps;
}

/** Set the mode through the use case (CLI and API), then what the row now says. */
async function setMode(deps: EnforcerDeps, mode: string) {
  await setSubscriptionSettings(deps, { subscriptionId: SUB_A, mode, by: 'alice' });
  return deps.settings.get(SUB_A);
}

describe('the enforce baseline on the settings row', () => {
  it('is set once, on the row the sweep read, and only in enforce', async () => {
    // Prepare
    const deps = await newDeps();
    const row = await setMode(deps, 'enforce');
    const read = { updatedAt: row?.updatedAt ?? '' };

    // Act
    const stale = await deps.settings.recordBaseline(SUB_A, BASELINE, { updatedAt: '2020-01-01T00:00:00.000Z' });
    const first = await deps.settings.recordBaseline(SUB_A, BASELINE, read);
    const second = await deps.settings.recordBaseline(SUB_A, { at: '2026-12-02T02:00:00.000Z', runId: 'run-2' }, read);

    // Assess
    expect([stale, first, second]).toEqual([false, true, false]);
    expect(await getSubscriptionSettings(deps, SUB_A)).toMatchObject({ mode: 'enforce', baselineAt: BASELINE.at, baselineRunId: 'run-1' });
  });

  it('is not set on a subscription in audit', async () => {
    // Prepare
    const deps = await newDeps();
    const row = await setMode(deps, 'audit');

    // Act
    const set = await deps.settings.recordBaseline(SUB_A, BASELINE, { updatedAt: row?.updatedAt ?? '' });

    // Assess
    expect(set).toBe(false);
    expect((await deps.settings.get(SUB_A))?.baselineAt).toBeUndefined();
  });

  it('stays while the subscription stays in enforce, goes when it leaves, and is set anew when it comes back', async () => {
    // Prepare
    const deps = await newDeps();
    const enforced = await setMode(deps, 'enforce');
    await deps.settings.recordBaseline(SUB_A, BASELINE, { updatedAt: enforced?.updatedAt ?? '' });

    // Act
    await setSubscriptionSettings(deps, { subscriptionId: SUB_A, mode: 'enforce', allowedModes: ['Required', 'Optional'], by: 'bob' });
    const stayed = await deps.settings.get(SUB_A);
    const left = await setMode(deps, 'audit');
    const back = await setMode(deps, 'enforce');
    const anew = await deps.settings.recordBaseline(SUB_A, { at: '2026-12-09T02:00:00.000Z', runId: 'run-9' }, { updatedAt: back?.updatedAt ?? '' });

    // Assess
    expect(stayed).toMatchObject({ allowedModes: ['Required', 'Optional'], baselineAt: BASELINE.at, baselineRunId: 'run-1' });
    expect(left?.baselineAt).toBeUndefined();
    expect(back?.baselineAt).toBeUndefined();
    expect(anew).toBe(true);
    expect(await deps.settings.get(SUB_A)).toMatchObject({ mode: 'enforce', baselineAt: '2026-12-09T02:00:00.000Z', baselineRunId: 'run-9' });
  });
});
