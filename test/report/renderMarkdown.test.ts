import { describe, expect, it } from 'vitest';
import { buildReport, renderMarkdown } from '../../src/report/index.js';
import { markdownCell } from '../../src/report/markdownCell.js';
import { EARLIER_NAMES, finding, fleet, NAME_A, NAMED_RUN, NOW, previousFleet, SUB_A, SUB_B, SUB_C } from './fleet.js';

/** Cells of a table row, split on unescaped pipes the way GitHub's table extension does. */
function cells(line: string): string[] {
  return line.trim().slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
}

function tableUnder(markdown: string, title: string): string[] {
  const start = markdown.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThan(-1);
  const lines = markdown.slice(start).split('\n').slice(2);
  const end = lines.findIndex((line) => !line.startsWith('|'));
  return lines.slice(0, end === -1 ? undefined : end);
}

describe('markdownCell', () => {
  it.each<[string, string]>([
    ['plain-name', 'plain-name'],
    ['a|b', 'a\\|b'],
    ['already \\| escaped', 'already \\\\\\| escaped'],
    ['two\nlines\r\nthree', 'two; lines; three'],
    ['<b>bold</b>', '\\<b\\>bold\\</b\\>'],
    ['rg_with_underscores', 'rg\\_with\\_underscores'],
  ])('writes %j as %j', (value, expected) => {
    expect(markdownCell(value)).toBe(expected);
  });
});

describe('renderMarkdown', () => {
  it('leads with headline totals, then the non-compliant apps, new/fixed and expiring exemptions', () => {
    const exemptions = [{ scopeDisplay: '/subscriptions/s/resourceGroups/rg-billing', owner: 'pay', expiresAt: '2026-10-09', reason: 'partner', category: 'waiver' }];

    const md = renderMarkdown(buildReport({ findings: fleet(), previous: previousFleet(), exemptions }, NOW));

    expect(md).toContain('**15 apps: 3 compliant, 5 noncompliant, 1 flapping, 1 exempt, 1 unsupported-plan, 2 not-applicable, 1 error, 1 deleted**');
    expect(tableUnder(md, 'Non-compliant apps (6)')).toHaveLength(8);
    expect(tableUnder(md, 'New since the last sweep (3)')).toHaveLength(5);
    expect(tableUnder(md, 'Fixed since the last sweep (3)')).toHaveLength(5);
    expect(tableUnder(md, 'Exemptions expiring within 14 days (1)')[2]).toContain('rg-billing');
    expect(md.indexOf('## Non-compliant')).toBeLessThan(md.indexOf('## New since'));
  });

  it('escapes pipes and newlines so every row keeps its columns', () => {
    const findings = [finding(SUB_A, 'rg|x', 'a|b\nc', { status: 'noncompliant', reasons: ['client-cert-disabled'], lastCaller: { name: 'x|y' } })];

    const md = renderMarkdown(buildReport({ findings }, NOW));

    const table = tableUnder(md, 'Non-compliant apps (1)');
    const width = cells(table[0] ?? '').length;
    expect(table.map((line) => cells(line).length)).toEqual([width, width, width]);
    expect(cells(table[2] ?? '')[0]).toBe('a\\|b; c');
    expect(md).toContain('x\\|y');
  });

  it('shows each subscription by display name next to its id, escaped, and by id alone when it has none', () => {
    const md = renderMarkdown(buildReport({ findings: fleet(), previous: previousFleet(), run: NAMED_RUN, subscriptionNames: EARLIER_NAMES }, NOW));

    const bName = `contoso \\| dev \\<eu\\> "west" (${SUB_B})`;
    const bySubscription = tableUnder(md, 'By subscription').slice(2).map((line) => cells(line));
    expect(bySubscription.map((row) => row[0])).toEqual([`${NAME_A} (${SUB_A})`, bName, SUB_C]);
    expect(new Set(bySubscription.map((row) => row.length))).toEqual(new Set([8]));
    const failing = tableUnder(md, 'Non-compliant apps (6)').map((line) => cells(line));
    expect(failing.find((row) => row[0] === 'orders')?.[2]).toBe(bName);
    expect(failing.find((row) => row[0] === 'api')?.[2]).toBe(`${NAME_A} (${SUB_A})`);
    expect(md).toContain(`> **⚠ Subscription ${bName} failed: worker died**`);
  });

  it('says there is nothing to compare with when no previous sweep is given', () => {
    const md = renderMarkdown(buildReport({ findings: fleet() }, NOW));

    expect(md).toContain('## Since the last sweep\n\n_No previous sweep to compare with._');
  });
});
