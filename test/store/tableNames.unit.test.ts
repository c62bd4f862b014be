import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { tableNames } from '../../src/store/tableNames.js';

describe('tableNames', () => {
  it('prefixes every table', () => {
    // Prepare / Act
    const names = tableNames('dev1');

    // Assess
    expect(names).toEqual({
      findings: 'dev1Findings',
      processedEvents: 'dev1ProcessedEvents',
      exemptions: 'dev1Exemptions',
      exemptionHistory: 'dev1ExemptionHistory',
      settings: 'dev1Settings',
      settingsHistory: 'dev1SettingsHistory',
      leases: 'dev1Leases',
      sweeps: 'dev1Sweeps',
      rollouts: 'dev1Rollouts',
    });
  });

  it('uses the plain names without a prefix', () => {
    // Prepare / Act / Assess
    expect(tableNames().findings).toBe('Findings');
  });

  it('accepts the longest prefix every table name still fits', () => {
    // Prepare / Act / Assess: ExemptionHistory is the longest suffix (16 of 63 characters)
    expect(tableNames('x'.repeat(47)).exemptionHistory).toHaveLength(63);
    expect(() => tableNames('x'.repeat(48))).toThrow(InvalidInputError);
  });

  it.each(['1abc', 'has-dash', 'under_score', 'x'.repeat(50)])('rejects the prefix %j', (prefix) => {
    // Prepare / Act / Assess
    expect(() => tableNames(prefix)).toThrow(InvalidInputError);
  });
});
