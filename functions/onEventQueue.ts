import functions, { type InvocationContext } from '@azure/functions';

// The trigger's code and SDKs load on the first invocation, not when the host imports every entry point.
const load = () => import('../src/triggers/index.js');

/** Event Grid → Storage Queue → here (the deployment default): one resource-write event per message. */
export async function onEventQueue(message: unknown, context: InvocationContext): Promise<void> {
  const { contextLog, handleQueueMessage, sharedRuntime } = await load();
  const log = contextLog(context);
  const { deps, eventWindow } = await sharedRuntime(log);
  // The host runs up to batchSize messages at once: their events are worked together, each settling on its own.
  await handleQueueMessage({ ...deps, log }, message, context, eventWindow);
}

functions.app.storageQueue('onEventQueue', {
  queueName: '%MTLS_EVENT_QUEUE%',
  connection: 'AzureWebJobsStorage',
  handler: onEventQueue,
});
