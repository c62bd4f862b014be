import { describe, expect, it } from 'vitest';
import { parseDelivery, validationResponse, type ClassifiedEvent, type SiteEvent } from '../../src/events/index.js';
import { documentedFixture, documentedFixtureNames } from './fixtures.js';

type Expected = { kind: 'validation'; code: string } | { kind: 'events'; schema: 'eventgrid' | 'cloudevents'; events: Partial<ClassifiedEvent>[] };

const SUB = 'a1b2c3d4-e5f6-4789-a0b1-c2d3e4f5a6b7';
const SITE = `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-frontend`;
const CODE = '512d38b6-c7b8-40c8-89fe-f46f9e9622b6';
const DEV_OPS = { objectId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', name: 'dev.ops@fabrikam.example' };

function siteWrite(eventId: string, schema: SiteEvent['schema'], uri: string, slot?: string): Partial<ClassifiedEvent> {
  const target = { id: uri, key: uri.toLowerCase(), subscriptionId: SUB, resourceGroup: 'rg-shop', site: 'shop-frontend', ...(slot ? { slot } : {}) };
  const event: SiteEvent = {
    eventId,
    eventType: 'Microsoft.Resources.ResourceWriteSuccess',
    schema,
    operationName: slot ? 'Microsoft.Web/sites/slots/write' : 'Microsoft.Web/sites/write',
    resourceUri: uri,
    target,
    action: 'evaluate',
    caller: DEV_OPS,
    correlationId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
    eventTime: '2026-10-02T14:05:11.1234567Z',
  };
  return { kind: 'relevant', event };
}
const storage = (kind: 'ignored', eventId: string, op: string): Partial<ClassifiedEvent> => ({
  kind,
  eventId,
  reason: `operation ${op} is not a site or slot write, config write or delete`,
});

// Every file in test/fixtures/eventgrid must appear here: a new fixture fails until classified.
const EXPECTED: Record<string, Expected> = {
  'docs-event-schema-subscriptions-pl-pl.ResourceDeleteSuccess.cloudevents-schema.json': {
    kind: 'events',
    schema: 'cloudevents',
    events: [storage('ignored', '19a69642-1aad-4a96-a5ab-8d05494513ce', 'Microsoft.Storage/storageAccounts/delete')],
  },
  'docs-event-schema-subscriptions-pl-pl.ResourceWriteSuccess.cloudevents-schema.json': {
    kind: 'events',
    schema: 'cloudevents',
    events: [
      {
        kind: 'invalid',
        eventId: '4db48cba-50a2-455a-93b4-de41a3b5b7f6',
        reason: 'invalid CloudEvents 1.0 event: source is missing; specversion is "`1.0", not "1.0"',
      },
    ],
  },
  'docs-event-schema-subscriptions.ResourceDeleteSuccess.eventgrid-schema.json': {
    kind: 'events',
    schema: 'eventgrid',
    events: [storage('ignored', '19a69642-1aad-4a96-a5ab-8d05494513ce', 'Microsoft.Storage/storageAccounts/delete')],
  },
  'docs-resource-write-success.json': {
    kind: 'events',
    schema: 'eventgrid',
    events: [storage('ignored', '4db48cba-50a2-455a-93b4-de41a3b5b7f6', 'Microsoft.Storage/storageAccounts/write')],
  },
  'docs-subscription-validation.json': { kind: 'validation', code: CODE },
  'docs-webhook-event-delivery.SubscriptionValidationEvent.json': { kind: 'validation', code: CODE },
  // The documented answer to the handshake: not a delivery, so it is no event either.
  'docs-webhook-event-delivery.SubscriptionValidationResponse.json': {
    kind: 'events',
    schema: 'eventgrid',
    events: [{ kind: 'invalid', reason: 'not an event in the Event Grid schema (no eventType) nor in CloudEvents 1.0 (no specversion)' }],
  },
  'sample-site-write.cloudevents-batch.json': { kind: 'events', schema: 'cloudevents', events: [siteWrite('a2b3c4d5-e6f7-4a8b-9c0d-1e2f3a4b5c6d', 'cloudevents', SITE)] },
  'sample-site-write.json': { kind: 'events', schema: 'eventgrid', events: [siteWrite('e0f1a2b3-c4d5-4e6f-8a7b-9c0d1e2f3a4b', 'eventgrid', SITE)] },
  'sample-slot-write.json': {
    kind: 'events',
    schema: 'eventgrid',
    events: [siteWrite('f1a2b3c4-d5e6-4f7a-8b9c-0d1e2f3a4b5c', 'eventgrid', `${SITE}/slots/canary`, 'canary')],
  },
};

describe('parseDelivery on the documented fixtures', () => {
  it('has an expectation for every documented Event Grid fixture', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(documentedFixtureNames());
  });

  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const delivery = parseDelivery(documentedFixture(name));

    if (expected.kind === 'validation') {
      expect(delivery).toEqual({ kind: 'validation', validationCode: expected.code, validationUrl: expect.stringMatching(/^https:\/\/rp-eastus2\.eventgrid\.azure\.net/) });
    } else {
      expect(delivery).toEqual({ kind: 'events', schema: expected.schema, events: expected.events.map((e) => expect.objectContaining(e)) });
    }
  });

  it('answers the validation event exactly as the documented response', () => {
    const delivery = parseDelivery(documentedFixture('docs-webhook-event-delivery.SubscriptionValidationEvent.json'));
    if (delivery.kind !== 'validation') throw new Error('expected the validation handshake');

    expect(validationResponse(delivery.validationCode)).toEqual(JSON.parse(documentedFixture('docs-webhook-event-delivery.SubscriptionValidationResponse.json')));
  });
});
