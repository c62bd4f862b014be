import type { OutboxItem } from '../../src/store/index.js';

const SUB = '11111111-2222-4333-8444-555555555555';
const item = (kind: OutboxItem['kind'], name: string, at: string, status: string, caller?: string): OutboxItem => ({
  partitionKey: SUB, rowKey: `oh_${name}`, kind, subscriptionId: SUB, at, status, ...(caller ? { caller } : {}),
  resourceId: `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/${name}`,
});

/** One of each kind, as the outbox holds them: the sample every channel's payload fixture is rendered from. */
export const SAMPLE_ITEMS: OutboxItem[] = [
  item('drift-detected', 'shop-admin', '2026-12-04T01:10:00.000Z', 'noncompliant', 'bob@contoso.example'),
  item('drift-reverted', 'shop-frontend', '2026-12-04T01:12:00.000Z', 'compliant', 'alice@contoso.example'),
  item('flapping', 'shop-api', '2026-12-04T01:20:00.000Z', 'flapping', 'deploy-pipeline'),
  item('remediation-denied', 'shop-legacy', '2026-12-04T01:25:00.000Z', 'noncompliant', 'carol@contoso.example'),
  { partitionKey: '~runs', rowKey: 'oh_08638203600000000-1a2b3c4d', kind: 'sweep-finished', resourceId: '08638203600000000-1a2b3c4d', subscriptionId: '', at: '2026-12-04T02:14:00.000Z', status: 'incomplete', detail: '91.8 % compliant, 4 new and 2 fixed since the last run, 1 subscription(s) failed' },
];
