/**
 * The layering of the product (README "Architecture"), checked by `npm run lint` and CI.
 * Data flows one way: trigger -> events -> enforcer -> (azure, store); policy and model depend on nothing of ours.
 */
const FOLDERS_OF_OURS = '^(src|functions|tools)/';
module.exports = {
  forbidden: [
    {
      name: 'policy-is-pure',
      comment: 'src/policy is pure evaluation: it imports nothing of ours outside itself.',
      severity: 'error',
      from: { path: '^src/policy/' },
      to: { path: FOLDERS_OF_OURS, pathNot: '^src/policy/' },
    },
    {
      name: 'rollout-planning-is-pure',
      comment: 'src/rollout plans waves from findings it is given: pure, like src/policy (it may name the shared error types).',
      severity: 'error',
      from: { path: '^src/rollout/' },
      to: { path: FOLDERS_OF_OURS, pathNot: ['^src/(rollout|policy)/', '^src/errors\\.ts$'] },
    },
    {
      name: 'model-depends-on-pure-code-only',
      comment: 'src/model (domain types and the ports the enforcer needs) may use the pure policy and rollout types, nothing else of ours.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: FOLDERS_OF_OURS, pathNot: '^src/(model|policy|rollout)/' },
    },
    {
      name: 'adapters-never-import-use-cases',
      comment: 'src/store and src/azure implement ports of src/model (using the pure policy and rollout types); they never reach the use cases or what calls them.',
      severity: 'error',
      from: { path: '^src/(store|azure)/' },
      to: { path: '^src/(enforcer|report|triggers|api|cli|host|events)/' },
    },
    {
      name: 'use-cases-never-import-adapters',
      comment: 'src/enforcer works through ports (src/model); the adapters are wired in src/triggers and src/cli.',
      severity: 'error',
      from: { path: '^src/enforcer/' },
      to: { path: '^src/(store|azure|triggers|api|cli|host)/' },
    },
    {
      name: 'functions-only-triggers',
      comment: 'functions/ is a thin registration layer: it reaches the product through src/triggers alone.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^src/', pathNot: '^src/triggers/index\\.ts$' },
    },
    {
      name: 'product-never-imports-dev-tools',
      comment: 'The ARM emulator and local mode (tools/) are a development package: the product never imports them.',
      severity: 'error',
      from: { path: '^(src|functions)/' },
      to: { path: '^tools/' },
    },
    {
      name: 'no-deep-imports',
      comment: "Another folder of src is reached through its index.ts only (what it exports is what other layers may use); tools/ has its own, stricter rule below.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'tools-reach-the-product-through-indexes',
      comment: 'The development package uses the product through folder indexes, like any other client.',
      severity: 'error',
      from: { path: '^tools/' },
      to: { path: '^src/[^/]+/.+', pathNot: '^src/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
