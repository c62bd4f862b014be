import { describe, expect, it } from 'vitest';
import { buildReport, isReportFormat, renderReport, REPORT_FORMATS } from '../../src/report/index.js';
import type { ReportFormat, RunInput } from '../../src/report/index.js';
import { EARLIER_NAMES, fleet, NAME_A, NAME_B, NAMED_RUN, NOW, SUB_A, SUB_B, SUB_C } from './fleet.js';

const INCOMPLETE: RunInput = {
  id: 'run-9', startedAt: '2026-10-02T02:00:00Z', status: 'incomplete',
  subscriptions: [{ subscriptionId: SUB_A, status: 'done', evaluated: 5 }, { subscriptionId: SUB_B, status: 'pending' }],
};
const COMPLETE: RunInput = { ...INCOMPLETE, status: 'complete', finishedAt: '2026-10-02T02:09:00Z', subscriptions: [{ subscriptionId: SUB_A, status: 'done' }] };

// How each format shows an incomplete run; none of them may show the run as complete.
const FLAG: Record<ReportFormat, RegExp> = {
  json: /"runState": "incomplete"[\s\S]*"warnings": \[\s*"INCOMPLETE SWEEP/,
  csv: /,incomplete\r\n/,
  markdown: /^# .*\n\n> \*\*⚠ INCOMPLETE SWEEP/,
  html: /<div class="banner" role="alert">⚠ INCOMPLETE SWEEP/,
};

describe('renderReport', () => {
  it.each(REPORT_FORMATS)('flags an incomplete run in %s', (format) => {
    const output = renderReport(buildReport({ findings: fleet(), run: INCOMPLETE }, NOW), format);

    expect(output).toMatch(FLAG[format]);
    expect(output).not.toMatch(/"runState": "complete"|,complete\r\n|state-complete"/);
  });

  it.each(REPORT_FORMATS)('shows no warning in %s for a complete run', (format) => {
    const output = renderReport(buildReport({ findings: fleet(), run: COMPLETE }, NOW), format);

    expect(output).not.toContain('INCOMPLETE');
  });

  it('writes stable, pretty JSON that reads back as the report', () => {
    const report = buildReport({ findings: fleet(), run: INCOMPLETE }, NOW);

    const json = renderReport(report, 'json');

    expect(JSON.parse(json)).toEqual(report);
    expect(json.split('\n')[1]).toBe('  "generatedAt": "2026-10-02T12:00:00.000Z",');
    expect(renderReport(buildReport({ findings: fleet().reverse(), run: INCOMPLETE }, NOW), 'json')).toBe(json);
  });

  it('carries display names in JSON: on apps, subscriptions and run rows, absent where none was recorded', () => {
    const json = JSON.parse(renderReport(buildReport({ findings: fleet(), run: NAMED_RUN, subscriptionNames: EARLIER_NAMES }, NOW), 'json')) as {
      apps: Array<{ subscriptionId: string; subscriptionName?: string }>;
      bySubscription: Array<{ subscriptionId: string; subscriptionName?: string }>;
      run: { subscriptions: Array<{ subscriptionId: string; subscriptionName?: string }> };
    };

    const pairs = (rows: Array<{ subscriptionId: string; subscriptionName?: string }>) => [...new Set(rows.map((r) => `${r.subscriptionId}=${r.subscriptionName ?? '-'}`))];
    const expected = [`${SUB_A}=${NAME_A}`, `${SUB_B}=${NAME_B}`, `${SUB_C}=-`];
    expect(pairs(json.apps)).toEqual(expected);
    expect(pairs(json.bySubscription)).toEqual(expected);
    expect(pairs(json.run.subscriptions)).toEqual(expected);
  });

  it.each<[string, boolean]>([['json', true], ['csv', true], ['markdown', true], ['html', true], ['md', false], ['HTML', false], ['', false]])(
    'accepts %j as a format: %s',
    (value, ok) => {
      expect(isReportFormat(value)).toBe(ok);
    },
  );
});
