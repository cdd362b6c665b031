/**
 * Vitest configuration of the mutation run (stryker.config.mjs): the fast, direct unit tests of
 * the core. Left out: suites that start browsers, worker processes or VS Code (they never run
 * mutated code in-process) and the tests that build Xception, profile it or read real model files
 * (seconds per run: rerun for every mutant they cover, they would make a run of the core take hours
 * on 2 shared cores). `npm test` still runs them all; the mutation score is a lower bound.
 */
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.mts';

/**
 * Runs the quickest test files first. Stryker stops a mutant's run at its first failing test, and
 * most of a run's time is importing test files: vitest's default order (slowest first) would import
 * the heaviest files before the small direct tests that kill most mutants. Same tests, same verdicts.
 */
class QuickestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Duration of the file's last run in this process (the dry run times every file); unknown last.
    const cost = (f: TestSpecification): number => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`)?.duration ?? Infinity;
    return Promise.resolve([...files].sort((a, b) => cost(a) - cost(b)));
  }
}

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
    sequence: { sequencer: QuickestFirst },
    // Instrumented code on a shared 2-core machine runs several times slower.
    testTimeout: 300_000,
  },
});
