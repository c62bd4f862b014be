import { describe, expect, it } from 'vitest';
import { extractCaller } from '../../src/events/index.js';
import type { Caller } from '../../src/model/index.js';

const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const UPN = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';

describe('extractCaller', () => {
  it.each<[string, unknown, Caller]>([
    ['a person (ARM long claim names)', { [OID]: 'oid-1', appid: 'app-1', [UPN]: 'ann@contoso.example', name: 'Ann' }, { objectId: 'oid-1', appId: 'app-1', name: 'ann@contoso.example' }],
    ['a service principal (no upn, no name)', { [OID]: 'oid-2', appid: 'app-2' }, { objectId: 'oid-2', appId: 'app-2' }],
    ['short JWT claim names', { oid: 'oid-3', azp: 'app-3', upn: 'bob@contoso.example' }, { objectId: 'oid-3', appId: 'app-3', name: 'bob@contoso.example' }],
    ['the long name before the short one', { [OID]: 'long', oid: 'short', appid: 'a', azp: 'b' }, { objectId: 'long', appId: 'a' }],
    ['name when there is no upn', { name: 'Managed Identity' }, { name: 'Managed Identity' }],
    ['unique_name last', { unique_name: 'live.com#carol@example.com' }, { name: 'live.com#carol@example.com' }],
    ['blank claims skipped for the next name', { [UPN]: ' ', upn: 'dan@contoso.example', oid: '' }, { name: 'dan@contoso.example' }],
    ['claims that are not strings', { oid: 7, appid: null, name: ['x'] }, {}],
    ['no claims', undefined, {}],
    ['null claims', null, {}],
    ['claims as a string', 'oid=1', {}],
    ['claims as an array', ['oid'], {}],
  ])('reads %s', (_name, claims, caller) => {
    expect(extractCaller(claims)).toEqual(caller);
  });
});
