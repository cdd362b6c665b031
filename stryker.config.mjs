// Mutation testing of the core with StrykerJS (npm run test:mutation): see README, Development.
// Incremental: test-results/mutation/incremental.json keeps the results of the last run, so a
// rerun only tests mutants in code or tests that changed. Scope a run with --mutate, e.g.
//   npm run test:mutation -- --mutate 'src/profiler/**/*.ts'
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/analysis/**/*.ts',
    'src/importers/**/*.ts',
    'src/profiler/**/*.ts',
    'src/exporters/**/*.ts',
    'src/report/**/*.ts',
    // Types only: nothing to mutate.
    '!src/report/schema.ts',
    '!src/importers/types.ts',
  ],
  coverageAnalysis: 'perTest',
  // Mutants in module-level constants would need every test for each of them: left out (reported as ignored).
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'test-results/mutation/incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'test-results/mutation/mutation.html' },
  jsonReporter: { fileName: 'test-results/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // 2 cores shared with other work: at most 2 test runners at once.
  concurrency: 2,
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 30,
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
