/**
 * Vitest configuration of the mutation run (stryker.config.mjs): the fast, direct unit tests of
 * the core. Left out: suites that start browsers, worker processes or VS Code (they never run
 * mutated code in-process) and the tests that build Xception, profile it or read real model files
 * (seconds per run: rerun for every mutant they cover, they would make a run of the core take hours
 * on 2 shared cores). `npm test` still runs them all; the mutation score is a lower bound.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // Replaces (mergeConfig would append to) the base config's list of test files.
    include: [
      'test/analysis/**/*.test.ts',
      'test/profiler/{stats,attach,engineComparison}.test.ts',
      'test/report/{format,guards,layerIndex,defaults,layerCard,views,messages}.test.ts',
      'test/importers/{topology,modelFileErrors,validPadding,shapes,badInput,kerasJson,build}.test.ts',
      'test/exporters/{csv,trace,markdown,formats}.test.ts',
    ],
    // Instrumented code on a shared 2-core machine runs several times slower.
    testTimeout: 300_000,
  },
});
