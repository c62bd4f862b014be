import { describe, expect, it } from 'vitest';
import { buildReport, renderHtml } from '../../src/report/index.js';
import type { ReportInput } from '../../src/report/index.js';
import { EARLIER_NAMES, finding, fleet, NAME_A, NAMED_RUN, NOW, previousFleet, SUB_A, SUB_B, SUB_C } from './fleet.js';

const XSS = '<script>alert("x")</script>';
const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);

/** Checks that every element closes in order (our HTML is regular enough for a tag stack). */
function assertBalanced(html: string): void {
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = match;
    const name = (rawName ?? '').toLowerCase();
    if (VOID.has(name) || selfClosing) continue;
    if (!closing) stack.push(name);
    else expect(stack.pop(), `closing </${name}>`).toBe(name);
  }
  expect(stack).toEqual([]);
}

/** The rows of the table under the heading that starts with `title`. */
function tableRows(html: string, title: string): string[] {
  const start = html.indexOf(`<h2>${title}`);
  expect(start, title).toBeGreaterThan(-1);
  const section = html.slice(start, html.indexOf('</section>', start));
  return [...section.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => m[1] ?? '').slice(1);
}

function hostileInput(): ReportInput {
  return {
    findings: [
      ...fleet(),
      finding(SUB_A, `rg-${XSS}`, XSS, { slot: XSS, kind: XSS, status: 'noncompliant', reasons: ['client-cert-disabled'],
        clientCertEnabled: false, lastCaller: { name: `${XSS}@contoso.com` }, firstNonCompliantAt: '2026-10-01T00:00:00Z' }),
    ],
    exemptions: [{ scopeDisplay: XSS, owner: XSS, expiresAt: '2026-10-05', reason: `'quoted' & ${XSS}`, category: 'waiver' }],
    subscriptionModes: { [XSS]: { mode: XSS, allowedModes: ['Required', XSS] } },
    run: { id: XSS, startedAt: XSS, status: 'incomplete', subscriptions: [{ subscriptionId: XSS, status: 'failed', error: XSS }] },
  };
}

describe('renderHtml', () => {
  it('is one self-contained document: inline style and SVG, nothing to fetch, no script', () => {
    const html = renderHtml(buildReport({ findings: fleet(), previous: previousFleet() }, NOW));

    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*>\s*<title id="chart-status-title">/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(?:src|href|srcset|action|poster)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|<script|<link|<iframe|<img/i);
    expect(html).toContain(`default-src 'none'`);
    assertBalanced(html);
  });

  it('labels every status bar of the chart with its name and count', () => {
    const html = renderHtml(buildReport({ findings: fleet() }, NOW));

    const chart = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    for (const [status, count] of [['compliant', 3], ['noncompliant', 5], ['not-applicable', 2], ['deleted', 1]] as const) {
      expect(chart).toContain(`<text x="0" y="`);
      expect(chart).toContain(`>${status}</text>`);
      expect(chart).toContain(`<title>${status}: ${count} ${status}</title>`);
    }
  });

  it('escapes every interpolated value', () => {
    const html = renderHtml(buildReport(hostileInput(), NOW));

    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&#39;quoted&#39; &amp; ');
    assertBalanced(html);
  });

  it('shows the right rows in its tables', () => {
    const html = renderHtml(buildReport({ findings: fleet(), previous: previousFleet() }, NOW));

    const failing = tableRows(html, 'Non-compliant apps');
    expect(failing).toHaveLength(6);
    expect(failing[0]).toContain('<td>churny</td>');
    expect(failing.find((row) => row.includes('api (slot staging)'))).toContain('API Optional / portal &quot;Allow&quot;');
    expect(tableRows(html, 'New since the last sweep')).toHaveLength(3);
    expect(tableRows(html, 'Fixed since the last sweep')).toHaveLength(3);
    expect(tableRows(html, 'Unsupported plan')[0]).toContain('hobby');
    expect(tableRows(html, 'By subscription')).toHaveLength(3);
  });

  it('shows each subscription by display name next to its id, escaped, and by id alone when it has none', () => {
    const html = renderHtml(buildReport({ findings: fleet(), previous: previousFleet(), run: NAMED_RUN, subscriptionNames: EARLIER_NAMES }, NOW));

    const bName = `contoso | dev &lt;eu&gt; &quot;west&quot; (${SUB_B})`;
    expect(tableRows(html, 'By subscription').map((row) => row.slice(0, row.indexOf('</td>') + 5))).toEqual([
      `<td>${NAME_A} (${SUB_A})</td>`, `<td>${bName}</td>`, `<td>${SUB_C}</td>`,
    ]);
    expect(tableRows(html, 'Non-compliant apps').find((row) => row.includes('<td>orders</td>'))).toContain(`<td>${bName}</td>`);
    expect(tableRows(html, 'New since the last sweep').find((row) => row.includes('api (slot staging)'))).toContain(`<td>${NAME_A} (${SUB_A})</td>`);
    expect(html).toContain(`⚠ Subscription ${bName} failed: worker died</div>`);
    // The chart's label column fits a name and the id's first block; a long name is cut.
    const chart = html.slice(html.indexOf('<svg class="chart" role="img" aria-labelledby="chart-subs'), html.indexOf('</svg>', html.indexOf('chart-subs')));
    expect(chart).toContain(`<text x="0" y="20">${NAME_A} (aaaaaaaa…)</text>`);
    expect(chart).toContain(`<text x="0" y="44">contoso | dev &lt;eu&gt; &quot;wes… (bbbbbbbb…)</text>`);
    expect(chart).toContain(`<text x="0" y="68">${SUB_C}</text>`);
    assertBalanced(html);
  });

  it('puts a banner above everything for an incomplete run and never a green state', () => {
    const html = renderHtml(buildReport(hostileInput(), NOW));

    const banner = html.indexOf('<div class="banner" role="alert">⚠ INCOMPLETE SWEEP');
    expect(banner).toBeGreaterThan(-1);
    expect(banner).toBeLessThan(html.indexOf('<svg'));
    expect(html).toContain('class="state state-incomplete"');
    expect(html).not.toContain('state-complete"');
  });
});
