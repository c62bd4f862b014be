import functions, { type InvocationContext, type Timer } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => import('../src/triggers/index.js');

/** Every minute: the notification outbox goes out, one digest per channel per MTLS_NOTIFY_DIGEST_MINUTES. */
export async function notifyTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { contextLog, runNotifySender, sharedRuntime } = await load();
  const log = contextLog(context);
  await runNotifySender(await sharedRuntime(log), log);
}

functions.app.timer('notifyTimer', { schedule: '0 * * * * *', handler: notifyTimer });
