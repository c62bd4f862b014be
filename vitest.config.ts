import { defineConfig } from 'vitest/config';

/**
 * Unit tests: no Azurite, no ARM emulator, no child process, so they need no global setup.
 * A test is one when it lives in a folder of pure code's tests, or is named `*.unit.test.ts`
 * (anywhere, e.g. test/enforcer/recordEvaluation.unit.test.ts beside the emulator-backed tests).
 */
export const UNIT_FOLDERS = ['policy', 'events', 'report', 'rollout'];
const UNIT = [`test/{${UNIT_FOLDERS.join(',')}}/**/*.test.ts`, 'test/**/*.unit.test.ts'];

export default defineConfig({
  test: {
    // Both projects inherit these (extends: true); reporters are the run's, so the summary
    // reporter prints one closing line for the whole run.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      {
        extends: true,
        // No I/O to isolate from: one module graph per worker (threads start faster than forks).
        test: { name: 'unit', include: UNIT, pool: 'threads', isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          globalSetup: ['./test/support/globalSetup.ts'],
        },
      },
    ],
  },
});
