import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriptionLister, isActiveSubscription } from '../../src/azure/index.js';
import { setSubscriptionSettings } from '../../src/enforcer/index.js';
import { PermissionError } from '../../src/errors.js';
import { emulatorCredential, makeEmulatorToken } from '../../tools/arm-emulator/src/emulator/index.js';
import { sweepTargets } from '../../src/triggers/index.js';
import { ENFORCER, startStack, type Stack } from '../support/stack.js';

const SUBS = ['7a000000-0000-4000-8000-000000000001', '7a000000-0000-4000-8000-000000000002', '7A000000-0000-4000-8000-000000000003'];
const [ON, OFF, UPPER] = SUBS as [string, string, string];

let stack: Stack;
let discovery: ReturnType<typeof createSubscriptionLister>;

beforeAll(async () => {
  // ON has a display name; the others list their id as their name (what the emulator does without one).
  stack = await startStack({ subscribe: false, seed: { subscriptions: SUBS.map((id) => ({ id, ...(id === ON ? { displayName: 'contoso-prod' } : {}), sites: [{ resourceGroup: 'rg', name: `app-${id.slice(-1)}` }] })) } });
  discovery = createSubscriptionLister({ endpoint: stack.emu.url, credential: emulatorCredential(makeEmulatorToken(ENFORCER)), caCertPem: stack.emu.caCertPem });
  await setSubscriptionSettings(stack.deps, { subscriptionId: OFF, mode: 'off', by: 'test' });
  await setSubscriptionSettings(stack.deps, { subscriptionId: ON, mode: 'enforce', by: 'test' });
});

afterAll(async () => {
  await stack?.stop();
});

describe('sweep targets', () => {
  it('discovers every subscription the identity can read through the subscriptions SDK, leaving out those in mode off', async () => {
    const result = await sweepTargets(stack.deps, [], discovery);

    expect(result.source).toBe('discovered');
    expect(result.targets.sort()).toEqual([ON, UPPER.toLowerCase()]);
    expect(result.off).toEqual([OFF]);
    expect(result.names).toEqual({ [ON]: 'contoso-prod' });
    expect(stack.emu.stats.counts['LIST subscriptions']).toBeGreaterThan(0);
  });

  it('takes the configured list as given (deduplicated, lowercased), still leaving out mode off, with one listing for the names', async () => {
    stack.emu.stats.reset();

    const result = await sweepTargets(stack.deps, [UPPER, OFF, ON, UPPER.toLowerCase()], discovery);

    expect(result).toEqual({ targets: [UPPER.toLowerCase(), ON], off: [OFF], source: 'configured', names: { [ON]: 'contoso-prod' } });
    expect(stack.emu.stats.counts['LIST subscriptions']).toBe(1);
  });

  it('sweeps a configured list by ids alone when the listing for names is refused', async () => {
    stack.emu.faults.inject({ kind: '403', method: 'GET', pathIncludes: '/subscriptions' }, 1);

    const result = await sweepTargets(stack.deps, [ON], discovery);

    expect(result).toEqual({ targets: [ON], off: [], source: 'configured', names: {} });
  });

  it('reports a refused subscription listing as a permission error naming the action', async () => {
    stack.emu.faults.inject({ kind: '403', method: 'GET', pathIncludes: '/subscriptions' }, 1);

    const attempt = sweepTargets(stack.deps, [], discovery);

    await expect(attempt).rejects.toBeInstanceOf(PermissionError);
    await expect(sweepTargets(stack.deps, [], discovery)).resolves.toMatchObject({ source: 'discovered' });
  });

  it('keeps Enabled, Warned and PastDue subscriptions and drops Disabled and Deleted ones', () => {
    const states = ['Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted', undefined];
    const kept = states.filter((state) => isActiveSubscription({ subscriptionId: ON, ...(state ? { state } : {}) }));
    expect(kept).toEqual(['Enabled', 'Warned', 'PastDue', undefined]);
  });
});
