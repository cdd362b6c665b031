/**
 * Vitest configuration of the mutation run (stryker.config.mjs): the tests of the core, run in one
 * kept worker thread (scripts/mutation/keptThreadPool.mjs). Left out: suites that start browsers,
 * worker processes or VS Code (they never run mutated code in-process), the benchmark, the ONNX
 * export (a minute and more per run) and the twin comparison (SLOW_TESTS). `npm test` still runs
 * them all; the mutation score is a lower bound.
 */
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.mts';
import { endKeptThread, endThreadAfterRunsOf, keptThreadPool } from './scripts/mutation/keptThreadPool.mjs';

/**
 * Direct unit tests of the core (they import only the module they test, not the model-file
 * importer or TF.js): run first, in this order.
 */
const DIRECT_FIRST = [
  'test/analysis/layers/registryCalls.test.ts',
  'test/analysis/groupingXception.test.ts',
  'test/analysis/groupingNames.test.ts',
  'test/analysis/grouping.test.ts',
  'test/profiler/stats.test.ts',
  'test/report/format.test.ts',
  'test/report/guards.test.ts',
  'test/report/layerIndex.test.ts',
  'test/importers/topology.test.ts',
  'test/exporters/tinyExports.test.ts',
  'test/exporters/sweepAndEnginesCsv.test.ts',
  'test/exporters/html.test.ts',
];

/**
 * Runs the direct unit tests first, then the others quickest first. Stryker stops a mutant's run at
 * its first failing test, and most of a run's time is importing test files: vitest's default order
 * (slowest first) would import the heaviest files before the small direct tests that kill most
 * mutants. Same tests, same verdicts.
 */
class DirectFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const cost = (f: TestSpecification): number => {
      const path = relative(root, f.moduleId);
      const rank = DIRECT_FIRST.indexOf(path);
      if (rank >= 0) return rank - DIRECT_FIRST.length;
      // Duration of the file's last run in this process (the dry run times every file); unknown last.
      return this.ctx.cache.getFileTestResults(`${f.project.name}:${path}`)?.duration ?? Infinity;
    };
    return Promise.resolve([...files].sort((a, b) => cost(a) - cost(b)));
  }
}

/**
 * The tests of the core (and of the built-in Xception, which the analysis is checked against).
 * With the kept worker thread a file costs its tests' run time, not its imports, so the suites
 * that profile small models or read real model files fit too.
 */
const CORE_TESTS = [
  'test/analysis/**/*.test.ts',
  'test/profiler/**/*.test.ts',
  'test/report/**/*.test.ts',
  'test/importers/**/*.test.ts',
  'test/exporters/**/*.test.ts',
  'test/model/**/*.test.ts',
  // The views of the extension (vscode stand-in): they print the report's view-model.
  'test/extension/{views,hover,tree,statusBar,hints,exportCommand,staticReport,profilingState}.test.ts',
];

/**
 * Left out: the twin comparison profiles two Xceptions (17 s a run here), and every mutant of the
 * analysis it covers would wait for it; compareTwin.test.ts covers compare.ts with hand-made reports.
 */
const SLOW_TESTS = ['test/profiler/compare.test.ts'];

/**
 * Suites of a second or more per run (they build Xception, profile it, or read real model files).
 * A surviving mutant runs every test that covers it, and these cover most of the analysis: with
 * them, a survivor in analyze.ts cost minutes here. Left out by default (README, "Mutation
 * testing": the score is then a lower bound of what `npm test` catches); the profiler's files have
 * direct tests on tiny models beside them (profile, sweep, roofs, correctness). MUTATION_TESTS=all
 * keeps them.
 */
const HEAVY_TESTS = [
  'test/profiler/{profileXception,sweepXception,roofsProbes,correctnessXception}.test.ts',
  'test/importers/{kerasH5,tfjsModelJson,kerasZip}.test.ts',
  'test/model/**/*.test.ts',
];

/**
 * Test files that read HDF5 (h5wasm): each of their runs gets a new worker thread. h5wasm's WASM
 * heap and HDF5's caches outlive a run in the kept thread, and a mutant of src/importers/h5*.ts
 * that writes past a buffer corrupts them: every later run then failed in its beforeAll ("memory
 * access out of bounds"), its tests were skipped, and Stryker counted the mutants as survived with
 * no test run (testsCompleted 0). Even unmutated, a second run of h5Errors.test.ts in one thread
 * fails (its damaged-values file reads differently). Costs a re-import of the core per such run.
 */
const FRESH_THREAD_TESTS = [
  'test/importers/h5Errors.test.ts',
  'test/importers/kerasH5.test.ts',
  'test/importers/kerasZip.test.ts',
  'test/importers/faithful.test.ts',
  'test/analysis/cases.test.ts',
];
endThreadAfterRunsOf((file) => FRESH_THREAD_TESTS.some((test) => file.endsWith(`/${test}`)));

/**
 * The test set, from MUTATION_TESTS:
 * - unset (`npm run test:mutation`): CORE_TESTS without SLOW_TESTS and HEAVY_TESTS, to keep a
 *   whole-core run short (README, "Mutation testing", gives a measured one);
 * - `all`: CORE_TESTS with HEAVY_TESTS (without SLOW_TESTS); `fast`: the same as unset (older name);
 * - `direct`: the direct unit tests alone (DIRECT_FIRST), for a run on a starved machine: each
 *   mutant's run then imports a few small modules instead of the model-file importer and TF.js;
 * - `'<glob> <glob> ...'`: these test files instead (globs ending in `.test.ts`), for a run scoped
 *   to some files with the tests that reach them quickly (README, "Mutation testing").
 * Other unit tests cover the same code too, so a score measured with fewer tests is a lower bound.
 */
const mode = process.env.MUTATION_TESTS?.trim() ?? '';
const scoped = mode.includes('.test.ts') ? mode.split(/\s+/) : undefined;
const include = mode === 'direct' ? DIRECT_FIRST : (scoped ?? CORE_TESTS);
const exclude = [...SLOW_TESTS, ...(mode === 'all' || scoped ? [] : HEAVY_TESTS)];

export default defineConfig({
  ...base,
  plugins: [
    {
      name: 'mutation-kept-thread-pool',
      // Stryker's runner asks for the `threads` pool (a command-line option, above any config
      // file): swap in the kept thread once the projects are resolved.
      configureVitest({ project, vitest }) {
        if (process.env.MUTATION_POOL === 'threads') return;
        project.config.pool = keptThreadPool.name;
        project.config.poolRunner = keptThreadPool;
        vitest.onClose(endKeptThread);
      },
    },
  ],
  test: {
    ...base.test,
    // Replaces (mergeConfig would append to) the base config's list of test files.
    include,
    exclude: [...(base.test?.exclude ?? []), ...exclude],
    sequence: { sequencer: DirectFirst },
    // Modules stay evaluated across test files and runs (keptThreadPool.mjs); test files are
    // evaluated again on every run.
    isolate: process.env.MUTATION_POOL === 'threads' ? true : false,
    setupFiles: ['scripts/mutation/resetActiveMutant.mjs'],
    // Instrumented code on a shared 2-core machine runs several times slower.
    testTimeout: 300_000,
  },
});
