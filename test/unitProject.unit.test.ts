import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UNIT_FOLDERS } from '../vitest.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Test files of the `unit` project, by the rule vitest.config.ts gives it (folder or name). */
function unitTests(): string[] {
  const all = (readdirSync(join(root, 'test'), { recursive: true }) as string[]).map((p) => `test/${p.split(sep).join('/')}`);
  return all.filter((p) => p.endsWith('.unit.test.ts') || (p.endsWith('.test.ts') && UNIT_FOLDERS.some((f) => p.startsWith(`test/${f}/`))));
}

/** What only the integration project may use: Azurite, the ARM emulator, child processes, the whole stack. */
const INTEGRATION_ONLY = [/useAzurite\(/, /inject\('azurite'\)/, /startAzurite/, /startEmulator/, /node:child_process/, /support\/stack/, /childCli/, /tools\/arm-emulator/];

describe('the unit project', () => {
  it('holds the pure folders and the *.unit.test.ts files, none of which starts Azurite, the emulator or a process', () => {
    const files = unitTests();
    const offenders = files.filter((file) => file !== 'test/unitProject.unit.test.ts').flatMap((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return INTEGRATION_ONLY.filter((marker) => marker.test(text)).map((marker) => `${file}: ${marker.source}`);
    });

    expect(files).toContain('test/enforcer/sweepSubscription.unit.test.ts');
    expect(files).toContain('test/policy/evaluate.test.ts');
    expect(offenders).toEqual([]);
  });
});
