import { describe, expect, it } from 'vitest';
import { checkDelivery } from '../../src/events/index.js';
import { InvalidInputError } from '../../src/errors.js';
import { ownFixture } from './fixtures.js';
import { SUB } from './events.js';

describe('checkDelivery', () => {
  it('lists every event with its classification, reason and parsed fields, and counts them', () => {
    const check = checkDelivery(ownFixture('eventgrid-mixed-batch-one-invalid.json'));

    expect(check).toMatchObject({
      kind: 'events',
      schema: 'eventgrid',
      summary: { total: 4, relevant: 2, ignored: 1, invalid: 1, evaluate: 1, delete: 1 },
    });
    if (check.kind !== 'events') return;
    expect(check.events.map((e) => [e.index, e.classification, e.reason])).toEqual([
      [0, 'relevant', 'Microsoft.Web/sites/write: re-read and evaluate site shop-frontend (resource group rg-shop)'],
      [1, 'invalid', 'data.resourceUri is missing'],
      [2, 'ignored', 'event type Microsoft.Resources.ResourceActionSuccess is not acted on'],
      [3, 'relevant', 'Microsoft.Web/sites/delete: mark deleted the finding of site shop-old (resource group rg-shop)'],
    ]);
    expect(check.events[0]).toMatchObject({
      eventId: '77777777-0000-4000-8000-000000000001',
      action: 'evaluate',
      target: { subscriptionId: SUB, resourceGroup: 'rg-shop', site: 'shop-frontend' },
      caller: { name: 'dev.ops@fabrikam.example' },
    });
    expect(check.events[1]).toEqual({
      index: 1,
      classification: 'invalid',
      eventId: '77777777-0000-4000-8000-000000000002',
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
      reason: 'data.resourceUri is missing',
    });
  });

  it('names the slot of a slot event', () => {
    const check = checkDelivery(ownFixture('eventgrid-slot-config-write.json'));

    expect(check).toMatchObject({ events: [{ reason: expect.stringContaining('re-read and evaluate slot canary of site shop-frontend') as string }] });
  });

  it('shows the answer to a validation handshake', () => {
    const check = checkDelivery(JSON.stringify([{ eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'c-1' } }]));

    expect(check).toEqual({ kind: 'validation', validationCode: 'c-1', response: { validationResponse: 'c-1' } });
  });

  it('round-trips through JSON unchanged (what the CLI prints)', () => {
    const check = checkDelivery(ownFixture('cloudevents-batch-write-and-slot-delete.json'));

    expect(JSON.parse(JSON.stringify(check))).toEqual(check);
  });

  it('counts an empty batch as zero events', () => {
    expect(checkDelivery('[]')).toEqual({ kind: 'events', schema: 'eventgrid', summary: { total: 0, relevant: 0, ignored: 0, invalid: 0, evaluate: 0, delete: 0 }, events: [] });
  });

  it('throws InvalidInputError for a body it cannot read', () => {
    expect(() => checkDelivery('{')).toThrow(InvalidInputError);
  });
});
