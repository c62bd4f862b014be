import functions, { type EventGridEvent, type InvocationContext } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => import('../src/triggers/index.js');

/** Direct Event Grid delivery, for those who subscribe the Function itself instead of a queue. */
export async function onEventGrid(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const { contextLog, handleEventGridEvent, sharedRuntime } = await load();
  const log = contextLog(context);
  const { deps } = await sharedRuntime(log);
  await handleEventGridEvent({ ...deps, log }, event);
}

functions.app.eventGrid('onEventGrid', { handler: onEventGrid });
