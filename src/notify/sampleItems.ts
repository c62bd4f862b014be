import { NOTIFICATION_KINDS, type OutboxItem } from '../store/index.js';

const SAMPLE_SUBSCRIPTION = '00000000-0000-4000-8000-000000000000';
const STATUS = { 'drift-detected': 'noncompliant', 'drift-reverted': 'compliant', flapping: 'flapping', 'remediation-denied': 'noncompliant', 'sweep-finished': 'complete', 'exemption-expiring': 'expires 2099-01-01' } as const;

/** One made-up item of each kind (`notify test`): sample apps in a sample subscription, so nobody mistakes them. */
export function sampleItems(now: Date): OutboxItem[] {
  return NOTIFICATION_KINDS.map((kind, i) => ({
    partitionKey: SAMPLE_SUBSCRIPTION,
    rowKey: `sample-${kind}`,
    kind,
    subscriptionId: SAMPLE_SUBSCRIPTION,
    resourceId: kind === 'sweep-finished' ? 'sample-run' : `/subscriptions/${SAMPLE_SUBSCRIPTION}/resourceGroups/rg-sample/providers/Microsoft.Web/sites/sample-${kind}`,
    at: new Date(now.getTime() + i * 1000).toISOString(),
    status: STATUS[kind],
    ...(kind === 'sweep-finished' ? { detail: '92.5 % compliant, 3 new and 1 fixed since the last run' } : { caller: 'someone@example.com (sample)' }),
  }));
}
