import functions, { type EventGridEvent, type InvocationContext } from '@azure/functions';
import { contextLog, handleEventGridEvent, sharedRuntime } from '../src/triggers/index.js';

/** Direct Event Grid delivery, for those who subscribe the Function itself instead of a queue. */
export async function onEventGrid(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const log = contextLog(context);
  const { deps } = await sharedRuntime(log);
  await handleEventGridEvent({ ...deps, log }, event);
}

functions.app.eventGrid('onEventGrid', { handler: onEventGrid });
