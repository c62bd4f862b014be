import { describe, expect, it } from 'vitest';
import { appKind } from '../../src/report/appKind.js';
import { callerLabel } from '../../src/report/callerLabel.js';
import type { AppKind } from '../../src/report/index.js';

describe('appKind', () => {
  it.each<[string | undefined, AppKind]>([
    ['app', 'web app'],
    ['app,linux', 'web app'],
    ['app,linux,container', 'web app'],
    ['api', 'web app'],
    ['functionapp', 'function app'],
    ['functionapp,linux', 'function app'],
    ['FunctionApp,Linux,Container,AzureContainerApps', 'function app'],
    ['functionapp,workflowapp', 'logic app'],
    ['functionapp,linux,container,workflowapp', 'logic app'],
    [undefined, 'other'],
    ['', 'other'],
    ['mobileapp-something', 'other'],
  ])('calls kind %j a %s', (kind, expected) => {
    expect(appKind(kind)).toBe(expected);
  });
});

describe('callerLabel', () => {
  it.each<[string, Parameters<typeof callerLabel>[0], string | undefined]>([
    ['a name or UPN first', { name: 'alice@contoso.com', objectId: 'o', appId: 'a' }, 'alice@contoso.com'],
    ['the object id without a name', { name: '  ', objectId: 'o-1', appId: 'a-1' }, 'object id o-1'],
    ['the app id alone', { appId: 'a-1' }, 'app id a-1'],
    ['nothing for an empty caller', {}, undefined],
    ['nothing for no caller', undefined, undefined],
  ])('gives %s', (_name, caller, expected) => {
    expect(callerLabel(caller)).toBe(expected);
  });
});
