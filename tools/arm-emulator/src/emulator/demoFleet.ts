import type { FleetSeed } from './seed.js';

export const DEMO_SUBSCRIPTIONS = {
  enforce: '11111111-1111-4111-8111-111111111111',
  audit: '22222222-2222-4222-8222-222222222222',
  off: '33333333-3333-4333-8333-333333333333',
} as const;

/**
 * A small, varied fleet: every case the control distinguishes (compliant, disabled, Optional,
 * OptionalInteractiveUser, exclusion paths, Free tier, Logic App Standard, slots, an expired tag
 * exemption), for the demo and tests.
 */
export function demoFleet(): FleetSeed {
  return {
    subscriptions: [
      {
        id: DEMO_SUBSCRIPTIONS.enforce,
        displayName: 'contoso-prod',
        sites: [
          { resourceGroup: 'rg-shop', name: 'shop-frontend', clientCertEnabled: true, clientCertMode: 'Required', slots: [{ name: 'staging', clientCertEnabled: false }] },
          { resourceGroup: 'rg-shop', name: 'shop-api', kind: 'app,linux', clientCertEnabled: true, clientCertMode: 'Optional' },
          { resourceGroup: 'rg-shop', name: 'shop-orders-fn', kind: 'functionapp,linux', sku: 'Dynamic', clientCertEnabled: true, clientCertMode: 'Required' },
          { resourceGroup: 'rg-shop', name: 'shop-events-fn', kind: 'functionapp,linux', sku: 'FlexConsumption', clientCertEnabled: false, slots: [{ name: 'canary', clientCertEnabled: true, clientCertMode: 'Required' }] },
          { resourceGroup: 'rg-legacy', name: 'legacy-portal', clientCertEnabled: true, clientCertMode: 'Required', clientCertExclusionPaths: '/health,/public' },
          { resourceGroup: 'rg-legacy', name: 'hobby-site', sku: 'Free', clientCertEnabled: false },
          { resourceGroup: 'rg-int', name: 'orders-workflows', kind: 'functionapp,workflowapp', sku: 'WorkflowStandard', clientCertEnabled: false },
        ],
      },
      {
        id: DEMO_SUBSCRIPTIONS.audit,
        displayName: 'contoso-dev',
        sites: [
          { resourceGroup: 'rg-dev', name: 'dev-portal', clientCertEnabled: false },
          { resourceGroup: 'rg-dev', name: 'dev-api', clientCertEnabled: true, clientCertMode: 'OptionalInteractiveUser' },
          { resourceGroup: 'rg-dev', name: 'dev-reports', clientCertEnabled: true, clientCertMode: 'Required', tags: { 'mtls-enforcer-exempt': 'expires=2020-01-31;owner=dev-team@contoso.example;reason=old waiver' } },
        ],
      },
      {
        id: DEMO_SUBSCRIPTIONS.off,
        displayName: 'contoso-sandbox',
        sites: [{ resourceGroup: 'rg-sandbox', name: 'sandbox-app', clientCertEnabled: false }],
      },
    ],
  };
}
