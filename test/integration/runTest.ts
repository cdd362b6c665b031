/**
 * Launches desktop VS Code with the extension in development mode and the mocha suite of
 * ./suite as `extensionTestsPath` (@vscode/test-electron). Which VS Code:
 * - `VSCODE_EXECUTABLE_PATH`, when set (an error if it does not exist);
 * - else the latest stable, downloaded (and cached in .vscode-test/) where the download site answers;
 * - else it prints one line saying why it skipped, records the skip (`skipped: 1`, `skipReason`) in
 *   its results file so that .ci/run counts it as skipped, not passed, and exits 0. The same suite
 *   still runs inside code-server in `npm run test:e2e` (the extension's development-mode hook).
 * Writes test-results/integration.json ({ passed, failed, skipped, tests }). Exit code 1 when a test fails.
 *
 * Run: `npm run test:integration` (builds with test/integration/build.mjs first).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { SuiteResults } from './suite/index';

const repo = path.resolve(__dirname, '..', '..');
const resultsFile = path.join(repo, 'test-results', 'integration.json');
const DOWNLOAD_PROBE = 'https://update.code.visualstudio.com/api/releases/stable';

function skip(reason: string): never {
  const results: SuiteResults = { passed: 0, failed: 0, skipped: 1, skipReason: reason, durationMs: 0, host: 'none', tests: [] };
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  console.log(`[integration] skipped: ${reason}; the same suite runs inside code-server in npm run test:e2e`);
  process.exit(0);
}

/** Undefined when the VS Code download site answers within `ms`, else why not. */
async function downloadBlocked(ms: number): Promise<string | undefined> {
  try {
    const response = await fetch(DOWNLOAD_PROBE, { signal: AbortSignal.timeout(ms) });
    return response.ok ? undefined : `${DOWNLOAD_PROBE} answered HTTP ${response.status}`;
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return `${new URL(DOWNLOAD_PROBE).host} is unreachable (${e.cause?.code ?? e.name})`;
  }
}

/** Electron needs a display on Linux: re-runs this script under xvfb-run when there is none. */
function ensureDisplay(): void {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return;
  const xvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).stdout.trim();
  if (!xvfb) skip('no display (DISPLAY is unset) and no xvfb-run to provide one (apt-get install xvfb)');
  // xvfb-run sets DISPLAY for the child, so the child does not come back here.
  const child = spawnSync(xvfb, ['-a', process.execPath, __filename], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

async function main(): Promise<void> {
  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  if (executable) {
    if (!fs.existsSync(executable)) throw new Error(`VSCODE_EXECUTABLE_PATH=${executable} does not exist`);
  } else {
    const blocked = await downloadBlocked(5_000);
    if (blocked) skip(`no VS Code: VSCODE_EXECUTABLE_PATH is not set and ${blocked}`);
  }
  ensureDisplay();
  if (!fs.existsSync(path.join(repo, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');

  // A scratch copy of the fixture workspace: the settings test writes .vscode/settings.json.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-integration-'));
  fs.cpSync(path.join(repo, 'test', 'integration', 'fixtures', 'workspace'), workspace, { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  try {
    await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : { version: 'stable' }),
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { XCEPTION_PROFILER_TEST_RESULTS: resultsFile },
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
  console.log(`[integration] ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped (${path.relative(repo, resultsFile)})`);
}

main().catch((error: unknown) => {
  console.error(`[integration] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
