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
      history: 'dev1FindingHistory',
      processedEvents: 'dev1ProcessedEvents',
      exemptions: 'dev1Exemptions',
    });
  });

  it('uses the plain names without a prefix', () => {
    // Prepare / Act / Assess
    expect(tableNames().findings).toBe('Findings');
  });

  it.each(['1abc', 'has-dash', 'under_score', 'x'.repeat(50)])('rejects the prefix %j', (prefix) => {
    // Prepare / Act / Assess
    expect(() => tableNames(prefix)).toThrow(InvalidInputError);
  });
});
