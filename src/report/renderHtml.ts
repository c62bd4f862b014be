import { headline, runLine } from './describe.js';
import { escapeHtml } from './escapeHtml.js';
import { reportCharts, STATUS_COLORS } from './htmlChart.js';
import { reportSections, type Section } from './sections.js';
import type { Report } from './types.js';

// Inline only: the file is mailed and archived, and must render the same offline, years later.
// The CSP forbids every fetch as a second line of defence behind escaping.
const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #ddd}
.banner{background:#fff3e0;border:2px solid #e65100;color:#8a2c00;padding:.75rem 1rem;margin:.5rem 0;font-weight:600}
.state{display:inline-block;padding:.1rem .5rem;border-radius:.25rem;color:#fff;font-weight:600}
.state-complete{background:#2e7d32}.state-incomplete{background:#c62828}.state-running{background:#e65100}.state-unknown{background:#546e7a}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top;white-space:pre-line}
th{background:#f3f5f7}tbody tr:nth-child(even){background:#fafbfc}
.chart{max-width:100%;height:auto}.chart text{font:12px system-ui,sans-serif;fill:#1b1b1b}
.key{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em;vertical-align:middle}
.key-compliant{background:${STATUS_COLORS.compliant}}.key-failing{background:${STATUS_COLORS.noncompliant}}.key-other{background:${STATUS_COLORS['not-applicable']}}.empty{color:#555;font-style:italic}
`;

const LEGEND = ['compliant', 'failing', 'other']
  .map((key) => `<span class="key key-${key}"></span>${key === 'failing' ? 'non-compliant or flapping' : key}`)
  .join('');

/** One self-contained HTML file: inline CSS, inline SVG charts, no script, nothing fetched. */
export function renderHtml(report: Report): string {
  const banners = report.warnings.map((w) => `<div class="banner" role="alert">⚠ ${escapeHtml(w)}</div>`);
  const body = [
    '<h1>App Service client-certificate report</h1>',
    ...banners,
    `<p><span class="state state-${escapeHtml(report.runState)}">${escapeHtml(report.runState.toUpperCase())}</span> ${escapeHtml(runLine(report))}<br>Generated ${escapeHtml(report.generatedAt)}.</p>`,
    `<p><strong>${escapeHtml(headline(report))}</strong></p>`,
    `<figure>${reportCharts(report)}<figcaption>${LEGEND}</figcaption></figure>`,
    ...reportSections(report).map(sectionHtml),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Client-certificate report ${escapeHtml(report.generatedAt)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    `<body>\n${body.join('\n')}\n</body>`,
    '</html>',
    '',
  ].join('\n');
}

/** A section as an HTML table under its heading, or its `empty` sentence (class `empty`). */
export function sectionHtml(section: Section): string {
  const title = `<h2>${escapeHtml(section.title)}</h2>`;
  if (section.rows.length === 0) return `<section>${title}<p class="empty">${escapeHtml(section.empty)}</p></section>`;
  const head = section.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = section.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`);
  return `<section>${title}<table><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></section>`;
}
