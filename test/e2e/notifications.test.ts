import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { addExemption, failSweepJob, finishSweepRun, newRunId, runSweepJob, setSubscriptionSettings } from '../../src/enforcer/index.js';
import { createRuntime, runNotifySender, type Runtime } from '../../src/triggers/index.js';
import { siteId } from '../../tools/arm-emulator/src/emulator/index.js';
import { runCaptured } from '../support/cliIo.js';
import { startNotifyReceiver, type NotifyReceiver, type ReceiverAnswer } from '../support/notifyReceiver.js';
import { sweepNow } from '../support/sweepNow.js';
import { ALICE, enforcerPatches, startStack, type Stack } from '../support/stack.js';

const AUDIT = 'a0d17000-0000-4000-8000-000000000001';
const ENFORCE = 'a0d17000-0000-4000-8000-000000000002';
const APPS = 30;
const FAST = { baseDelayMs: 10, maxTries: 3 };

/** A local HTTP receiver standing in for Teams and Slack: each path answers from its script, then 200. */
let receiver: NotifyReceiver;
let base: string;
const scripts = new Map<string, ReceiverAnswer[]>();

let stack: Stack;
let runtime: Runtime;
const logs: string[] = [];

function channels(digestMinutes: number, list: Array<{ name: string; type: string; path: string; subscriptions?: string[] }>): Record<string, string> {
  return { MTLS_NOTIFY: JSON.stringify(list.map((c) => ({ name: c.name, type: c.type, url: `${base}${c.path}`, ...(c.subscriptions ? { subscriptions: c.subscriptions } : {}) }))), MTLS_NOTIFY_DIGEST_MINUTES: String(digestMinutes) };
}

async function runtimeWith(env: Record<string, string>): Promise<Runtime> {
  return createRuntime(loadConfig({ ...stack.env, ...env }), (_level, message) => void logs.push(message));
}

const at = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => ({ ...r, body: JSON.parse(r.text) as Record<string, unknown> }));

beforeAll(async () => {
  receiver = await startNotifyReceiver((path) => scripts.get(path)?.shift() ?? { status: 200 });
  base = receiver.base;
  const apps = (prefix: string) => Array.from({ length: APPS }, (_, i) => ({ resourceGroup: 'rg', name: `${prefix}-${i}`, clientCertEnabled: true, clientCertMode: 'Required' as const }));
  // The event path writes outbox rows only where a channel is configured (the senders below bring their own channels).
  stack = await startStack({ seed: { subscriptions: [{ id: AUDIT, sites: apps('audit') }, { id: ENFORCE, sites: apps('shop') }] }, env: { MTLS_NOTIFY: JSON.stringify([{ name: 'configured', type: 'webhook', url: `${base}/unused` }]) } });
  await setSubscriptionSettings(stack.deps, { subscriptionId: AUDIT, mode: 'audit', by: 'test' });
  await setSubscriptionSettings(stack.deps, { subscriptionId: ENFORCE, mode: 'enforce', by: 'test' });
  // Baselines: every app recorded compliant, so a change is drift (notified), not baseline debt.
  await sweepNow(stack, AUDIT);
  await sweepNow(stack, ENFORCE);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('notifications through the outbox (local receiver standing in for Teams and Slack)', () => {
  it('a burst of 30 drifts is one digest per channel per window, with the right items', async () => {
    runtime = await runtimeWith(channels(5, [{ name: 'sec-teams', type: 'teams', path: '/teams' }, { name: 'ops-slack', type: 'slack', path: '/slack', subscriptions: [AUDIT] }]));
    for (let i = 0; i < APPS; i++) stack.emu.userWrite(siteId(AUDIT, 'rg', `audit-${i}`), { clientCertEnabled: false }, ALICE);
    await stack.settle();
    const now = new Date();

    const first = await runNotifySender(runtime, runtime.deps.log, { clock: () => now, post: FAST });
    const second = await runNotifySender(runtime, runtime.deps.log, { clock: () => now, post: FAST });

    expect(first).toMatchObject({ items: APPS, sent: ['sec-teams', 'ops-slack'], failed: [] });
    expect(second).toMatchObject({ items: 0 });
    expect(at('/teams')).toHaveLength(1);
    expect(at('/slack')).toHaveLength(1);
    const card = ((at('/teams')[0]?.body.attachments as Array<{ content: { body: Array<{ text: string }> } }>)[0] as { content: { body: Array<{ text: string }> } }).content;
    expect(card.body[0]?.text).toBe('mTLS enforcer: 30 drift detected (audit)');
    expect(card.body.filter((b) => b.text.startsWith('- drift detected (audit): sites/audit-'))).toHaveLength(20);
    expect(card.body.at(-1)?.text).toBe('and 10 more');
    const slackText = JSON.stringify(at('/slack')[0]?.body);
    expect(slackText.match(/sites\/audit-\d+ by alice@contoso\.example/g)).toHaveLength(20);
    expect(at('/teams')[0]?.key).toMatch(/:sec-teams$/);

    // Within the window a new drift waits; after it, it goes alone.
    stack.emu.userWrite(siteId(ENFORCE, 'rg', 'shop-0'), { clientCertEnabled: false }, ALICE);
    await stack.settle();
    const waiting = await runNotifySender(runtime, runtime.deps.log, { clock: () => new Date(now.getTime() + 60_000), post: FAST });
    const later = await runNotifySender(runtime, runtime.deps.log, { clock: () => new Date(now.getTime() + 5 * 60_000 + 1), post: FAST });
    expect(waiting).toMatchObject({ waiting: true, sent: [] });
    expect(later).toMatchObject({ items: 1, sent: ['sec-teams'] }); // ops-slack takes the audit subscription only
    expect(at('/teams')).toHaveLength(2);
  });

  it('a receiver answering 429 with Retry-After, then 200: delivered once', async () => {
    runtime = await runtimeWith(channels(0, [{ name: 'busy', type: 'webhook', path: '/busy' }]));
    scripts.set('/busy', [{ status: 429, headers: { 'retry-after': '1' } }]);
    stack.emu.userWrite(siteId(ENFORCE, 'rg', 'shop-1'), { clientCertEnabled: false }, ALICE);
    await stack.settle();
    const waits: number[] = [];

    const summary = await runNotifySender(runtime, runtime.deps.log, { post: { ...FAST, sleep: async (ms) => void waits.push(ms) } });
    await runNotifySender(runtime, runtime.deps.log, { post: FAST });

    expect(summary).toMatchObject({ sent: ['busy'] });
    expect(waits).toEqual([1000]); // Retry-After honoured, not the 10 ms backoff
    expect(at('/busy')).toHaveLength(2);
    expect(new Set(at('/busy').map((r) => r.key)).size).toBe(1); // the retry carries the same idempotency key
    expect(at('/busy')[1]?.body).toMatchObject({ channel: 'busy', items: [{ kind: 'drift-reverted', resourceId: siteId(ENFORCE, 'rg', 'shop-1'), caller: 'alice@contoso.example' }] });
  });

  it('a process killed between the finding write and the send: delivered once after restart', async () => {
    // The "killed" process recorded the change (its outbox row went in the finding's transaction) and sent nothing.
    stack.emu.userWrite(siteId(ENFORCE, 'rg', 'shop-2'), { clientCertEnabled: false }, ALICE);
    await stack.settle();
    // A sender killed after claiming a batch, before sending it: the restarted one sends that batch.
    const env = channels(0, [{ name: 'restart', type: 'webhook', path: '/restart' }]);
    const killed = await runtimeWith(env);
    const pending = await killed.notifyOutbox?.pending([ENFORCE]);
    await killed.notifyOutbox?.claim(pending ?? [], 'crashed-batch');

    const restarted = await runtimeWith(env);
    await runNotifySender(restarted, restarted.deps.log, { post: FAST });
    await runNotifySender(restarted, restarted.deps.log, { post: FAST });

    expect(at('/restart')).toHaveLength(1);
    expect(at('/restart')[0]?.key).toBe('crashed-batch:restart');
    expect(at('/restart')[0]?.body.items).toEqual([expect.objectContaining({ resourceId: siteId(ENFORCE, 'rg', 'shop-2'), kind: 'drift-reverted' })]);
  });

  it('a receiver down for good is recorded failed after bounded tries; enforcement does not wait for it', async () => {
    // A port nothing listens on: a server opened and closed again.
    const closed = await startNotifyReceiver();
    const down = `${closed.base}/down`;
    await closed.close();
    runtime = await runtimeWith({ MTLS_NOTIFY: JSON.stringify([{ name: 'gone', type: 'webhook', url: down }]), MTLS_NOTIFY_DIGEST_MINUTES: '0' });
    stack.emu.stats.reset();
    stack.emu.userWrite(siteId(ENFORCE, 'rg', 'shop-3'), { clientCertEnabled: false }, ALICE);
    await stack.settle();
    // Reverted before any sender ran: the event path never touches a channel.
    expect(enforcerPatches(stack)).toHaveLength(1);
    logs.length = 0;

    const summary = await runNotifySender(runtime, runtime.deps.log, { post: FAST });

    expect(summary).toMatchObject({ failed: ['gone'], sent: [] });
    expect(await runtime.notifyOutbox?.delivery(summary?.batch as string, 'gone')).toMatchObject({ status: 'failed', tries: 3, error: 'ECONNREFUSED' });
    expect(await runtime.notifyOutbox?.pending([ENFORCE])).toEqual([]);
    expect(logs.join('\n')).toContain('failed after 3 tries (ECONNREFUSED)');
    expect(logs.join('\n')).not.toContain(down);
  });

  it('notify test sends the named channel a sample of each kind, and says so without the URL', async () => {
    const env = { ...stack.env, ...channels(5, [{ name: 'sec-teams', type: 'teams', path: '/sample-teams' }, { name: 'ops-slack', type: 'slack', path: '/sample-slack' }]) };

    const result = await runCaptured(['notify', 'test', '--channel', 'ops-slack'], env);

    expect(result).toMatchObject({ code: 0, out: 'ops-slack (slack): sent, 8 sample item(s)\n' });
    expect(at('/sample-teams')).toHaveLength(0);
    const text = JSON.stringify(at('/sample-slack')[0]?.body);
    for (const kind of ['drift detected (audit)', 'drift reverted', 'flapping: left alone', 'remediation denied']) expect(text).toContain(`${kind}: sites/sample-`);
    expect(text).toContain('sweep finished: run sample-run (complete), 92.5 % compliant');
    expect(text).toContain('rollout wave coming: plan sample-plan wave 1 (on 2099-01-01T00:00:00.000Z), 2 app(s) get client certificates Required; owners: team-sample');
    expect(result.out + result.err).not.toContain(base);
  });

  it('a finished sweep run is one notice, with its compliance and changes; an incomplete one is said loudly', async () => {
    runtime = await runtimeWith(channels(0, [{ name: 'runs', type: 'webhook', path: '/runs', subscriptions: [AUDIT] }]));
    // Two runs of the audit subscription: the second is compared with the first.
    const sweepAudit = async (id: string) => {
      await runtime.deps.sweeps.createRun({ id, startedAt: new Date().toISOString(), trigger: 'test', subscriptionIds: [AUDIT] });
      await runSweepJob(runtime.deps, runtime.arm, { runId: id, startedAt: new Date().toISOString(), subscriptionId: AUDIT });
    };
    await sweepAudit(newRunId(new Date(Date.now() - 60_000), 'first'));
    const complete = newRunId(new Date(), 'second');
    await sweepAudit(complete);
    const incomplete = newRunId(new Date(), 'broken');
    await runtime.deps.sweeps.createRun({ id: incomplete, startedAt: new Date().toISOString(), trigger: 'test', subscriptionIds: [ENFORCE] });
    await failSweepJob(runtime.deps, { runId: incomplete, startedAt: new Date().toISOString(), subscriptionId: ENFORCE }, 'ARM unreachable');

    // Two workers finishing the same run write one notice row between them.
    await Promise.all([finishSweepRun(runtime.deps, complete), finishSweepRun(runtime.deps, complete), finishSweepRun(runtime.deps, incomplete)]);
    await runNotifySender(runtime, runtime.deps.log, { post: FAST });

    expect(at('/runs')).toHaveLength(1);
    const items = at('/runs')[0]?.body.items as Array<{ kind: string; resourceId: string; status: string; detail: string }>;
    expect(items.filter((i) => i.kind === 'sweep-finished').map((i) => [i.resourceId, i.status])).toEqual(expect.arrayContaining([[complete, 'complete'], [incomplete, 'incomplete']]));
    expect(items.filter((i) => i.kind === 'sweep-finished')).toHaveLength(2);
    expect(items.find((i) => i.resourceId === complete)?.detail).toMatch(/^\d+(\.\d+)? % compliant, 0 new and 0 fixed since the last run$/);
    expect(items.find((i) => i.resourceId === incomplete)?.detail).toContain('1 subscription(s) failed');
  });

  it('an exemption expiring within 14 days is noticed once, ever; a later one not yet', async () => {
    runtime = await runtimeWith(channels(0, [{ name: 'owners', type: 'webhook', path: '/owners' }]));
    const day = 86_400_000;
    const soon = new Date(Date.now() + 10 * day).toISOString();
    const scope = `/subscriptions/${AUDIT}/resourceGroups/rg/providers/Microsoft.Web/sites/audit-5`;
    const exemption = { owner: 'team-legacy@contoso.example', approver: 'ciso@contoso.example', reason: 'vendor client without certificates', category: 'waiver', by: 'test' };
    await addExemption(runtime.deps, { ...exemption, scope, id: 'vendor', expiresAt: soon }, 365);
    await addExemption(runtime.deps, { ...exemption, scope, id: 'later', expiresAt: new Date(Date.now() + 30 * day).toISOString() }, 365);

    for (let i = 0; i < 3; i++) await runNotifySender(runtime, runtime.deps.log, { post: FAST });

    expect(at('/owners')).toHaveLength(1);
    expect(at('/owners')[0]?.body.items).toEqual([expect.objectContaining({ kind: 'exemption-expiring', resourceId: scope, status: `expires ${soon}`, caller: 'team-legacy@contoso.example' })]);
  });

  it('a rollout wave is announced once before its date and its result once after, listing owners', async () => {
    runtime = await runtimeWith(channels(0, [{ name: 'rollout', type: 'webhook', path: '/rollout', subscriptions: [AUDIT] }]));
    const now = Date.now();
    const planId = `plan-${now}`;
    const member = (wave: number, name: string, owner: string, state: 'pending' | 'remediated') => ({
      planId, wave, key: siteId(AUDIT, 'rg', name).toLowerCase(), resourceId: siteId(AUDIT, 'rg', name), subscriptionId: AUDIT, resourceGroup: 'rg', name, owner, state,
    });
    await runtime.deps.rollouts?.create({
      plan: { id: planId, createdAt: new Date(now).toISOString(), createdBy: 'test', subscriptions: [AUDIT], waveSize: 2, everyMs: 7 * 86_400_000, auto: false, status: 'active', updatedAt: new Date(now).toISOString() },
      waves: [
        { planId, number: 1, notBefore: new Date(now - 86_400_000).toISOString(), size: 1, status: 'done', counts: { remediated: 1 } },
        { planId, number: 2, notBefore: new Date(now + 3 * 86_400_000).toISOString(), size: 2, status: 'pending' },
        { planId, number: 3, notBefore: new Date(now + 10 * 86_400_000).toISOString(), size: 1, status: 'pending' },
      ],
      members: [member(1, 'audit-7', 'team-a', 'remediated'), member(2, 'audit-8', 'team-b', 'pending'), member(2, 'audit-9', 'team-c', 'pending'), member(3, 'audit-10', 'team-d', 'pending')],
    });

    for (let i = 0; i < 2; i++) await runNotifySender(runtime, runtime.deps.log, { post: FAST });

    expect(at('/rollout')).toHaveLength(1);
    const items = at('/rollout')[0]?.body.items as Array<{ kind: string; resourceId: string; status: string; detail: string }>;
    const waves = items.filter((i) => i.resourceId.startsWith(`plan ${planId}`)).map((i) => [i.kind, i.resourceId, i.detail]);
    expect(waves).toEqual(expect.arrayContaining([
      ['wave-result', `plan ${planId} wave 1`, 'remediated 1; owners: team-a'],
      ['wave-notice', `plan ${planId} wave 2`, '2 app(s) get client certificates Required; owners: team-b, team-c'],
    ]));
    expect(waves).toHaveLength(2); // wave 3 is beyond the 7 notice days
  });
});

