import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExemption, getRollout } from '../../src/enforcer/index.js';
import { DEMO_SUBSCRIPTIONS, siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { LOCAL_ENFORCER, startLocalStack, type LocalStack } from '../../tools/arm-emulator/src/local/startLocalStack.js';
import { runCaptured } from '../support/cliIo.js';

let stack: LocalStack;
const logs: string[] = [];

beforeAll(async () => {
  // What `npm start -- --rollout-every <s>` passes on, with a tiny interval so the test need not wait.
  stack = await startLocalStack((level, message) => void logs.push(`${level} ${message}`), {}, {}, { rolloutEveryMs: 50 });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('local mode rollout timer (--rollout-every)', () => {
  it('applies the due wave of an --auto plan by itself, and leaves the next one to its date', async () => {
    // Prepare: an --auto plan made with the CLI against the local stack, its first wave due a minute ago.
    const env = {
      MTLS_STORAGE_CONNECTION: stack.azurite.connectionString, MTLS_TABLE_PREFIX: 'Local',
      MTLS_ARM_ENDPOINT: stack.emulator.url, MTLS_ARM_CA_CERT_PATH: stack.caCertPath, MTLS_ARM_TOKEN: 'local-user',
    };
    // The demo's legacy-portal fails only on its exclusion paths, which the enforcer may not clear: waived, so the wave can finish.
    await addExemption(stack.deps, { scope: siteId(DEMO_SUBSCRIPTIONS.enforce, 'rg-legacy', 'legacy-portal'), owner: 'legacy-team', approver: 'ciso@contoso.example', reason: 'health probes', category: 'waiver', expiresAt: '2099-01-01', by: 'test' }, 36_500);
    const firstWaveAt = new Date(Date.now() - 60_000).toISOString();
    const planned = await runCaptured(['rollout', 'plan', '--subscription', DEMO_SUBSCRIPTIONS.enforce, '--wave-size', '2', '--first-wave-at', firstWaveAt, '--every', '7d', '--auto', '--json'], env);
    expect(planned.code, planned.err).toBe(0);
    const plan = JSON.parse(planned.out) as { id: string; waves: Array<{ apps: Array<{ resourceId: string }> }> };
    expect(plan.waves.length).toBeGreaterThan(1);
    const first = plan.waves[0]?.apps[0]?.resourceId as string;

    // Act: nothing but the local stack's own timer.
    let statuses: string[] = [];
    // The wave row says done before the timer's tick logs it: wait for both (a tick that never logs times the test out).
    const appliedLine = `info rollout ${plan.id} wave 1: done`;
    while (statuses[0] === undefined || statuses[0] === 'pending' || statuses[0] === 'applying' || (statuses[0] === 'done' && !logs.includes(appliedLine))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      statuses = (await getRollout(stack.deps, plan.id)).waves.map((w) => w.status);
    }

    // Assess
    expect(statuses[0]).toBe('done');
    expect(statuses.slice(1).every((s) => s === 'pending')).toBe(true);
    const patched = stack.emulator.stats.writes.filter((w) => w.method === 'PATCH' && w.caller?.objectId === LOCAL_ENFORCER.oid).map((w) => w.path.toLowerCase());
    expect(patched.some((p) => p.startsWith(first.toLowerCase()))).toBe(true);
    expect(logs).toContain(appliedLine);
    // Each line once until it changes: not "no rollout wave due" every tick.
    expect(logs.filter((l) => l === 'info no rollout wave due')).toHaveLength(1);
  }, 30_000);

  it('takes --rollout-every in whole seconds, and starts nothing on a bad value', async () => {
    for (const bad of ['0', '1.5', 'soon']) {
      const local = await runCaptured(['local', '--rollout-every', bad], {});

      expect(local.code).toBe(2);
      expect(local.err).toContain('--rollout-every must be a whole number of seconds');
    }
  });
});
