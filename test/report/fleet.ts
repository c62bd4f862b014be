import type { ReasonCode, Status } from '../../src/policy/types.js';
import type { Finding } from '../../src/model/index.js';

// A small fleet with one of everything the report must tell apart, built here so every count
// in the tests can be checked by reading this file.

export const NOW = new Date('2026-10-02T12:00:00Z');
export const SUB_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const SUB_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
export const SUB_C = 'cccccccc-0000-4000-8000-00000000000c';

/**
 * Display names as a sweep's listing recorded them: SUB_A's on the run's own row, SUB_B's from an
 * earlier run (with characters every format must escape), SUB_C none, so it shows by id alone.
 */
export const NAME_A = 'contoso-prod';
export const NAME_B = 'contoso | dev <eu> "west"';
export const NAMED_RUN = {
  id: 'run-named', startedAt: '2026-10-02T02:00:00Z', status: 'incomplete' as const,
  subscriptions: [
    { subscriptionId: SUB_A, subscriptionName: NAME_A, status: 'done' as const },
    { subscriptionId: SUB_B, status: 'failed' as const, error: 'worker died' },
    { subscriptionId: SUB_C, status: 'done' as const },
  ],
};
export const EARLIER_NAMES = { [SUB_B]: NAME_B };

const MESSAGES: Record<ReasonCode, string> = {
  'client-cert-disabled': 'clientCertEnabled is false (portal "Ignore")',
  'mode-not-required': 'clientCertMode is Optional (portal "Allow"); only Required (portal "Require") passes',
  'exclusion-paths': 'clientCertExclusionPaths lets /health, /public in without a certificate',
  'unsupported-plan': 'Free tier cannot require client certificates',
  'not-applicable-kind': 'Logic Apps Standard: not enforced',
  exempt: 'exempt by register until 2026-12-31',
  'exemption-invalid': 'exemption expired',
  deleted: 'the resource no longer exists',
  error: 'could not read the site: 503',
  flapping: 'reverted 3 times in 1 hour',
  'remediation-denied': 'write denied',
  'baseline-debt': 'non-compliant before the enforce baseline: left for a rollout wave',
};

export interface FindingSpec extends Partial<Omit<Finding, 'reasons'>> {
  reasons?: ReasonCode[];
}

/** A finding for `sub/rg/site[/slot]` with sensible defaults; `reasons` are codes. */
export function finding(sub: string, rg: string, site: string, spec: FindingSpec = {}): Finding {
  const { reasons = [], ...rest } = spec;
  const slotPath = spec.slot ? `/slots/${spec.slot}` : '';
  const resourceId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${site}${slotPath}`;
  return {
    key: resourceId.toLowerCase(),
    resourceId,
    subscriptionId: sub,
    resourceGroup: rg,
    site,
    kind: 'app',
    status: 'compliant' as Status,
    advice: [],
    clientCertEnabled: true,
    clientCertMode: 'Required',
    lastEvaluatedAt: '2026-10-02T02:10:00Z',
    lastChangedAt: '2026-09-01T00:00:00Z',
    source: 'sweep',
    ...rest,
    reasons: reasons.map((code) => ({ code, message: MESSAGES[code] })),
  };
}

const OFF = { clientCertEnabled: false, clientCertMode: 'Required' };

/** 15 findings over 3 subscriptions: 3 compliant, 5 noncompliant, 1 each of the other statuses but 2 not-applicable. */
export function fleet(): Finding[] {
  return [
    finding(SUB_A, 'rg-shop', 'shop'),
    finding(SUB_A, 'rg-shop', 'shop', { slot: 'staging' }),
    finding(SUB_A, 'rg-api', 'api', { kind: 'app,linux', status: 'noncompliant', reasons: ['client-cert-disabled'], ...OFF,
      firstNonCompliantAt: '2026-09-29T07:00:00Z', lastCaller: { name: 'alice@contoso.com', objectId: 'obj-alice' } }),
    finding(SUB_A, 'rg-api', 'api', { slot: 'staging', status: 'noncompliant', reasons: ['mode-not-required'], clientCertMode: 'Optional',
      firstNonCompliantAt: '2026-10-02T09:30:00Z', lastCaller: { objectId: 'obj-4711' } }),
    finding(SUB_A, 'rg-legacy', 'legacy', { kind: undefined }),
    finding(SUB_B, 'rg-orders', 'orders', { kind: 'functionapp', status: 'noncompliant', reasons: ['exclusion-paths'],
      clientCertExclusionPaths: '/health,/public', firstNonCompliantAt: '2026-10-01T12:00:00Z', lastCaller: { appId: 'app-pipeline' } }),
    finding(SUB_B, 'rg-orders', 'orders', { slot: 'canary', kind: 'functionapp', status: 'noncompliant', reasons: ['mode-not-required'],
      clientCertMode: 'OptionalInteractiveUser', firstNonCompliantAt: '2026-10-02T11:59:00Z' }),
    finding(SUB_B, 'rg-billing', 'billing', { status: 'exempt', reasons: ['exempt'], ...OFF }),
    finding(SUB_B, 'rg-hobby', 'hobby', { sku: 'Free', status: 'unsupported-plan', reasons: ['unsupported-plan', 'client-cert-disabled'], ...OFF }),
    finding(SUB_C, 'rg-flows', 'flows', { kind: 'functionapp,workflowapp', status: 'not-applicable', reasons: ['not-applicable-kind'], ...OFF }),
    finding(SUB_C, 'rg-aca', 'aca-func', { kind: 'functionapp,linux,container,azurecontainerapps', status: 'not-applicable', reasons: ['not-applicable-kind'], ...OFF }),
    finding(SUB_C, 'rg-churn', 'churny', { status: 'flapping', reasons: ['flapping', 'client-cert-disabled'], ...OFF,
      firstNonCompliantAt: '2026-09-20T12:00:00Z', lastCaller: { name: 'deploy-bot' } }),
    finding(SUB_C, 'rg-gone', 'gone', { status: 'deleted', reasons: ['deleted'] }),
    finding(SUB_C, 'rg-broken', 'broken', { status: 'error', reasons: ['error'] }),
    finding(SUB_C, 'rg-portal', 'portal', { kind: 'app,linux', status: 'noncompliant', reasons: ['client-cert-disabled'], ...OFF,
      firstNonCompliantAt: '2026-10-02T06:00:00Z', lastCaller: { name: 'bob@contoso.com' } }),
  ];
}

/** The same fleet as of the last sweep: see changesSince tests for what differs and why. */
export function previousFleet(): Finding[] {
  const byName = (site: string, slot?: string) => fleet().find((f) => f.site === site && f.slot === slot);
  const api = byName('api');
  const canary = byName('orders', 'canary');
  const churny = byName('churny');
  if (!api || !canary || !churny) throw new Error('fleet changed: fix previousFleet');
  return [
    { ...finding(SUB_A, 'rg-shop', 'shop', { status: 'noncompliant', reasons: ['client-cert-disabled'], ...OFF }) },
    finding(SUB_A, 'rg-shop', 'shop', { slot: 'staging' }),
    // Same app, id spelled in another case by another writer: still the same app.
    { ...api, key: api.key.toUpperCase(), resourceId: api.resourceId.toUpperCase() },
    finding(SUB_A, 'rg-api', 'api', { slot: 'staging' }),
    { ...canary, status: 'flapping' },
    { ...churny, status: 'noncompliant' },
    finding(SUB_C, 'rg-gone', 'gone', { status: 'noncompliant', reasons: ['mode-not-required'], clientCertMode: 'Optional' }),
    finding(SUB_C, 'rg-old', 'retired', { status: 'noncompliant', reasons: ['client-cert-disabled'], ...OFF }),
  ];
}
