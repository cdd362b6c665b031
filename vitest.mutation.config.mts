/**
 * Vitest configuration of the mutation run (stryker.config.mjs): the unit tests of the core
 * (src/analysis, importers, profiler, exporters, report) and the model, without the suites that
 * start browsers, worker processes or VS Code, which never run mutated code in-process.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

export default defineConfig({
  ...base,
  // Replaces (mergeConfig would append to) the base config's list of test files.
  test: {
    ...base.test,
    include: ['test/{analysis,importers,profiler,exporters,report,model}/**/*.test.ts'],
    // Instrumented code on a shared 2-core machine: the profiling tests take several times longer.
    testTimeout: 300_000,
  },
});
