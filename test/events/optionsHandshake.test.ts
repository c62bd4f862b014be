import { describe, expect, it } from 'vitest';
import { isCloudEventsOptionsHandshake, optionsHandshakeResponse, validationResponse } from '../../src/events/index.js';
import { InvalidInputError } from '../../src/errors.js';

describe('isCloudEventsOptionsHandshake', () => {
  it.each<[string, string | undefined, Record<string, string | undefined>, boolean]>([
    ['OPTIONS with the origin header', 'OPTIONS', { 'WebHook-Request-Origin': 'eventgrid.azure.net' }, true],
    ['a lower-case method and header (Node lowercases headers)', 'options', { 'webhook-request-origin': 'eventgrid.azure.net' }, true],
    ['OPTIONS without the origin header (a CORS preflight)', 'OPTIONS', { origin: 'https://example.com' }, false],
    ['OPTIONS with an empty origin', 'OPTIONS', { 'WebHook-Request-Origin': ' ' }, false],
    ['OPTIONS with an undefined origin', 'OPTIONS', { 'WebHook-Request-Origin': undefined }, false],
    ['POST with the origin header', 'POST', { 'WebHook-Request-Origin': 'eventgrid.azure.net' }, false],
    ['no method', undefined, { 'WebHook-Request-Origin': 'eventgrid.azure.net' }, false],
  ])('is %s → %s', (_name, method, headers, expected) => {
    expect(isCloudEventsOptionsHandshake(method, headers)).toBe(expected);
  });
});

describe('optionsHandshakeResponse', () => {
  it('echoes the origin and allows any rate', () => {
    const headers = { 'webhook-request-origin': ' eventgrid.azure.net ', 'webhook-request-rate': '120' };

    expect(optionsHandshakeResponse(headers)).toEqual({ 'WebHook-Allowed-Origin': 'eventgrid.azure.net', 'WebHook-Allowed-Rate': '*' });
  });

  it('refuses a request without the origin', () => {
    expect(() => optionsHandshakeResponse({})).toThrow(InvalidInputError);
  });
});

describe('validationResponse', () => {
  it('returns the code under validationResponse', () => {
    expect(validationResponse('512d38b6-c7b8-40c8-89fe-f46f9e9622b6')).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
  });
});
