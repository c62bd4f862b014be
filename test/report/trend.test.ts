import { parse } from 'parse5';
import { describe, expect, it } from 'vitest';
import { buildReport, renderHtml, renderMarkdown, trendPoints, type ReportInput, type TrendRunInput } from '../../src/report/index.js';
import { fleet, NOW } from './fleet.js';

const RUNS: TrendRunInput[] = [
  { runId: 'r1', startedAt: '2025-03-01T02:00:00.000Z', status: 'complete', counts: { compliant: 90, noncompliant: 8, flapping: 2, exempt: 5 } },
  { runId: 'r2', startedAt: '2025-03-02T02:00:00.000Z', status: 'incomplete', counts: { 'not-applicable': 3 } },
  { runId: 'r3', startedAt: '2025-03-03T02:00:00.000Z', status: 'complete', counts: { compliant: 99, noncompliant: 1 } },
];

describe('compliance across the last sweeps', () => {
  it("turns each run's counts into compliant, failing, other and a percentage of the judged ones", () => {
    expect(trendPoints(RUNS)).toEqual([
      { runId: 'r1', startedAt: RUNS[0]?.startedAt, status: 'complete', compliant: 90, failing: 10, other: 5, compliancePercent: 90 },
      { runId: 'r2', startedAt: RUNS[1]?.startedAt, status: 'incomplete', compliant: 0, failing: 0, other: 3, compliancePercent: null },
      { runId: 'r3', startedAt: RUNS[2]?.startedAt, status: 'complete', compliant: 99, failing: 1, other: 0, compliancePercent: 99 },
    ]);
  });

  it('draws one column per judged run in the HTML chart and lists every run in a table', () => {
    const input: ReportInput = { findings: fleet(), trend: RUNS };

    const html = renderHtml(buildReport(input, NOW));

    const errors: string[] = [];
    parse(html, { onParseError: (e) => void errors.push(e.code) });
    expect(errors).toEqual([]);
    const svg = html.slice(html.indexOf('<title id="chart-trend-title">'), html.indexOf('</svg>', html.indexOf('chart-trend-title')));
    expect(svg).toContain('Compliance across the last 3 sweeps');
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('>90%<');
    expect(svg).toContain('>99%<');
    expect(svg).toContain('>n/a<');
    const markdown = renderMarkdown(buildReport(input, NOW));
    expect(markdown).toContain('## Compliance across the last 3 sweeps');
    expect(markdown).toMatch(/\| 2025-03-03T02:00:00.000Z \| r3 \| complete \| 99 \| 1 \| 0 \| 99% \|/);
  });

  it('leaves the trend out when the report has no run', () => {
    const report = buildReport({ findings: fleet() }, NOW);

    expect(report.trend).toBeUndefined();
    expect(renderHtml(report)).not.toContain('chart-trend');
  });
});
