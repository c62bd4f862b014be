import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/index.js';
import { finding, fleet, NOW, previousFleet, SUB_A } from './fleet.js';

describe('changesSince (through buildReport)', () => {
  it('lists as new what fails now and did not then, and as fixed the reverse', () => {
    const report = buildReport({ findings: fleet(), previous: previousFleet() }, NOW);

    expect(report.changes?.new.map((c) => [c.site, c.slot, c.before, c.now])).toEqual([
      ['api', 'staging', 'compliant', 'noncompliant'],
      ['orders', undefined, 'absent', 'noncompliant'],
      ['portal', undefined, 'absent', 'noncompliant'],
    ]);
    expect(report.changes?.fixed.map((c) => [c.site, c.slot, c.before, c.now])).toEqual([
      ['shop', undefined, 'noncompliant', 'compliant'],
      ['gone', undefined, 'noncompliant', 'deleted'],
      ['retired', undefined, 'noncompliant', 'absent'],
    ]);
  });

  it('keeps the failing reasons: current for a new failure, former for a fix', () => {
    const report = buildReport({ findings: fleet(), previous: previousFleet() }, NOW);

    expect(report.changes?.new.find((c) => c.slot === 'staging')?.reasons.map((r) => r.code)).toEqual(['mode-not-required']);
    expect(report.changes?.fixed.find((c) => c.site === 'gone')?.reasons.map((r) => r.code)).toEqual(['mode-not-required']);
  });

  it.each([
    ['flapping then, noncompliant now', 'flapping', 'noncompliant'],
    ['noncompliant then, flapping now', 'noncompliant', 'flapping'],
    ['noncompliant then and now, id in another case', 'noncompliant', 'noncompliant'],
  ] as const)('counts %s as neither new nor fixed', (_name, before, now) => {
    const then = finding(SUB_A, 'rg', 'app', { status: before, reasons: ['client-cert-disabled'] });
    const current = finding(SUB_A, 'RG', 'APP', { status: now, reasons: ['client-cert-disabled'] });

    const report = buildReport({ findings: [current], previous: [then] }, NOW);

    expect(report.changes).toEqual({ new: [], fixed: [] });
  });

  it('treats an empty previous sweep as a real comparison: every failure is new', () => {
    const report = buildReport({ findings: fleet(), previous: [] }, NOW);

    expect(report.changes?.new).toHaveLength(6);
    expect(report.changes?.fixed).toEqual([]);
  });
});
