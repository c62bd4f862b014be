import { describe, expect, it } from 'vitest';
import { parseDelivery } from '../../src/events/index.js';
import { InvalidInputError } from '../../src/errors.js';
import { cloudEvent, egEvent } from './events.js';

const VALIDATION = egEvent({ id: 'v-1', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', subject: '', data: { validationCode: 'code-1', validationUrl: 'https://rp/validate' } });

describe('parseDelivery', () => {
  it.each<[string, unknown]>([
    ['a JSON array', JSON.stringify([egEvent()])],
    ['a JSON object', JSON.stringify(egEvent())],
    ['a Buffer', Buffer.from(JSON.stringify([egEvent()]))],
    ['a Uint8Array', new TextEncoder().encode(JSON.stringify([egEvent()]))],
    ['text with a byte-order mark', `\uFEFF${JSON.stringify([egEvent()])}`],
    ['bytes with a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify([egEvent()]))])],
    ['an already parsed array', [egEvent()]],
    ['an already parsed object (Event Grid trigger input)', egEvent()],
  ])('reads %s', (_name, body) => {
    const delivery = parseDelivery(body);

    expect(delivery).toMatchObject({ kind: 'events', schema: 'eventgrid', events: [{ kind: 'relevant' }] });
  });

  it.each<[string, unknown, RegExp]>([
    ['malformed JSON', '[{"id": "1",', /the body is not JSON/],
    ['an empty string', '', /the body is empty/],
    ['only blanks', ' \n ', /the body is empty/],
    ['an empty Buffer', Buffer.alloc(0), /the body is empty/],
    ['JSON null', 'null', /not an event or an array of events \(it is null\)/],
    ['a JSON number', '42', /\(it is number\)/],
    ['a JSON string', '"hello"', /\(it is string\)/],
    ['undefined', undefined, /\(it is undefined\)/],
    ['a boolean', true, /\(it is boolean\)/],
  ])('rejects %s with InvalidInputError', (_name, body, message) => {
    expect(() => parseDelivery(body)).toThrow(InvalidInputError);
    expect(() => parseDelivery(body)).toThrow(message);
  });

  it('answers the validation handshake when it arrives alone, as an object or in an array', () => {
    const expected = { kind: 'validation', validationCode: 'code-1', validationUrl: 'https://rp/validate' };

    expect(parseDelivery([VALIDATION])).toEqual(expected);
    expect(parseDelivery(VALIDATION)).toEqual(expected);
  });

  it('does not answer a validation event inside a batch, and keeps the other events', () => {
    const delivery = parseDelivery([VALIDATION, egEvent()]);

    expect(delivery).toMatchObject({ kind: 'events', events: [{ kind: 'ignored', eventId: 'v-1' }, { kind: 'relevant' }] });
  });

  it('omits validationUrl when the handshake has none', () => {
    expect(parseDelivery([{ ...VALIDATION, data: { validationCode: 'code-2' } }])).toEqual({ kind: 'validation', validationCode: 'code-2' });
  });

  it('classifies each event of a batch on its own', () => {
    const delivery = parseDelivery([egEvent({ id: 'a' }), egEvent({ id: 'b', data: null }), 'junk', egEvent({ id: 'c', eventType: 'Other.Event' })]);

    expect(delivery).toMatchObject({
      kind: 'events',
      events: [
        { kind: 'relevant', event: { eventId: 'a' } },
        { kind: 'invalid', eventId: 'b' },
        { kind: 'invalid', reason: expect.stringContaining('not an event') as string },
        { kind: 'ignored', eventId: 'c' },
      ],
    });
  });

  it.each<[string, unknown, Record<string, string | undefined> | undefined, string]>([
    ['a CloudEvents batch', [cloudEvent()], undefined, 'cloudevents'],
    ['a single CloudEvent', cloudEvent(), undefined, 'cloudevents'],
    ['a batch led by an unreadable event', ['junk', cloudEvent()], undefined, 'cloudevents'],
    ['an empty batch', [], undefined, 'eventgrid'],
    ['an empty CloudEvents batch (content type)', [], { 'Content-Type': 'application/cloudevents-batch+json; charset=utf-8' }, 'cloudevents'],
    ['an empty batch with the header in lower case', '[]', { 'content-type': 'application/cloudevents-batch+json' }, 'cloudevents'],
  ])('says the schema of %s', (_name, body, headers, schema) => {
    expect(parseDelivery(body, headers)).toMatchObject({ kind: 'events', schema });
  });
});
