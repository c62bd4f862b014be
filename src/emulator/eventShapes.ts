import { randomUUID } from 'node:crypto';
import type { EmulatorCaller, ResourceRecord } from './model.js';

export type EventSchemaName = 'eventgrid' | 'cloudevents';

export interface ResourceChange {
  kind: 'write' | 'delete';
  resource: ResourceRecord;
  caller: EmulatorCaller;
  tenantId: string;
  /** The request that made the change; absent on creates, as in Azure. */
  httpRequest?: { method: string; url: string; clientIpAddress: string };
  at: Date;
}

/** An Event Grid schema event exactly as the subscription topic publishes it. */
export function toEventGridEvent(change: ResourceChange): Record<string, unknown> {
  const r = change.resource;
  const type = change.kind === 'write' ? 'Microsoft.Resources.ResourceWriteSuccess' : 'Microsoft.Resources.ResourceDeleteSuccess';
  return {
    subject: r.id,
    eventType: type,
    eventTime: change.at.toISOString(),
    id: randomUUID(),
    data: eventData(change),
    dataVersion: '2',
    metadataVersion: '1',
    topic: `/subscriptions/${r.subscriptionId}`,
  };
}

/** The same event in the CloudEvents 1.0 schema. */
export function toCloudEvent(egEvent: Record<string, unknown>): Record<string, unknown> {
  return {
    specversion: '1.0',
    type: egEvent.eventType,
    source: egEvent.topic,
    subject: egEvent.subject,
    id: egEvent.id,
    time: egEvent.eventTime,
    datacontenttype: 'application/json',
    data: egEvent.data,
  };
}

function eventData(change: ResourceChange): Record<string, unknown> {
  const r = change.resource;
  const operationName = `Microsoft.Web/sites${r.slot ? '/slots' : ''}/${change.kind}`;
  const claims: Record<string, string> = {
    aud: 'https://management.azure.com/',
    'http://schemas.microsoft.com/identity/claims/objectidentifier': change.caller.objectId,
    'http://schemas.microsoft.com/identity/claims/tenantid': change.tenantId,
    ver: '1.0',
  };
  if (change.caller.appId) claims.appid = change.caller.appId;
  if (change.caller.name) {
    claims.name = change.caller.name;
    claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] = change.caller.name;
  }
  const data: Record<string, unknown> = {
    authorization: { scope: r.id, action: operationName, evidence: { role: 'Website Contributor', principalType: change.caller.name ? 'User' : 'ServicePrincipal' } },
    claims,
    correlationId: randomUUID(),
    resourceProvider: 'Microsoft.Web',
    resourceUri: r.id,
    operationName,
    status: 'Succeeded',
    subscriptionId: r.subscriptionId,
    tenantId: change.tenantId,
  };
  if (change.httpRequest) data.httpRequest = { clientRequestId: randomUUID(), ...change.httpRequest };
  return data;
}
