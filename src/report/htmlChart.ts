import { escapeHtml } from './escapeHtml.js';
import { STATUSES } from './statusCounts.js';
import type { Status } from '../policy/index.js';
import type { Report, TrendPoint } from './types.js';
import { burnDownChart } from './rolloutReport.js';

export interface Segment { name: string; value: number; color: string }
export interface Bar { label: string; segments: Segment[] }

export const STATUS_COLORS: Readonly<Record<Status, string>> = {
  compliant: '#2e7d32', noncompliant: '#c62828', flapping: '#ad1457', exempt: '#6a1b9a',
  'unsupported-plan': '#ef6c00', 'not-applicable': '#78909c', error: '#4e342e', deleted: '#b0bec5',
};

const LABEL_W = 270;
const BAR_W = 380;
const ROW_H = 24;
// Hundreds of subscriptions would make a chart nobody reads; the table below lists them all.
const MAX_BARS = 40;

/** A horizontal (stacked) bar chart as inline SVG: labels and counts as text, a title for screen readers. */
export function barChart(id: string, title: string, bars: Bar[]): string {
  const shown = bars.slice(0, MAX_BARS);
  const max = Math.max(1, ...shown.map((bar) => total(bar)));
  const height = (shown.length + (bars.length > shown.length ? 1 : 0)) * ROW_H + 10;
  const rows = shown.map((bar, i) => barRow(bar, i * ROW_H + 5, max));
  if (bars.length > shown.length) rows.push(`<text x="0" y="${shown.length * ROW_H + 21}">… and ${bars.length - shown.length} more (see table)</text>`);
  const desc = shown.map((bar) => `${bar.label}: ${bar.segments.map((s) => `${s.value} ${s.name}`).join(', ')}`).join('; ');
  return [
    `<svg class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" width="${LABEL_W + BAR_W + 60}" height="${height}" viewBox="0 0 ${LABEL_W + BAR_W + 60} ${height}">`,
    `<title id="${id}-title">${escapeHtml(title)}</title>`,
    `<desc id="${id}-desc">${escapeHtml(desc)}</desc>`,
    ...rows,
    '</svg>',
  ].join('\n');
}

function barRow(bar: Bar, y: number, max: number): string {
  const parts = [`<text x="0" y="${y + 15}">${escapeHtml(bar.label)}</text>`];
  let x = LABEL_W;
  for (const segment of bar.segments.filter((s) => s.value > 0)) {
    const width = (segment.value / max) * BAR_W;
    parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${ROW_H - 6}" fill="${segment.color}"><title>${escapeHtml(`${bar.label}: ${segment.value} ${segment.name}`)}</title></rect>`);
    x += width;
  }
  parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 15}">${total(bar)}</text>`);
  return `<g>${parts.join('')}</g>`;
}

function total(bar: Bar): number {
  return bar.segments.reduce((sum, segment) => sum + segment.value, 0);
}

/** The two charts of the report: apps per status, and compliance per subscription. */
export function reportCharts(report: Report): string {
  const byStatus = STATUSES.map((status) => ({
    label: status,
    segments: [{ name: status, value: report.totals.byStatus[status], color: STATUS_COLORS[status] }],
  }));
  const bySubscription = report.bySubscription.map((sub) => {
    const failing = sub.byStatus.noncompliant + sub.byStatus.flapping;
    return {
      label: chartLabel(sub),
      segments: [
        { name: 'compliant', value: sub.byStatus.compliant, color: STATUS_COLORS.compliant },
        { name: 'non-compliant or flapping', value: failing, color: STATUS_COLORS.noncompliant },
        { name: 'other', value: sub.total - sub.byStatus.compliant - failing, color: STATUS_COLORS['not-applicable'] },
      ],
    };
  });
  const charts = [barChart('chart-status', 'Apps by compliance status', byStatus), barChart('chart-subs', 'Compliance by subscription', bySubscription)];
  if (report.trend && report.trend.length > 0) charts.push(trendChart(report.trend));
  if (report.rollout && report.rollout.burnDown.length > 0) charts.push(burnDownChart(report.rollout));
  return charts.join('\n');
}

/**
 * A subscription's bar label within the label column: its name with the id's first block (names
 * need not be unique), or the whole id when it has no name; the table below has both in full.
 */
function chartLabel(sub: { subscriptionId: string; subscriptionName?: string }): string {
  if (!sub.subscriptionName) return sub.subscriptionId;
  const name = sub.subscriptionName.length > 24 ? `${sub.subscriptionName.slice(0, 23)}…` : sub.subscriptionName;
  return `${name} (${sub.subscriptionId.slice(0, 8)}…)`;
}

const TREND_H = 160;
const TREND_COL = 44;
const TREND_TOP = 20;
const TREND_AXIS = 34;

/**
 * Compliance across the last sweeps: one column per run (oldest left), its height the percentage
 * of judged resources that were compliant; a run with nothing judged shows "n/a".
 */
function trendChart(trend: TrendPoint[]): string {
  const width = Math.max(TREND_COL * trend.length + 50, 200);
  const height = TREND_TOP + TREND_H + TREND_AXIS;
  const columns = trend.map((p, i) => {
    const x = 40 + i * TREND_COL;
    const label = `<text x="${x + 2}" y="${TREND_TOP + TREND_H + 14}">${escapeHtml(p.startedAt.slice(5, 10))}</text>`;
    if (p.compliancePercent === null) return `<g>${label}<text x="${x + 4}" y="${TREND_TOP + TREND_H - 4}">n/a</text></g>`;
    const h = (p.compliancePercent / 100) * TREND_H;
    const y = TREND_TOP + TREND_H - h;
    const colour = p.status === 'complete' ? STATUS_COLORS.compliant : STATUS_COLORS['unsupported-plan'];
    const tip = `${p.startedAt} (${p.status}): ${p.compliancePercent}% compliant, ${p.compliant} compliant, ${p.failing} non-compliant or flapping`;
    return `<g><rect x="${x}" y="${y.toFixed(1)}" width="${TREND_COL - 10}" height="${h.toFixed(1)}" fill="${colour}"><title>${escapeHtml(tip)}</title></rect>`
      + `<text x="${x}" y="${(y - 4).toFixed(1)}">${p.compliancePercent}%</text>${label}</g>`;
  });
  const axis = `<line x1="36" y1="${TREND_TOP + TREND_H}" x2="${width - 6}" y2="${TREND_TOP + TREND_H}" stroke="#555"/><text x="0" y="${TREND_TOP + 4}">100%</text><text x="12" y="${TREND_TOP + TREND_H}">0%</text>`;
  const desc = trend.map((p) => `${p.startedAt}: ${p.compliancePercent === null ? 'n/a' : `${p.compliancePercent}%`}`).join('; ');
  return [
    `<svg class="chart" role="img" aria-labelledby="chart-trend-title chart-trend-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title id="chart-trend-title">Compliance across the last ${trend.length} sweep${trend.length === 1 ? '' : 's'}</title>`,
    `<desc id="chart-trend-desc">${escapeHtml(desc)}</desc>`,
    axis,
    ...columns,
    '</svg>',
  ].join('\n');
}
