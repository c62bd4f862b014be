import { describe, expect, it } from 'vitest';
import { parseDelivery, type ClassifiedEvent, type Delivery, type SiteEvent } from '../../src/events/index.js';
import { InvalidInputError } from '../../src/errors.js';
import { ownFixture, ownFixtureBytes, ownFixtureNames } from './fixtures.js';

const SUB = 'a1b2c3d4-e5f6-4789-a0b1-c2d3e4f5a6b7';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web`;

function events(name: string): ClassifiedEvent[] {
  const delivery = parseDelivery(ownFixture(name));
  if (delivery.kind !== 'events') throw new Error(`${name} is a validation handshake`);
  return delivery.events;
}

function relevant(item: ClassifiedEvent | undefined): SiteEvent {
  if (item?.kind !== 'relevant') throw new Error(`expected a relevant event, got ${JSON.stringify(item)}`);
  return item.event;
}

type Summary = [ClassifiedEvent['kind'], string?][];
const summary = (items: ClassifiedEvent[]): Summary =>
  items.map((i) => (i.kind === 'relevant' ? [i.kind, `${i.event.action} ${i.event.target.key}`] : [i.kind, i.reason]));
const key = (rest: string) => `${RG}/sites/${rest}`.toLowerCase();

const CASES: [string, Summary][] = [
  ['eventgrid-site-write-lowercase-resourcegroups.json', [['relevant', `evaluate ${key('shop-frontend')}`]]],
  ['cloudevents-site-write-single.json', [['relevant', `evaluate ${key('shop-frontend')}`]]],
  [
    'cloudevents-batch-write-and-slot-delete.json',
    [
      ['relevant', `evaluate ${key('shop-api')}`],
      ['relevant', `delete ${key('shop-frontend/slots/canary')}`],
      ['ignored', 'operation Microsoft.Web/serverfarms/write is not a site or slot write, config write or delete'],
    ],
  ],
  ['eventgrid-slot-config-write.json', [['relevant', `evaluate ${key('shop-frontend/slots/canary')}`]]],
  ['eventgrid-site-config-write.json', [['relevant', `evaluate ${key('shop-frontend')}`]]],
  ['eventgrid-slot-delete.json', [['relevant', `delete ${key('shop-frontend/slots/canary')}`]]],
  ['eventgrid-site-delete.json', [['relevant', `delete ${key('shop-frontend')}`]]],
  ['eventgrid-site-write-no-claims.json', [['relevant', `evaluate ${key('shop-frontend')}`]]],
  ['eventgrid-site-create-no-httprequest.json', [['relevant', `evaluate ${key('shop-new')}`]]],
  [
    'eventgrid-mixed-batch-one-invalid.json',
    [
      ['relevant', `evaluate ${key('shop-frontend')}`],
      ['invalid', 'data.resourceUri is missing'],
      ['ignored', 'event type Microsoft.Resources.ResourceActionSuccess is not acted on'],
      ['relevant', `delete ${key('shop-old')}`],
    ],
  ],
  [
    'eventgrid-site-write-non-site-resource.json',
    [['invalid', `resourceUri "${RG}/serverfarms/plan-shop" is not a site or slot, yet the operation is Microsoft.Web/sites/write`]],
  ],
  [
    'eventgrid-site-write-subscription-mismatch.json',
    [['invalid', `data.subscriptionId "ffffffff-0000-4000-8000-000000000000" is not the subscription of resourceUri (${SUB})`]],
  ],
  [
    'eventgrid-ignored-operations.json',
    [
      ['ignored', 'event type Microsoft.Resources.ResourceActionSuccess is not acted on'],
      ['ignored', 'event type Microsoft.Resources.ResourceActionSuccess is not acted on'],
      ['ignored', 'operation Microsoft.Web/serverfarms/write is not a site or slot write, config write or delete'],
      ['ignored', 'event type Microsoft.Resources.ResourceWriteFailure is not acted on'],
      ['ignored', 'event type Microsoft.Resources.ResourceWriteCancel is not acted on'],
      ['ignored', 'operation Microsoft.Web/sites/hostNameBindings/write is not a site or slot write, config write or delete'],
      ['ignored', 'operation Microsoft.Web/sites/config/delete is not a site or slot write, config write or delete'],
    ],
  ],
  ['wrong-schema-eventbridge.json', [['invalid', 'not an event in the Event Grid schema (no eventType) nor in CloudEvents 1.0 (no specversion)']]],
  ['empty-batch.json', []],
];

describe('parseDelivery on our variant fixtures', () => {
  it.each(CASES)('%s', (name, expected) => {
    expect(summary(events(name))).toEqual(expected);
  });

  it('has an expectation for every JSON fixture file', () => {
    expect(CASES.map(([name]) => name).sort()).toEqual(ownFixtureNames());
  });

  it('keeps the resource group as spelt in the uri, whatever the case of its segment name', () => {
    const event = relevant(events('eventgrid-site-write-lowercase-resourcegroups.json')[0]);

    expect(event.target).toMatchObject({ resourceGroup: 'RG-Shop', site: 'shop-frontend', subscriptionId: SUB });
    expect(event.target.id).toBe(`/subscriptions/${SUB}/resourceGroups/RG-Shop/providers/Microsoft.Web/sites/shop-frontend`);
    expect(event.resourceUri).toContain('/resourcegroups/RG-Shop/providers/microsoft.web/');
  });

  it('evaluates the slot, not its site, for a config write under a slot', () => {
    const event = relevant(events('eventgrid-slot-config-write.json')[0]);

    expect(event).toMatchObject({ action: 'evaluate', operationName: 'Microsoft.Web/sites/slots/config/write' });
    expect(event.target).toMatchObject({ site: 'shop-frontend', slot: 'canary' });
    expect(event.resourceUri).toMatch(/\/slots\/canary\/config\/web$/);
  });

  it('reads a CloudEvent sent alone (not in an array)', () => {
    const delivery = parseDelivery(ownFixture('cloudevents-site-write-single.json'));

    expect(delivery).toMatchObject({ kind: 'events', schema: 'cloudevents', events: [{ kind: 'relevant', event: { schema: 'cloudevents' } }] });
  });

  it('gives an empty caller when the claims are absent', () => {
    expect(relevant(events('eventgrid-site-write-no-claims.json')[0]).caller).toEqual({});
  });

  it('reads a service principal creating a site without httpRequest', () => {
    const event = relevant(events('eventgrid-site-create-no-httprequest.json')[0]);

    expect(event.caller).toEqual({ objectId: '1f2e3d4c-5b6a-4978-8c9d-0e1f2a3b4c5d', appId: '5d2c1b0a-9f8e-4d7c-b6a5-4f3e2d1c0b9a' });
  });

  it('names the id and type of the invalid event in a mixed batch', () => {
    expect(events('eventgrid-mixed-batch-one-invalid.json')[1]).toEqual({
      kind: 'invalid',
      eventId: '77777777-0000-4000-8000-000000000002',
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
      reason: 'data.resourceUri is missing',
    });
  });

  it('reads the same delivery from bytes as from text', () => {
    const fromBytes = parseDelivery(ownFixtureBytes('eventgrid-mixed-batch-one-invalid.json'));

    expect(fromBytes).toEqual(parseDelivery(ownFixture('eventgrid-mixed-batch-one-invalid.json')));
  });

  it('rejects a truncated body as a whole', () => {
    expect(() => parseDelivery(ownFixture('malformed-truncated.json.txt'))).toThrow(InvalidInputError);
  });

  it('classifies an empty batch as no events', () => {
    expect(parseDelivery(ownFixture('empty-batch.json'))).toEqual<Delivery>({ kind: 'events', schema: 'eventgrid', events: [] });
  });
});
