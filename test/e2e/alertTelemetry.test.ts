import { InvocationContext } from '@azure/functions';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { setSubscriptionSettings, type SiteLister } from '../../src/enforcer/index.js';
import { TransientError } from '../../src/errors.js';
import { checkHealth, contextLog, createRuntime, fieldsOf, FIELDS_MARKER, handleSweepJob, MAX_DEQUEUE_COUNT } from '../../src/triggers/index.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { readTemplate, type JsonObject } from '../infra/armExpressions.js';
import { kqlWhere } from '../infra/kqlWhere.js';
import { sweepNow } from '../support/sweepNow.js';
import { ALICE, startStack, type Stack } from '../support/stack.js';

const SUB = 'a1e27000-0000-4000-8000-000000000001';
let stack: Stack;

/** The alert rules of infra/main.json: name and query. */
const RULES = (readTemplate('main.json').resources as JsonObject[])
  .filter((r) => r.type === 'Microsoft.Insights/scheduledQueryRules')
  .map((r) => ({ name: String(r.name), query: String((((r.properties as JsonObject).criteria as JsonObject).allOf as JsonObject[])[0]?.query) }));

beforeAll(async () => {
  const prefix = `a${Math.random().toString(36).slice(2, 10)}`;
  stack = await startStack({
    seed: { subscriptions: [{ id: SUB, sites: ['app-0', 'app-1'].map((name) => ({ resourceGroup: 'rg', name, clientCertEnabled: true, clientCertMode: 'Required' as const })) }] },
    // One revert per window: the second drift of an app marks it flapping.
    env: { MTLS_FLAP_MAX_REVERTS: '1', MTLS_EVENT_QUEUE: `${prefix}-events`, MTLS_SWEEP_QUEUE: `${prefix}-sweep`, MTLS_DEADLETTER_CONTAINER: `${prefix}-deadletter` },
  });
  await setSubscriptionSettings(stack.deps, { subscriptionId: SUB, mode: 'enforce', by: 'test' });
  await sweepNow(stack, SUB); // the baseline: both apps guarded, so their drift is reverted
});

afterAll(async () => {
  await stack?.stop();
});

/** Each log line as the Functions host sends it (contextLog), then read back as the alert queries parse it. */
function telemetry(): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const log = contextLog(new InvocationContext({ logHandler: (_level, ...args) => void lines.push(args.map(String).join(' ')) }));
  for (const l of stack.logs) log(l.level, l.message, l.fields);
  return lines.map(fieldsOf).filter((f): f is Record<string, unknown> => f !== undefined);
}

describe('alert rules in step with the telemetry the code writes', () => {
  it('every rule matches a line the product wrote when its condition happened, and only then', async () => {
    // A denied remediation: an Azure Policy deny on the revert.
    stack.emu.faults.inject({ kind: 'policy', method: 'PATCH', pathIncludes: '/sites/app-0' }, 1);
    stack.emu.userWrite(siteId(SUB, 'rg', 'app-0'), { clientCertEnabled: false }, ALICE);
    await stack.settle();
    const quiet = telemetry();
    // Flapping: app-1 drifts, is reverted, drifts again within the window.
    for (let i = 0; i < 2; i++) {
      stack.emu.userWrite(siteId(SUB, 'rg', 'app-1'), { clientCertEnabled: false }, ALICE);
      await stack.settle();
    }
    // A sweep run that ends incomplete: its only job fails for good.
    const runId = `alert-run-${Date.now()}`;
    await stack.deps.sweeps.createRun({ id: runId, startedAt: new Date().toISOString(), trigger: 'test', subscriptionIds: [SUB] });
    const failing: SiteLister = { listSites: () => { throw new TransientError('ARM unreachable'); }, listSlots: () => { throw new TransientError('ARM unreachable'); } };
    await handleSweepJob(stack.deps, failing, { runId, startedAt: new Date().toISOString(), subscriptionId: SUB }, new InvocationContext({ triggerMetadata: { dequeueCount: MAX_DEQUEUE_COUNT } }));
    // A poison message and a dead-letter blob, counted by the health timer.
    const azurite = inject('azurite');
    const poison = new QueueClient(azurite.connectionString, `${stack.env.MTLS_EVENT_QUEUE}-poison`);
    await poison.createIfNotExists();
    await poison.sendMessage('e30=');
    const deadLetters = new ContainerClient(`${azurite.blobUrl}/${stack.env.MTLS_DEADLETTER_CONTAINER}`, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
    await deadLetters.createIfNotExists();
    await deadLetters.getBlockBlobClient('topic/2026/12/04/event.json').upload('[]', 2);
    const runtime = await createRuntime(loadConfig(stack.env), stack.deps.log);
    await checkHealth(runtime, stack.deps.log);

    const lines = telemetry();

    expect(RULES.map((r) => /-alert-([\w-]+)'/.exec(r.name)?.[1])).toEqual(['remediation-denied', 'flapping', 'sweep-incomplete', 'poison-messages', 'dead-letters']);
    for (const rule of RULES) {
      // The query reads the fields where contextLog writes them.
      expect(rule.query, rule.name).toContain(`extract(@"${FIELDS_MARKER}(\\{.*\\})$", 1, message)`);
      const where = kqlWhere(rule.query.split('| where ').at(-1) as string);
      const matching = lines.filter(where.test);
      expect(matching.length, `${rule.name} matches no line the code wrote`).toBeGreaterThan(0);
      for (const field of where.fields) expect(matching[0], `${rule.name}: field ${field}`).toHaveProperty(field);
    }
    // Before flapping, the sweep failure and the backlog, only the denial's rule matched.
    const matchedEarly = RULES.filter((r) => quiet.some(kqlWhere(r.query.split('| where ').at(-1) as string).test)).map((r) => r.name);
    expect(matchedEarly).toEqual([expect.stringContaining('remediation-denied')]);
    expect(lines.find((f) => f.event === 'backlog')).toMatchObject({ poisonMessages: 1, sweepPoisonMessages: 0, deadLetters: 1 });
    // Every outcome line carries what an operator filters on.
    for (const f of lines.filter((l) => l.event === 'outcome')) expect(Object.keys(f)).toEqual(expect.arrayContaining(['resourceId', 'subscriptionId', 'status', 'action', 'durationMs']));
  }, 60_000);
});
