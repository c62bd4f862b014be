import functions, { type InvocationContext } from '@azure/functions';
import { contextLog, handleQueueMessage, sharedRuntime } from '../src/triggers/index.js';

/** Event Grid → Storage Queue → here (the deployment default): one resource-write event per message. */
export async function onEventQueue(message: unknown, context: InvocationContext): Promise<void> {
  const log = contextLog(context);
  const { deps } = await sharedRuntime(log);
  await handleQueueMessage({ ...deps, log }, message, context);
}

functions.app.storageQueue('onEventQueue', {
  queueName: '%MTLS_EVENT_QUEUE%',
  connection: 'AzureWebJobsStorage',
  handler: onEventQueue,
});
