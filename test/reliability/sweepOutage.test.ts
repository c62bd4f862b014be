import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { runState } from '../../src/enforcer/index.js';
import { createRuntime, type Runtime } from '../../src/triggers/index.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { startStack, type Stack } from '../support/stack.js';
import { fleetOf, outcomes, random, sweep } from './storm.js';

/**
 * Table Storage stopped and restarted in the middle of a sweep run: the job that meets the outage
 * fails as retryable, comes back from the queue, and the run ends with the same counts and findings
 * as a sweep of the same fleet that never saw an outage.
 */
const SUBS = ['5a0e0000-0000-4000-8000-000000000001', '5a0e0000-0000-4000-8000-000000000002'];
const { seed, resources } = fleetOf(SUBS, 12, 3);

let dir: string;
let azurite: Azurite;
let stack: Stack;
const runtime = (connection: string): Promise<Runtime> =>
  createRuntime(loadConfig({ ...stack.env, MTLS_STORAGE_CONNECTION: connection, MTLS_TABLE_PREFIX: `o${randomUUID().replace(/-/g, '').slice(0, 12)}` }), () => {});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-sweep-outage-'));
  azurite = await startAzurite({ table: true, location: dir });
  stack = await startStack({ subscribe: false, seed, emulator: { pageSize: 3 } });
  const rand = random(3);
  for (const r of resources) {
    const record = r.slot ? stack.emu.fleet.getSlot(r.subscriptionId, 'rg', r.site, r.slot) : stack.emu.fleet.getSite(r.subscriptionId, 'rg', r.site);
    if (record && rand() < 0.3) record.properties.clientCertEnabled = false;
  }
});

afterAll(async () => {
  stack?.emu.faults.clear();
  await stack?.stop();
  await azurite?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Table Storage down in the middle of a sweep', () => {
  it('retries the job that met the outage and ends complete, equal to a sweep without one', async () => {
    const clean = await runtime(inject('azurite').connectionString);
    const { runId: cleanId } = await sweep(clean, SUBS);
    const cleanRun = await clean.deps.sweeps.getRun(cleanId);

    const faulty = await runtime(azurite.connectionString);
    // Hold the first subscription's listing, and take storage away while it is held.
    stack.emu.faults.slowMs = 3_000;
    stack.emu.faults.inject({ kind: 'slow', method: 'GET', pathIncludes: SUBS[0] });
    const faultsBefore = stack.emu.stats.faults;
    const running = sweep(faulty, SUBS, 500);
    while (stack.emu.stats.faults === faultsBefore) await new Promise((r) => setTimeout(r, 10));
    await azurite.stop();
    await new Promise((r) => setTimeout(r, 4_000));
    await azurite.start();
    const { runId, attempts } = await running;
    const run = await faulty.deps.sweeps.getRun(runId);

    expect(attempts).toBeGreaterThan(SUBS.length);
    expect(run && runState(run, new Date(), 3_600_000)).toBe('complete');
    for (const s of run?.subscriptions ?? []) expect(s.counts, s.subscriptionId).toEqual(cleanRun?.subscriptions.find((c) => c.subscriptionId === s.subscriptionId)?.counts);
    expect(await outcomes(faulty, SUBS)).toEqual(await outcomes(clean, SUBS));
    console.info(`sweep storage outage: ${resources.length} resources, ${attempts} job attempts for ${SUBS.length} jobs, run complete, finding diffs vs clean sweep 0`);
  }, 120_000);
});
