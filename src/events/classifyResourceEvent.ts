import { parseIsoDate } from '../policy/index.js';
import { extractCaller } from './extractCaller.js';
import type { Envelope } from './readEnvelope.js';
import { nonEmptyString } from './nonEmptyString.js';
import { siteOperation } from './siteOperation.js';
import { siteTarget } from './siteTarget.js';
import type { ClassifiedEvent, SiteEvent } from './types.js';

type Data = Record<string, unknown>;

/**
 * A ResourceWriteSuccess or ResourceDeleteSuccess event: relevant when it is a site or slot
 * operation the enforcer acts on, ignored for other operations, invalid when malformed.
 */
export function classifyResourceEvent(envelope: Envelope): ClassifiedEvent {
  const { id: eventId, type: eventType } = envelope;
  const invalid = (reason: string): ClassifiedEvent => ({ kind: 'invalid', eventId, eventType, reason });
  if (envelope.data === null || typeof envelope.data !== 'object' || Array.isArray(envelope.data)) return invalid('data is missing or not an object');
  const data = envelope.data as Data;
  const operationName = nonEmptyString(data.operationName);
  const resourceUri = nonEmptyString(data.resourceUri);
  if (!operationName || !resourceUri) return invalid(`data.${operationName ? 'resourceUri' : 'operationName'} is missing`);
  const operation = siteOperation(eventType, operationName);
  if (!operation) return { kind: 'ignored', eventId, eventType, reason: `operation ${operationName} is not a site or slot write, config write or delete` };
  const target = siteTarget(resourceUri, operationName, operation);
  if (typeof target === 'string') return invalid(target);
  // The event time orders events of one resource and keys its history row: it must be a date.
  const eventTime = envelope.time;
  if (eventTime === undefined) return invalid('the event time is missing');
  if (!parseIsoDate(eventTime)) return invalid(`the event time "${eventTime}" is not an ISO 8601 date`);
  const problem = subscriptionProblem(data.subscriptionId, target.subscriptionId);
  if (problem) return invalid(problem);
  const event: SiteEvent = {
    eventId,
    eventType,
    schema: envelope.schema,
    operationName,
    resourceUri,
    target,
    action: operation.action,
    caller: extractCaller(data.claims),
    eventTime,
  };
  const correlationId = nonEmptyString(data.correlationId);
  if (correlationId) event.correlationId = correlationId;
  return { kind: 'relevant', event };
}

// The event has no resource-group field and the enforcer acts on the uri: both must name one subscription.
function subscriptionProblem(subscriptionId: unknown, fromUri: string): string | undefined {
  if (subscriptionId === undefined) return undefined;
  if (typeof subscriptionId !== 'string') return 'data.subscriptionId is not a string';
  if (subscriptionId.trim().toLowerCase() === fromUri) return undefined;
  return `data.subscriptionId "${subscriptionId}" is not the subscription of resourceUri (${fromUri})`;
}
