import { describe, expect, it } from 'vitest';
import { normaliseId, parseSiteId, type SiteRef } from '../../src/policy/index.js';

const SUB = 'A1B2C3D4-E5F6-4789-A0B1-C2D3E4F5A6B7';
const SITE_KEY = `/subscriptions/${SUB.toLowerCase()}/resourcegroups/rg-shop/providers/microsoft.web/sites/shop`;

describe('parseSiteId', () => {
  it('parses a site id into its parts, keeping their case for display', () => {
    expect(parseSiteId(`/subscriptions/${SUB}/resourceGroups/RG-Shop/providers/Microsoft.Web/sites/Shop`)).toEqual<SiteRef>({
      id: `/subscriptions/${SUB}/resourceGroups/RG-Shop/providers/Microsoft.Web/sites/Shop`,
      key: SITE_KEY,
      subscriptionId: SUB.toLowerCase(),
      resourceGroup: 'RG-Shop',
      site: 'Shop',
    });
  });

  it.each<[string, string]>([
    ['resourcegroups in lower case', `/subscriptions/${SUB}/resourcegroups/rg-shop/providers/Microsoft.Web/sites/shop`],
    ['everything in lower case', `/subscriptions/${SUB}/resourcegroups/rg-shop/providers/microsoft.web/sites/shop`.toLowerCase()],
    ['everything in upper case', `/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/RG-SHOP/PROVIDERS/MICROSOFT.WEB/SITES/SHOP`],
    ['a trailing slash', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop/`],
    ['blanks around', `  /subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop \n`],
    ['a config sub-resource', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop/config/web`],
    ['an extension resource under the site', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop/providers/Microsoft.Insights/diagnosticSettings/d`],
  ])('gives the same key for %s', (_name, id) => {
    const ref = parseSiteId(id);

    expect(ref?.key).toBe(SITE_KEY);
    expect(ref?.slot).toBeUndefined();
    expect(ref?.id).toMatch(/\/resourceGroups\/.*\/providers\/Microsoft\.Web\/sites\/shop$/i);
  });

  it.each<[string, string]>([
    ['a slot', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop/slots/Canary`],
    ['a slot with a trailing slash', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop/slots/Canary/`],
    ['a slot config sub-resource', `/subscriptions/${SUB}/resourcegroups/rg-shop/providers/microsoft.web/sites/shop/slots/Canary/config/web`],
  ])('parses %s as the slot', (_name, id) => {
    const ref = parseSiteId(id);

    expect(ref?.slot).toBe('Canary');
    expect(ref?.site).toBe('shop');
    expect(ref?.key).toBe(`${SITE_KEY}/slots/canary`);
    expect(ref?.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop/slots/Canary`);
  });

  it.each<[string, string]>([
    ['an empty string', ''],
    ['a subscription', `/subscriptions/${SUB}`],
    ['a resource group', `/subscriptions/${SUB}/resourceGroups/rg-shop`],
    ['an App Service plan', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/serverfarms/plan`],
    ['a storage account', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Storage/storageAccounts/st`],
    ['the sites collection', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites`],
    ['an empty site name', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites//config/web`],
    ['a look-alike provider', `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.WebX/sites/shop`],
    ['an id without the leading slash', `subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop`],
    ['a URL', `https://management.azure.com/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop`],
  ])('returns undefined for %s', (_name, id) => {
    expect(parseSiteId(id)).toBeUndefined();
  });
});

describe('normaliseId', () => {
  it('lowercases and drops blanks and trailing slashes', () => {
    expect(normaliseId(' /Subscriptions/S/resourceGroups/RG// ')).toBe('/subscriptions/s/resourcegroups/rg');
  });

  it('agrees with the key of a parsed site id', () => {
    const id = `/subscriptions/${SUB}/resourcegroups/RG-Shop/providers/microsoft.web/Sites/Shop/`;

    expect(normaliseId(id)).toBe(parseSiteId(id)?.key);
  });
});
