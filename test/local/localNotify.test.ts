import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTIONS, siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { startLocalStack, type LocalStack } from '../../tools/arm-emulator/src/local/startLocalStack.js';
import { startNotifyReceiver, type NotifyReceiver } from '../support/notifyReceiver.js';

let stack: LocalStack;
let receiver: NotifyReceiver;
const bodies = (): string[] => receiver.received.map((r) => r.text);

beforeAll(async () => {
  receiver = await startNotifyReceiver();
  const url = `${receiver.base}/hook`;
  // What `MTLS_NOTIFY=... MTLS_NOTIFY_DIGEST_MINUTES=0 npm start` passes on.
  stack = await startLocalStack(() => undefined, {}, { MTLS_NOTIFY: JSON.stringify([{ name: 'local', type: 'webhook', url }]), MTLS_NOTIFY_DIGEST_MINUTES: '0' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('local mode notifications (MTLS_NOTIFY from the environment)', () => {
  it('a drift reverted in the enforce subscription arrives at the receiver', async () => {
    const id = siteId(DEMO_SUBSCRIPTIONS.enforce, 'rg-shop', 'shop-frontend');

    stack.emulator.userWrite(id, { clientCertEnabled: false }, { objectId: 'alice', name: 'alice@contoso.example' });
    await stack.emulator.idle();
    while (!bodies().some((b) => b.includes(id))) await new Promise((resolve) => setTimeout(resolve, 200));

    const message = JSON.parse(bodies().find((b) => b.includes(id)) as string) as { channel: string; items: Array<{ kind: string; resourceId: string }> };
    expect(message.channel).toBe('local');
    expect(message.items).toContainEqual(expect.objectContaining({ kind: 'drift-reverted', resourceId: id }));
  }, 30_000);
});
