import { NOTIFICATION_KINDS, type NotificationKind, type OutboxItem } from '../store/index.js';

const SAMPLE_SUBSCRIPTION = '00000000-0000-4000-8000-000000000000';
const SAMPLE_SITE = (kind: string) => `/subscriptions/${SAMPLE_SUBSCRIPTION}/resourceGroups/rg-sample/providers/Microsoft.Web/sites/sample-${kind}`;

/** What each kind's sample says beyond the defaults (a sample app changed by a sample person). */
const SAMPLES: Readonly<Record<NotificationKind, Partial<OutboxItem> & { status: string }>> = {
  'drift-detected': { status: 'noncompliant' },
  'drift-reverted': { status: 'compliant' },
  flapping: { status: 'flapping' },
  'remediation-denied': { status: 'noncompliant' },
  'sweep-finished': { resourceId: 'sample-run', status: 'complete', detail: '92.5 % compliant, 3 new and 1 fixed since the last run' },
  'exemption-expiring': { status: 'expires 2099-01-01' },
  'wave-notice': { resourceId: 'plan sample-plan wave 1', status: 'on 2099-01-01T00:00:00.000Z', detail: '2 app(s) get client certificates Required; owners: team-sample' },
  'wave-result': { resourceId: 'plan sample-plan wave 1', status: 'done', detail: 'remediated 2; owners: team-sample' },
};

/** One made-up item of each kind (`notify test`): sample apps in a sample subscription, so nobody mistakes them. */
export function sampleItems(now: Date): OutboxItem[] {
  return NOTIFICATION_KINDS.map((kind, i) => ({
    partitionKey: SAMPLE_SUBSCRIPTION,
    rowKey: `sample-${kind}`,
    kind,
    subscriptionId: SAMPLE_SUBSCRIPTION,
    resourceId: SAMPLE_SITE(kind),
    at: new Date(now.getTime() + i * 1000).toISOString(),
    caller: 'someone@example.com (sample)',
    ...SAMPLES[kind],
  }));
}
