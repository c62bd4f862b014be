import { randomUUID } from 'node:crypto';
import { resourceId, type ResourceRecord } from './resource.js';
import type { EmulatorCaller } from './token.js';

export type EventSchemaName = 'eventgrid' | 'cloudevents';

/** An event as delivered, in either schema (plain JSON). */
export type EmulatorEvent = Record<string, unknown>;

export interface ResourceChange {
  kind: 'write' | 'delete';
  resource: ResourceRecord;
  caller: EmulatorCaller;
  tenantId: string;
  correlationId: string;
  /** The request that made the change; absent on creates, as in Azure. */
  httpRequest?: { clientRequestId: string; clientIpAddress: string; method: string; url: string };
  at: Date;
}

const CLAIM = {
  oid: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  tenant: 'http://schemas.microsoft.com/identity/claims/tenantid',
} as const;

/** An Event Grid schema event exactly as a subscription topic publishes it (see the fixtures). */
export function toEventGridEvent(change: ResourceChange): EmulatorEvent {
  const uri = resourceId(change.resource);
  return {
    subject: uri,
    eventType: change.kind === 'write' ? 'Microsoft.Resources.ResourceWriteSuccess' : 'Microsoft.Resources.ResourceDeleteSuccess',
    eventTime: change.at.toISOString(),
    id: randomUUID(),
    data: eventData(change, uri),
    dataVersion: '2',
    metadataVersion: '1',
    topic: `/subscriptions/${change.resource.subscriptionId}`,
  };
}

/** The same event in the CloudEvents 1.0 schema. */
export function toCloudEvent(event: EmulatorEvent): EmulatorEvent {
  return {
    specversion: '1.0',
    type: event.eventType,
    source: event.topic,
    subject: event.subject,
    id: event.id,
    time: event.eventTime,
    datacontenttype: 'application/json',
    data: event.data,
  };
}

export const inSchema = (event: EmulatorEvent, schema: EventSchemaName): EmulatorEvent =>
  schema === 'cloudevents' ? toCloudEvent(event) : event;

function eventData(change: ResourceChange, uri: string): Record<string, unknown> {
  const r = change.resource;
  const operationName = `Microsoft.Web/sites${r.slot ? '/slots' : ''}/${change.kind}`;
  const person = callerUpn(change.caller) !== undefined;
  const data: Record<string, unknown> = {
    authorization: { scope: uri, action: operationName, evidence: { role: 'Website Contributor', principalType: person ? 'User' : 'ServicePrincipal' } },
    claims: claimsOf(change.caller, change.tenantId),
    correlationId: change.correlationId,
    resourceProvider: 'Microsoft.Web',
    resourceUri: uri,
    operationName,
    status: 'Succeeded',
    subscriptionId: r.subscriptionId,
    tenantId: change.tenantId,
  };
  if (change.httpRequest) data.httpRequest = change.httpRequest;
  return data;
}

/** The caller's token claims as ARM copies them into the event (long keys included). */
function claimsOf(caller: EmulatorCaller, tenantId: string): Record<string, string> {
  const claims: Record<string, string> = { aud: 'https://management.azure.com/', iss: `https://sts.windows.net/${tenantId}/` };
  if (caller.appId) claims.appid = caller.appId;
  const name = caller.name ?? caller.upn;
  if (name) claims.name = name;
  claims[CLAIM.oid] = caller.objectId;
  const upn = callerUpn(caller);
  if (upn) claims[CLAIM.upn] = upn;
  claims[CLAIM.tenant] = tenantId;
  claims.ver = '1.0';
  return claims;
}

/** People have a UPN; a service principal's token has none. */
function callerUpn(caller: EmulatorCaller): string | undefined {
  return caller.upn ?? (caller.name?.includes('@') ? caller.name : undefined);
}
