import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { EnforcerDeps } from '../../src/enforcer/index.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { TransientError } from '../../src/errors.js';
import type { Finding, HistoryEntry } from '../../src/model/index.js';
import { createRuntime, handleQueueMessage, processDelivery } from '../../src/triggers/index.js';
import { startAzurite, type Azurite } from '../support/azurite.js';
import { ALICE, HOST_KEY, startStack, type Stack } from '../support/stack.js';

/**
 * Storage down during an event: the enforcer's own Azurite (on disk, so a restart keeps the
 * tables) is stopped before or in the middle of handling a delivery, then started again on the
 * same port. The delivery must fail as retryable, and once redelivered the tables must read as
 * they do in a reference run that never saw an outage (same deliveries, storage up throughout).
 */
const SUB = '5707a9e0-0000-4000-8000-000000000001';
const APP = siteId(SUB, 'rg', 'app');
const OTHER = siteId(SUB, 'rg', 'other');

let dir: string;
let azurite: Azurite;
let stack: Stack;
let reference: EnforcerDeps;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtls-outage-'));
  azurite = await startAzurite({ table: true, location: dir });
  const site = (name: string) => ({ resourceGroup: 'rg', name, clientCertEnabled: true, clientCertMode: 'Required' });
  stack = await startStack({ subscribe: false, seed: { subscriptions: [{ id: SUB, sites: [site('app'), site('other')] }] }, env: { MTLS_STORAGE_CONNECTION: azurite.connectionString } });
  const env = { ...stack.env, MTLS_STORAGE_CONNECTION: inject('azurite').connectionString, MTLS_TABLE_PREFIX: `r${randomUUID().replace(/-/g, '').slice(0, 12)}` };
  ({ deps: reference } = await createRuntime(loadConfig(env), () => {}));
});

afterAll(async () => {
  await stack?.stop();
  await azurite?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The next event the emulator publishes for a user write, as Event Grid would deliver it. */
function write(id: string, properties: Record<string, unknown>): Array<Record<string, unknown>> {
  stack.emu.userWrite(id, properties, ALICE);
  return [stack.events[stack.events.length - 1] as Record<string, unknown>];
}

function post(delivery: unknown): Promise<Response> {
  return fetch(stack.host.webhookUrl, { method: 'POST', body: JSON.stringify(delivery), headers: { 'content-type': 'application/json', 'x-functions-key': HOST_KEY } });
}

/** What a finding and its history say, without the times that differ between two runs. */
async function state(deps: EnforcerDeps, id: string) {
  const key = id.toLowerCase();
  const f = (await deps.findings.get(key)) as Finding;
  const finding = { status: f.status, reasons: f.reasons.map((r) => r.code), enabled: f.clientCertEnabled, mode: f.clientCertMode, lastEventId: f.lastEventId, drifting: !!f.firstNonCompliantAt, caller: f.lastCaller };
  const history = (await deps.history.list(key)).map((h: HistoryEntry) => ({ causeId: h.causeId, action: h.action, status: h.status, previousStatus: h.previousStatus, reasons: h.reasons.map((r) => r.code) }));
  return { finding, history };
}

describe('Table Storage down during an event', () => {
  it('answers 503 (and the queue trigger rethrows) while storage is down, and a redelivery lands as if nothing happened', async () => {
    const first = write(APP, { httpsOnly: true });
    expect((await post(first)).status).toBe(200);
    await processDelivery(reference, first);
    const drift = write(APP, { clientCertEnabled: false });

    await azurite.stop();
    const down = await post(drift);
    const downBody = (await down.json()) as { error: string };
    const queued = await handleQueueMessage(stack.deps, drift[0], new InvocationContext({ functionName: 'onEventQueue', triggerMetadata: { dequeueCount: 1 } })).then(
      () => undefined,
      (err: unknown) => err,
    );
    await azurite.start();
    const redelivered = await post(drift);
    await processDelivery(reference, drift);

    expect(down.status).toBe(503);
    expect(downBody.error).toMatch(/transient failure, retry later: .*Table Storage/);
    expect(queued).toBeInstanceOf(TransientError);
    expect(redelivered.status).toBe(200);
    expect(await state(stack.deps, APP)).toEqual(await state(reference, APP));
    expect((await state(stack.deps, APP)).history.map((h) => h.status)).toEqual(['noncompliant', 'compliant']);
  });

  it('fails as retryable when storage goes down after the ARM read, mid-event, and loses nothing on redelivery', async () => {
    const first = write(OTHER, { httpsOnly: true });
    expect((await post(first)).status).toBe(200);
    await processDelivery(reference, first);
    const drift = write(OTHER, { clientCertMode: 'Optional' });
    // Hold the ARM read, and take storage away while it is held: the handler has read its settings
    // and dedupe rows already, and meets the outage when it records.
    stack.emu.faults.slowMs = 4_000;
    stack.emu.faults.inject({ kind: 'slow', method: 'GET', pathIncludes: '/sites/other' });
    const reads = stack.emu.stats.counts['GET site'] ?? 0;

    const answer = post(drift);
    while ((stack.emu.stats.counts['GET site'] ?? 0) === reads) await new Promise((r) => setTimeout(r, 10));
    await azurite.stop();
    const down = await answer;
    await azurite.start();
    const redelivered = await post(drift);
    await processDelivery(reference, drift);

    expect(down.status).toBe(503);
    expect(redelivered.status).toBe(200);
    expect(await state(stack.deps, OTHER)).toEqual(await state(reference, OTHER));
    expect((await state(stack.deps, OTHER)).finding).toMatchObject({ status: 'noncompliant', reasons: ['mode-not-required'] });
    // What was written before the outage is still there after the restart.
    expect((await state(stack.deps, APP)).finding.status).toBe('noncompliant');
  });
});
