/**
 * Mocha entry point of the integration suite, run inside a VS Code extension host.
 *
 * Two ways in, one suite:
 * - `run()`: @vscode/test-electron's `extensionTestsPath` contract (desktop VS Code launched by
 *   runTest.ts); rejects when a test fails.
 * - `runInHost(resultsFile)`: called by the extension itself (src/extension/main.ts) when it was
 *   started in development mode with `XCEPTION_PROFILER_TEST_RESULTS` set, e.g. inside code-server
 *   by the e2e run, where no test runner can inject `extensionTestsPath`.
 * Both write the results as JSON when a results file is named (see `SuiteResults`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

// mocha 12's package entry is ESM; its CommonJS build is the same API, loadable with require().
const Mocha: typeof import('mocha') = require('mocha/lib/mocha.cjs');

/** One test's outcome. */
export interface TestOutcome {
  /** Full title: suite title and test title. */
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  /** The assertion or error message, for failures. */
  error?: string;
}

/** What the suite writes to the results file (counted by .ci/run as `passed` / `failed` / `skipped`). */
export interface SuiteResults {
  passed: number;
  failed: number;
  /** Tests not run: pending mocha tests, or the whole suite (1) when the runner skipped it. */
  skipped: number;
  /** Why the runner skipped the whole suite, when it did. */
  skipReason?: string;
  durationMs: number;
  /** Where it ran: `vscode.env.appName` (e.g. `Visual Studio Code`, `code-server`) and version. */
  host: string;
  tests: TestOutcome[];
}

/** Environment variable naming the JSON results file. */
export const RESULTS_ENV = 'XCEPTION_PROFILER_TEST_RESULTS';

/** Runs every compiled `*.test.js` next to this bundle, in name order; never rejects. */
export async function runSuite(): Promise<SuiteResults> {
  const mocha = new Mocha({ ui: 'tdd', color: true, timeout: 120_000, reporter: 'spec' });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const tests: TestOutcome[] = [];
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('fail', (t, err: Error) =>
      tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: err?.message ?? String(err) }),
    );
    runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'skipped', durationMs: 0 }));
  });
  if (files.length === 0) tests.push({ title: 'integration suite', state: 'failed', durationMs: 0, error: `no *.test.js files in ${__dirname}` });
  return {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    skipped: tests.filter((t) => t.state === 'skipped').length,
    durationMs: Date.now() - t0,
    host: `${vscode.env.appName} ${vscode.version}`,
    tests,
  };
}

/** Writes `results` atomically (readers poll for the file). */
export function writeResults(file: string, results: SuiteResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

/** @vscode/test-electron entry point: rejects with the number of failures. */
export async function run(): Promise<void> {
  const results = await runSuite();
  const file = process.env[RESULTS_ENV];
  if (file) writeResults(file, results);
  if (results.failed > 0) throw new Error(`${results.failed} of ${results.passed + results.failed} integration tests failed`);
}

/** In-host entry point (development-mode hook): runs the suite and writes `resultsFile`; never throws. */
export async function runInHost(resultsFile: string): Promise<void> {
  try {
    writeResults(resultsFile, await runSuite());
  } catch (error) {
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    writeResults(resultsFile, { passed: 0, failed: 1, skipped: 0, durationMs: 0, host: `${vscode.env.appName} ${vscode.version}`, tests: [{ title: 'integration suite', state: 'failed', durationMs: 0, error: message }] });
  }
}
