import { describe, expect, it } from 'vitest';
import { classifyEvent, type ClassifiedEvent } from '../../src/events/index.js';
import { cloudEvent, egEvent, resourceData, SITE_URI, SUB, without } from './events.js';

const SLOT_URI = `${SITE_URI}/slots/canary`;
const WRITE = 'Microsoft.Resources.ResourceWriteSuccess';
const DELETE = 'Microsoft.Resources.ResourceDeleteSuccess';

type Outcome = [ClassifiedEvent['kind'], string];
function outcome(item: ClassifiedEvent): Outcome {
  return item.kind === 'relevant' ? ['relevant', `${item.event.action} ${item.event.target.id}`] : [item.kind, item.reason];
}

describe('classifyEvent', () => {
  it.each<[string, Record<string, unknown>, Outcome]>([
    ['a site write', egEvent(), ['relevant', `evaluate ${SITE_URI}`]],
    ['a slot write', egEvent({ data: resourceData('Microsoft.Web/sites/slots/write', SLOT_URI) }), ['relevant', `evaluate ${SLOT_URI}`]],
    ['an operation name in lower case', egEvent({ data: resourceData('microsoft.web/SITES/write') }), ['relevant', `evaluate ${SITE_URI}`]],
    ['a site config write', egEvent({ data: resourceData('Microsoft.Web/sites/config/write', `${SITE_URI}/config/web`) }), ['relevant', `evaluate ${SITE_URI}`]],
    ['a slot config write', egEvent({ data: resourceData('Microsoft.Web/sites/slots/config/write', `${SLOT_URI}/config/web`) }), ['relevant', `evaluate ${SLOT_URI}`]],
    ['a site delete', egEvent({ eventType: DELETE, data: resourceData('Microsoft.Web/sites/delete') }), ['relevant', `delete ${SITE_URI}`]],
    ['a slot delete', egEvent({ eventType: DELETE, data: resourceData('Microsoft.Web/sites/slots/delete', SLOT_URI) }), ['relevant', `delete ${SLOT_URI}`]],
    ['a CloudEvent site write', cloudEvent(), ['relevant', `evaluate ${SITE_URI}`]],
    ['no data.subscriptionId (the uri decides)', egEvent({ data: without(resourceData('Microsoft.Web/sites/write'), 'subscriptionId') }), ['relevant', `evaluate ${SITE_URI}`]],
    ['data.subscriptionId in upper case', egEvent({ data: resourceData('Microsoft.Web/sites/write', SITE_URI, { subscriptionId: SUB.toUpperCase() }) }), ['relevant', `evaluate ${SITE_URI}`]],
    ['an Event Grid event without topic and metadataVersion', without(egEvent(), 'topic', 'metadataVersion'), ['relevant', `evaluate ${SITE_URI}`]],
  ])('keeps %s', (_name, event, expected) => {
    expect(outcome(classifyEvent(event))).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a restart', egEvent({ eventType: 'Microsoft.Resources.ResourceActionSuccess', data: resourceData('Microsoft.Web/sites/restart/action', `${SITE_URI}/restart`) }), 'event type Microsoft.Resources.ResourceActionSuccess is not acted on'],
    ['a write failure', egEvent({ eventType: 'Microsoft.Resources.ResourceWriteFailure' }), 'event type Microsoft.Resources.ResourceWriteFailure is not acted on'],
    ['a delete cancel', egEvent({ eventType: 'Microsoft.Resources.ResourceDeleteCancel' }), 'event type Microsoft.Resources.ResourceDeleteCancel is not acted on'],
    ['a Web app event', egEvent({ eventType: 'Microsoft.Web.AppUpdated', data: {} }), 'event type Microsoft.Web.AppUpdated is not acted on'],
    ['a plan write', egEvent({ data: resourceData('Microsoft.Web/serverfarms/write', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/serverfarms/p`) }), 'operation Microsoft.Web/serverfarms/write is not a site or slot write, config write or delete'],
    ['a delete operation in a write event', egEvent({ data: resourceData('Microsoft.Web/sites/delete') }), 'operation Microsoft.Web/sites/delete is not a site or slot write, config write or delete'],
    ['a storage write', egEvent({ data: resourceData('Microsoft.Storage/storageAccounts/write', `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st`) }), 'operation Microsoft.Storage/storageAccounts/write is not a site or slot write, config write or delete'],
    ['a validation event inside a batch', egEvent({ eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'c' } }), 'a subscription validation event is answered only when it arrives alone'],
    ['an operation the uri does not need to fit (ignored first)', egEvent({ data: resourceData('Microsoft.Web/sites/restart/action', 'nonsense') }), 'operation Microsoft.Web/sites/restart/action is not a site or slot write, config write or delete'],
  ])('ignores %s', (_name, event, reason) => {
    expect(outcome(classifyEvent(event))).toEqual(['ignored', reason]);
  });

  it.each<[string, unknown, string]>([
    ['no id', without(egEvent(), 'id'), 'invalid Event Grid event: id is missing'],
    ['an empty id', egEvent({ id: '' }), 'invalid Event Grid event: id is missing'],
    ['a numeric id', egEvent({ id: 7 }), 'invalid Event Grid event: id is not a string'],
    ['no eventType but Event Grid version fields', without(egEvent(), 'eventType'), 'invalid Event Grid event: eventType is missing'],
    ['no data', without(egEvent(), 'data'), 'invalid Event Grid event: data is missing'],
    ['no eventTime and no dataVersion', without(egEvent(), 'eventTime', 'dataVersion'), 'invalid Event Grid event: eventTime is missing; dataVersion is missing'],
    ['metadataVersion 2', egEvent({ metadataVersion: '2' }), 'invalid Event Grid event: metadataVersion is "2", not "1"'],
    ['null data', egEvent({ data: null }), 'data is missing or not an object'],
    ['data that is a string', egEvent({ data: 'write' }), 'data is missing or not an object'],
    ['no operationName', egEvent({ data: without(resourceData('Microsoft.Web/sites/write'), 'operationName') }), 'data.operationName is missing'],
    ['no resourceUri', egEvent({ data: without(resourceData('Microsoft.Web/sites/write'), 'resourceUri') }), 'data.resourceUri is missing'],
    ['a resourceUri that is no resource id', egEvent({ data: resourceData('Microsoft.Web/sites/write', 'shop-frontend') }), 'resourceUri "shop-frontend" is not a site or slot, yet the operation is Microsoft.Web/sites/write'],
    ['a site write naming a slot', egEvent({ data: resourceData('Microsoft.Web/sites/write', SLOT_URI) }), `resourceUri "${SLOT_URI}" names a slot, yet the operation Microsoft.Web/sites/write is on a site`],
    ['a slot write naming a site', egEvent({ data: resourceData('Microsoft.Web/sites/slots/write') }), `resourceUri "${SITE_URI}" names a site, yet the operation Microsoft.Web/sites/slots/write is on a slot`],
    ['a site write naming a config resource', egEvent({ data: resourceData('Microsoft.Web/sites/write', `${SITE_URI}/config/web`) }), `resourceUri "${SITE_URI}/config/web" is not exactly the site the operation Microsoft.Web/sites/write acts on`],
    ['a config write naming the site itself', egEvent({ data: resourceData('Microsoft.Web/sites/config/write') }), `resourceUri "${SITE_URI}" is not a config resource of the site the operation Microsoft.Web/sites/config/write acts on`],
    ['another subscription in data', egEvent({ data: resourceData('Microsoft.Web/sites/write', SITE_URI, { subscriptionId: 'other' }) }), `data.subscriptionId "other" is not the subscription of resourceUri (${SUB})`],
    ['an event time that is no date', egEvent({ eventTime: 'yesterday' }), 'the event time "yesterday" is not an ISO 8601 date'],
    ['a CloudEvent without time', without(cloudEvent(), 'time'), 'the event time is missing'],
    ['a CloudEvent without source', without(cloudEvent(), 'source'), 'invalid CloudEvents 1.0 event: source is missing'],
    ['a CloudEvent of another spec version', cloudEvent({ specversion: '0.3' }), 'invalid CloudEvents 1.0 event: specversion is "0.3", not "1.0"'],
    ['a CloudEvent with data and data_base64', cloudEvent({ data_base64: 'e30=' }), 'invalid CloudEvents 1.0 event: it has both data and data_base64'],
    ['a CloudEvent with a numeric subject', cloudEvent({ subject: 1 }), 'invalid CloudEvents 1.0 event: subject is not a string'],
    ['a CloudEvent with type and source but no specversion', without(cloudEvent(), 'specversion'), 'invalid CloudEvents 1.0 event: specversion is missing'],
    ['a validation event without its code', egEvent({ eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: {} }), 'a validation event needs the Event Grid schema and data.validationCode'],
    ['an object of neither schema', { id: 'x', kind: 'write' }, 'not an event in the Event Grid schema (no eventType) nor in CloudEvents 1.0 (no specversion)'],
    ['a string', 'event', 'not an event in the Event Grid schema (no eventType) nor in CloudEvents 1.0 (no specversion)'],
    ['null', null, 'not an event in the Event Grid schema (no eventType) nor in CloudEvents 1.0 (no specversion)'],
    ['an array', [egEvent()], 'not an event in the Event Grid schema (no eventType) nor in CloudEvents 1.0 (no specversion)'],
  ])('finds %s invalid', (_name, event, reason) => {
    expect(outcome(classifyEvent(event))).toEqual(['invalid', reason]);
  });

  it('names the id and type of an invalid event when it has them', () => {
    expect(classifyEvent(egEvent({ data: null }))).toEqual({ kind: 'invalid', eventId: 'eg-1', eventType: WRITE, reason: 'data is missing or not an object' });
  });

  it('reduces a relevant event to what the enforcer needs', () => {
    const item = classifyEvent(cloudEvent({ data: resourceData('Microsoft.Web/sites/slots/write', SLOT_URI, { claims: { appid: 'app-1' } }) }));

    expect(item).toEqual({
      kind: 'relevant',
      event: {
        eventId: 'ce-1',
        eventType: WRITE,
        schema: 'cloudevents',
        operationName: 'Microsoft.Web/sites/slots/write',
        resourceUri: SLOT_URI,
        target: { id: SLOT_URI, key: SLOT_URI.toLowerCase(), subscriptionId: SUB, resourceGroup: 'rg-shop', site: 'shop-frontend', slot: 'canary' },
        action: 'evaluate',
        caller: { appId: 'app-1' },
        correlationId: 'corr-1',
        eventTime: '2026-10-02T14:05:11.1234567Z',
      },
    });
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a number', 42],
    ['a boolean', true],
    ['an empty object', {}],
    ['data as an array', egEvent({ data: [1, 2] })],
    ['claims as an array', egEvent({ data: resourceData('Microsoft.Web/sites/write', SITE_URI, { claims: ['x'] }) })],
    ['claims with numbers', egEvent({ data: resourceData('Microsoft.Web/sites/write', SITE_URI, { claims: { appid: 1, oid: null } }) })],
    ['operationName as an object', egEvent({ data: resourceData('Microsoft.Web/sites/write', SITE_URI, { operationName: { a: 1 } }) })],
    ['resourceUri as a number', egEvent({ data: resourceData('Microsoft.Web/sites/write', 12) })],
    ['eventType as an array', egEvent({ eventType: ['a'] })],
    ['an operationName like a prototype key', egEvent({ data: resourceData('constructor') })],
    ['an event type like a prototype key', egEvent({ eventType: '__proto__' })],
    ['an object without prototype', Object.create(null) as unknown],
  ])('never throws on %s', (_name, event) => {
    expect(() => classifyEvent(event)).not.toThrow();
    expect(['relevant', 'ignored', 'invalid']).toContain(classifyEvent(event).kind);
  });
});
