import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { checkEntity, fitTexts, MAX_STRING_CHARS, truncateText } from '../../src/store/entityLimits.js';

describe('entityLimits', () => {
  it('leaves text within the limit untouched', () => {
    // Prepare / Act / Assess
    expect(truncateText('short', 10)).toBe('short');
  });

  it('cuts long text to the limit and marks it', () => {
    // Prepare / Act
    const cut = truncateText('a'.repeat(100), 40);

    // Assess
    expect(cut).toHaveLength(40);
    expect(cut.endsWith('…[truncated]')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    // Prepare
    const emoji = '\u{1F600}'.repeat(100);

    // Act
    const cuts = [30, 31, 32, 33].map((max) => truncateText(emoji, max));

    // Assess
    for (const cut of cuts) expect(cut).toMatch(/^(\u{1F600})*…\[truncated\]$/u);
  });

  it('fits a JSON of texts by truncating only the long ones', () => {
    // Prepare
    const texts = ['keep', 'z'.repeat(50_000), 'also kept'];

    // Act
    const json = fitTexts(texts, (t) => JSON.stringify(t), 'advice');

    // Assess
    const parsed = JSON.parse(json) as string[];
    expect(json.length).toBeLessThanOrEqual(MAX_STRING_CHARS);
    expect(json.length).toBeGreaterThan(MAX_STRING_CHARS - 20);
    expect(parsed[0]).toBe('keep');
    expect(parsed[2]).toBe('also kept');
  });

  it('accounts for JSON escaping when fitting', () => {
    // Prepare: each control character is six characters once escaped
    const texts = ['\u0001'.repeat(20_000)];

    // Act
    const json = fitTexts(texts, (t) => JSON.stringify(t), 'advice');

    // Assess
    expect(json.length).toBeLessThanOrEqual(MAX_STRING_CHARS);
    expect(JSON.parse(json)).toEqual([expect.stringMatching(/^\u0001+…\[truncated\]$/)]);
  });

  it('rejects more properties than an entity may hold', () => {
    // Prepare
    const properties = Object.fromEntries(Array.from({ length: 253 }, (_, i) => [`p${i}`, true]));

    // Act / Assess
    expect(() => checkEntity('T', 'pk', 'rk', properties)).toThrow(InvalidInputError);
  });

  it('rejects an entity larger than 1 MiB', () => {
    // Prepare
    const properties = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, 'x'.repeat(30_000)]));

    // Act / Assess
    expect(() => checkEntity('T', 'pk', 'rk', properties)).toThrow(/1048576/);
  });

  it('rejects a string property beyond 32K characters', () => {
    // Prepare / Act / Assess
    expect(() => checkEntity('T', 'pk', 'rk', { s: 'x'.repeat(MAX_STRING_CHARS + 1) })).toThrow(InvalidInputError);
  });
});
