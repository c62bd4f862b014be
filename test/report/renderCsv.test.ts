import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/report/csvCell.js';
import { buildReport, renderCsv } from '../../src/report/index.js';
import { EARLIER_NAMES, finding, fleet, NAME_A, NAME_B, NAMED_RUN, NOW, SUB_A, SUB_B, SUB_C } from './fleet.js';

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes, nothing else. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  const endField = () => { row.push(field); field = ''; };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      const close = quotedEnd(text, i);
      field = text.slice(i + 1, close).replace(/""/g, '"');
      i = close + 1;
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`text after closing quote at ${i}`);
    } else if (c === ',') {
      endField();
      i += 1;
    } else if (c === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`bare CR at ${i}`);
      endField();
      rows.push(row);
      row = [];
      i += 2;
    } else {
      if (c === '\n' || c === '"') throw new Error(`unquoted ${JSON.stringify(c)} at ${i}`);
      field += c;
      i += 1;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last record lacks its CRLF');
  return rows;
}

function quotedEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i += 1) {
    if (text[i] !== '"') continue;
    if (text[i + 1] === '"') i += 1;
    else return i;
  }
  throw new Error(`unterminated quote from ${open}`);
}

function parseReport(csv: string): Array<Record<string, string>> {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(csv.slice(1));
  return rows.map((row) => {
    expect(row).toHaveLength(header?.length ?? -1);
    return Object.fromEntries((header ?? []).map((name, i) => [name, row[i] ?? '']));
  });
}

describe('csvCell', () => {
  it.each<[string, string]>([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['lf\nonly', '"lf\nonly"'],
    ['=1+1', "'=1+1"],
    ['+49 30 1234', "'+49 30 1234"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['a=b', 'a=b'],
    ['', ''],
  ])('writes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('renderCsv', () => {
  it('writes a BOM, a header and one CRLF row per finding', () => {
    const csv = renderCsv(buildReport({ findings: fleet() }, NOW));

    const rows = parseReport(csv);
    expect(rows).toHaveLength(15);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'resourceId', 'subscriptionId', 'subscriptionName', 'resourceGroup', 'site', 'slot', 'kind', 'appKind', 'status', 'reasons', 'clientCertEnabled',
      'clientCertMode', 'portalMode', 'exclusionPaths', 'driftAgeHours', 'lastCaller', 'lastEvaluatedAt', 'runState',
    ]);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('fills the columns from the finding and what the report derives', () => {
    const rows = parseReport(renderCsv(buildReport({ findings: fleet() }, NOW)));

    const api = rows.find((r) => r.site === 'api' && r.slot === '');
    const orders = rows.find((r) => r.site === 'orders' && r.slot === '');
    const hobby = rows.find((r) => r.site === 'hobby');
    expect(api).toMatchObject({ status: 'noncompliant', reasons: 'client-cert-disabled', clientCertEnabled: 'false', clientCertMode: 'Required', portalMode: 'Ignore', driftAgeHours: '77', lastCaller: 'alice@contoso.com', runState: 'unknown' });
    expect(orders).toMatchObject({ kind: 'functionapp', appKind: 'function app', exclusionPaths: '/health;/public', lastCaller: 'app id app-pipeline' });
    expect(hobby).toMatchObject({ reasons: 'unsupported-plan;client-cert-disabled', driftAgeHours: '' });
  });

  it("gives each row its subscription's display name, empty where none was recorded", () => {
    const rows = parseReport(renderCsv(buildReport({ findings: fleet(), run: NAMED_RUN, subscriptionNames: EARLIER_NAMES }, NOW)));

    const names = (sub: string) => new Set(rows.filter((r) => r.subscriptionId === sub).map((r) => r.subscriptionName));
    expect(names(SUB_A)).toEqual(new Set([NAME_A]));
    expect(names(SUB_B)).toEqual(new Set([NAME_B]));
    expect(names(SUB_C)).toEqual(new Set(['']));
  });

  it('round-trips commas, quotes, newlines and unicode, and defuses formula cells', () => {
    const nasty = 'we,ird "name"\r\nline two\nünïcødé 🚀';
    const findings = [
      finding(SUB_A, '+rg', nasty, { kind: '@kind', slot: '-slot', status: 'noncompliant', reasons: ['exclusion-paths'],
        clientCertExclusionPaths: '=cmd|"/c calc"!A0', lastCaller: { name: '=HYPERLINK("http://evil.example","x")' } }),
      finding(SUB_A, '\rrg', '\tTab'),
    ];

    const rows = parseReport(renderCsv(buildReport({ findings }, NOW)));

    const [first, second] = rows.sort((a, b) => (a.site ?? '').localeCompare(b.site ?? ''));
    expect(first).toMatchObject({ site: "'\tTab", resourceGroup: "'\rrg" });
    expect(second).toMatchObject({
      site: nasty, resourceGroup: "'+rg", slot: "'-slot", kind: "'@kind",
      exclusionPaths: "'=cmd|\"/c calc\"!A0", lastCaller: `'=HYPERLINK("http://evil.example","x")`,
    });
    expect(second?.resourceId).toContain(nasty);
  });

  it('marks every row of an incomplete run', () => {
    const run = { id: 'r', startedAt: '2026-10-02T02:00:00Z', status: 'incomplete' as const, subscriptions: [] };

    const rows = parseReport(renderCsv(buildReport({ findings: fleet(), run }, NOW)));

    expect(new Set(rows.map((r) => r.runState))).toEqual(new Set(['incomplete']));
  });

  it('writes only the header for an empty fleet', () => {
    expect(renderCsv(buildReport({ findings: [] }, NOW)).split('\r\n')).toHaveLength(2);
  });
});
