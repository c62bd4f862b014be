import { describe, expect, it } from 'vitest';
import { buildReport, renderReport } from '../../src/report/index.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const SUB = 'ac7000a0-0000-4000-8000-000000000001';
const OPERATOR = 'CN=sec-ops (certificate 0A1B)';
const APPROVER = 'ann@contoso.example (oid 0b1d)';

describe('the report shows who changed settings and approved exemptions', () => {
  const report = buildReport({
    findings: [],
    subscriptionModes: { [SUB]: { mode: 'enforce', allowedModes: ['Required'], updatedBy: OPERATOR } },
    exemptions: [{ scopeDisplay: `/subscriptions/${SUB}`, owner: 'team-a', expiresAt: '2026-06-05T00:00:00Z', reason: 'vendor', category: 'waiver', approver: APPROVER }],
  }, NOW);

  it.each(['markdown', 'html', 'json'] as const)('in %s', (format) => {
    const text = renderReport(report, format);
    const escaped = format === 'html' ? (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : (s: string) => s;
    expect(text).toContain(escaped(OPERATOR));
    expect(text).toContain(escaped(APPROVER));
  });
});
