import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTIONS, siteId } from '../../src/emulator/index.js';
import { narrative } from '../../src/local/narrative.js';
import { startLocalStack, type LocalStack } from '../../src/local/startLocalStack.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack(() => undefined);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('local mode (what npm start runs)', () => {
  it('scans the demo fleet by mode: enforce and audit evaluated, off skipped', () => {
    const bySub = Object.fromEntries(stack.scans.map((s) => [s.subscriptionId, s]));

    expect(bySub[DEMO_SUBSCRIPTIONS.enforce]?.mode).toBe('enforce');
    expect(bySub[DEMO_SUBSCRIPTIONS.enforce]?.evaluated).toBeGreaterThan(3);
    expect(bySub[DEMO_SUBSCRIPTIONS.enforce]?.counts['unsupported-plan']).toBe(1);
    expect(bySub[DEMO_SUBSCRIPTIONS.audit]?.counts.noncompliant).toBeGreaterThan(0);
    expect(bySub[DEMO_SUBSCRIPTIONS.off]?.evaluated).toBe(0);
  });

  it('catches and reverts a drift in the enforce subscription, live', async () => {
    const id = siteId(DEMO_SUBSCRIPTIONS.enforce, 'rg-shop', 'shop-frontend');

    stack.emulator.userWrite(id, { clientCertEnabled: false }, { objectId: 'alice', name: 'alice@contoso.example' });
    await stack.emulator.idle();

    expect(stack.emulator.fleet.getSite(DEMO_SUBSCRIPTIONS.enforce, 'rg-shop', 'shop-frontend')?.properties.clientCertEnabled).toBe(true);
    const [latest] = await stack.deps.history.list(id.toLowerCase());
    expect(latest).toMatchObject({ action: 'remediated', undoneCaller: { name: 'alice@contoso.example' } });
  });

  it('prints endpoints, the scan and copy-paste drift commands', () => {
    const text = narrative(stack);

    expect(text).toContain(stack.emulator.url);
    expect(text).toContain(stack.host.url);
    expect(text).toMatch(/curl --cacert .* -X PATCH/);
    expect(text).toContain('/admin/write');
  });
});
