import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config/index.js';
import { settingsSchema } from '../../src/config/schema.js';

const sample = JSON.parse(readFileSync(new URL('../../local.settings.sample.json', import.meta.url), 'utf8')) as {
  Values: Record<string, string>;
  Meanings: Record<string, string>;
};

describe('local.settings.sample.json', () => {
  it('lists every setting the config schema reads, with a meaning', () => {
    const read = Object.keys(settingsSchema.shape);

    for (const name of read) {
      expect(sample.Values, name).toHaveProperty(name);
      expect(sample.Meanings[name], name).toMatch(/\w{3,}/);
    }
    expect(SETTINGS.map((s) => s.name).sort()).toEqual([...read].sort());
  });

  it('holds only safe placeholders that pass validation', () => {
    const parsed = settingsSchema.safeParse(sample.Values);

    expect(parsed.success).toBe(true);
  });
});

describe('README configuration table', () => {
  it('documents every setting', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

    for (const s of SETTINGS) expect(readme, s.name).toContain(`\`${s.name}\``);
  });
});
