import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rolloutTimer } from '../../functions/rollout.js';
import { getRollout, setSubscriptionSettings } from '../../src/enforcer/index.js';
import { runCaptured } from '../support/cliIo.js';
import { enforcerPatches, startStack, type Stack } from '../support/stack.js';

const SUB = 'f1000000-0000-4000-8000-0000000000a1';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    subscribe: false,
    seed: { subscriptions: [{ id: SUB, sites: ['t1', 't2', 't3'].map((name) => ({ resourceGroup: 'rg', name, clientCertEnabled: false })) }] },
  });
  for (const [name, value] of Object.entries(stack.env)) vi.stubEnv(name, value);
  await setSubscriptionSettings(stack.deps, { subscriptionId: SUB, mode: 'enforce', by: 'platform-team' });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
});

describe('rolloutTimer (Azure Functions timer)', () => {
  it('applies the due wave of an --auto plan through the shared runtime, and the next one not before its date', async () => {
    // Prepare
    await runCaptured(['sweep', '--subscription', SUB, '--json'], stack.env);
    const firstWaveAt = new Date(Date.now() - 60_000).toISOString();
    const planned = await runCaptured(['rollout', 'plan', '--subscription', SUB, '--wave-size', '2', '--first-wave-at', firstWaveAt, '--every', '7d', '--auto', '--json'], stack.env);
    const plan = JSON.parse(planned.out) as { id: string };
    const logs: string[] = [];
    const context = new InvocationContext({ functionName: 'rolloutTimer', logHandler: (_level, ...args) => void logs.push(args.map(String).join(' ')) });
    stack.emu.stats.reset();

    // Act
    await rolloutTimer({} as Timer, context);
    await rolloutTimer({} as Timer, context);

    // Assess
    const patches = enforcerPatches(stack);
    expect(patches).toHaveLength(2);
    expect((await getRollout(stack.deps, plan.id)).waves.map((w) => w.status)).toEqual(['done', 'pending']);
    expect(logs.some((l) => l.includes(`rollout ${plan.id} wave 1: done`))).toBe(true);
    expect(logs.some((l) => l.includes(`no rollout wave due; next: ${plan.id} wave 2`))).toBe(true);
  });
});
