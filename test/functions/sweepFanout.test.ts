import { InvocationContext, type Timer } from '@azure/functions';
import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { sweepTimer, sweepWorker } from '../../functions/sweep.js';
import { runState } from '../../src/enforcer/index.js';
import { cliIo } from '../support/cliIo.js';
import { startStack, type Stack } from '../support/stack.js';

const SUBS = ['fa000000-0000-4000-8000-000000000001', 'fa000000-0000-4000-8000-000000000002', 'fa000000-0000-4000-8000-000000000003'];
let stack: Stack;
let queue: QueueClient;

const context = (dequeueCount = 1) => new InvocationContext({ functionName: 'sweepWorker', triggerMetadata: { dequeueCount } });

/** Drain the sweep queue as the Functions runtime would hand messages over (base64-decoded JSON). */
async function drain(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
    if (receivedMessageItems.length === 0) return out;
    for (const m of receivedMessageItems) {
      out.push(JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')));
      await queue.deleteMessage(m.messageId, m.popReceipt);
    }
  }
}

beforeAll(async () => {
  stack = await startStack({
    subscribe: false,
    seed: { subscriptions: SUBS.map((id, s) => ({ id, sites: Array.from({ length: 10 }, (_, i) => ({ resourceGroup: 'rg', name: `s${s}-app-${i}`, clientCertEnabled: i !== 0, clientCertMode: 'Required' })) })) },
  });
  const queueName = `${String(stack.env.MTLS_TABLE_PREFIX).toLowerCase()}-sweep`;
  for (const [name, value] of Object.entries({ ...stack.env, MTLS_SUBSCRIPTIONS: SUBS.join(','), MTLS_SWEEP_QUEUE: queueName })) vi.stubEnv(name, value);
  queue = new QueueClient(inject('azurite').connectionString, queueName);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
});

describe('nightly sweep fan-out (timer → storage queue → workers)', () => {
  it('plans one message per subscription, and the workers complete the run with exact counts', async () => {
    await sweepTimer({} as Timer, context());
    const jobs = (await drain()) as Array<{ runId: string; subscriptionId: string }>;
    expect(jobs.map((j) => j.subscriptionId).sort()).toEqual(SUBS);

    for (const job of jobs) await sweepWorker(job, context());

    const run = await stack.deps.sweeps.getRun(jobs[0]?.runId as string);
    expect(run && runState(run, new Date(), 3_600_000)).toBe('complete');
    for (const sub of run?.subscriptions ?? []) expect(sub).toMatchObject({ status: 'done', evaluated: 10, counts: { compliant: 9, noncompliant: 1 } });
    // A redelivered job counts once.
    await sweepWorker(jobs[0], context(2));
    const again = await stack.deps.sweeps.getRun(jobs[0]?.runId as string);
    expect(again?.subscriptions).toEqual(run?.subscriptions);
  });

  it('ends a job that keeps failing as a visible failed subscription, and the run as incomplete', async () => {
    await sweepTimer({} as Timer, context());
    const jobs = (await drain()) as Array<{ runId: string; subscriptionId: string }>;
    stack.emu.faults.inject({ kind: '403', method: 'GET', pathIncludes: SUBS[1] as string }, 1000);

    for (const job of jobs) {
      if (job.subscriptionId === SUBS[1]) {
        await expect(sweepWorker(job, context(1))).rejects.toThrow();
        await sweepWorker(job, context(10));
      } else await sweepWorker(job, context());
    }

    stack.emu.faults.clear();
    const run = await stack.deps.sweeps.getRun(jobs[0]?.runId as string);
    expect(run && runState(run, new Date(), 3_600_000)).toBe('incomplete');
    expect(run?.subscriptions.find((s) => s.subscriptionId === SUBS[1])).toMatchObject({ status: 'failed', error: expect.stringMatching(/permission missing: Microsoft.Web\/sites\/read/) });
    expect((await stack.deps.sweeps.latestRuns(2)).map((r) => r.id)).toEqual([jobs[0]?.runId, expect.any(String)]);
  });

  it('serves the latest run\'s report over HTTP (key required) and from the CLI, flagged incomplete', async () => {
    const { startLocalHost } = await import('../../src/host/index.js');
    const { runCli } = await import('../../src/cli/index.js');
    const host = await startLocalHost({ deps: stack.deps, key: 'report-key-0123456789abcdef' });
    try {
      const noKey = await fetch(`${host.url}/api/report?format=html`);
      const html = await fetch(`${host.url}/api/report?format=html`, { headers: { 'x-functions-key': 'report-key-0123456789abcdef' } });
      const bad = await fetch(`${host.url}/api/report?format=pdf`, { headers: { 'x-functions-key': 'report-key-0123456789abcdef' } });

      expect(noKey.status).toBe(401);
      expect(html.headers.get('content-type')).toContain('text/html');
      const text = await html.text();
      expect(text).toContain('<svg');
      expect(text.toLowerCase()).toContain('incomplete');
      expect(bad.status).toBe(400);
    } finally {
      await host.stop();
    }
    const io = cliIo(stack.env);
    expect(await runCli(['report', '--format', 'json'], io)).toBe(0);
    const json = JSON.parse(io.out) as { runState: string; totals: Record<string, number> };
    expect(json.runState).toBe('incomplete');
  });

  it('gives the same final counts when a worker dies mid-subscription and its job is redelivered', async () => {
    await sweepTimer({} as Timer, context());
    const jobs = (await drain()) as Array<{ runId: string; subscriptionId: string }>;
    const victim = jobs.find((j) => j.subscriptionId === SUBS[0]);
    // Its first attempt fails after the site list, while listing the resource group's slots.
    stack.emu.faults.inject({ kind: '403', method: 'GET', pathIncludes: `${SUBS[0]}/resourceGroups/rg/providers/Microsoft.Web/sites` }, 1);

    await expect(sweepWorker(victim, context(1))).rejects.toThrow();
    await sweepWorker(victim, context(2));

    const run = await stack.deps.sweeps.getRun(victim?.runId as string);
    expect(run?.subscriptions.find((s) => s.subscriptionId === SUBS[0])).toMatchObject({ status: 'done', evaluated: 10, counts: { compliant: 9, noncompliant: 1 } });
  });

  it('slows down under a 429 storm but loses nothing', async () => {
    // One subscription sweeps in two reads (the site list, then the group's sites and slots): a burst of one throttles the second.
    stack.emu.throttle.limits = { readBurst: 1, readPerSecond: 1, writeBurst: 200, writePerSecond: 10 };
    stack.emu.stats.reset();
    try {
      await sweepTimer({} as Timer, context());
      const jobs = (await drain()) as Array<{ runId: string; subscriptionId: string }>;
      const job = jobs.find((j) => j.subscriptionId === SUBS[2]);

      await sweepWorker(job, context());

      const run = await stack.deps.sweeps.getRun(job?.runId as string);
      expect(stack.emu.stats.throttled).toBeGreaterThan(0);
      expect(run?.subscriptions.find((s) => s.subscriptionId === SUBS[2])).toMatchObject({ status: 'done', evaluated: 10, counts: { compliant: 9, noncompliant: 1 } });
    } finally {
      stack.emu.throttle.limits = false;
    }
  }, 60_000);
});
