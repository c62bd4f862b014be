import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

// The layering rules `npm run lint` enforces (.dependency-cruiser.cjs), tested on a tree that breaks them and on the product.
const rules = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as IConfiguration;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/layering/', import.meta.url));

async function violations(baseDir: string, paths: string[]): Promise<string[]> {
  const { tsConfig: _product, ...options } = rules.options ?? {};
  const result = await cruise(paths, { ...options, baseDir, ruleSet: { forbidden: rules.forbidden }, validate: true });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('layering rules', () => {
  it('names every wrong-way import of a tree that breaks them', async () => {
    expect(await violations(FIXTURE, ['src', 'functions'])).toEqual([
      'adapters-never-import-use-cases: src/store/index.ts -> src/enforcer/index.ts',
      'functions-only-triggers: functions/handler.ts -> src/enforcer/index.ts',
      'no-deep-imports: src/triggers/index.ts -> src/enforcer/useCase.ts',
      'policy-is-pure: src/policy/importsStore.ts -> src/store/index.ts',
      'rollout-planning-is-pure: src/rollout/index.ts -> src/store/index.ts',
    ]);
  });

  it('finds none in the product', async () => {
    expect(await violations(ROOT, ['src', 'functions', 'tools/arm-emulator/src'])).toEqual([]);
  }, 60_000);
});
