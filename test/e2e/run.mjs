#!/usr/bin/env node
// End-to-end test in a real VS Code (code-server 1.139, Node extension host) driven by a real
// browser (Debian's Chromium through playwright-core), with the vscode-e2e tool
// ($VSCODE_E2E_DIR, default ../shared/tools/vscode-e2e from the repository root, or from the
// repository it was cloned from):
//
//   1. installs the tool (cached in $VSCODE_E2E_HOME: ~0 s warm, ~2 min cold), packages the
//      extension with vsce (the universal .vsix: npm run package -- --universal-only) and compiles the integration suite;
//   2. starts code-server with the .vsix installed (input size 71 through --settings), opens a
//      scratch copy of test/integration/fixtures/workspace and checks what a user sees
//      (test/e2e/checks.mjs), with screenshots in test-results/e2e/;
//   3. starts a second code-server with the repository loaded in extension-development mode and
//      XCEPTION_PROFILER_TEST_RESULTS set, so that the extension runs the integration suite in its
//      own extension host (src/extension/main.ts) and writes test-results/integration-code-server.json.
//
// Writes test-results/e2e.json ({ passed, failed, skipped, checks }: `skipped` counts the phases that
// did not run because their set-up failed; .ci/run counts them as skipped, never as passed); exit
// code 1 when a check or an integration test failed. Stops only the servers it started (server.sh stop --port P).
//
//   npm run test:e2e          (env: VSCODE_E2E_DIR, VSCODE_E2E_HOME, VSCODE_E2E_PORT)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkGraphModelFile, checkModelFiles, checkPackagedExtension, checkSecondWindowFirstPicture, MODEL_FILES } from './checks.mjs';
import { CodeServer, findE2eTool, freePort, runTool } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const e2eDir = findE2eTool(root);
const home = process.env.VSCODE_E2E_HOME ?? '/tmp/vscode-e2e';
const results = path.join(root, 'test-results');
const shots = path.join(results, 'e2e');
const resultsFile = path.join(results, 'e2e.json');
const integrationFile = path.join(results, 'integration-code-server.json');
const fixture = path.join(root, 'test', 'integration', 'fixtures', 'workspace');
// Small and quick: the checks assert the values of this size (see checks.mjs).
const SETTINGS = { 'xceptionProfiler.inputSize': 71, 'xceptionProfiler.warmupRuns': 1, 'xceptionProfiler.timedRuns': 3 };

/** @type {{ name: string, ok: boolean, ms: number, detail?: string, error?: string }[]} */
const checks = [];
const servers = [];
const scratch = [];

/**
 * Checks not yet seen passing in code-server here: they run with E2E_ALL=1; otherwise they are
 * recorded and counted as skipped, never as passed. Empty: every check has passed here.
 */
const UNVERIFIED = [];

/** Runs one check, records and prints its outcome; returns whether it passed. Never throws. */
async function check(name, fn) {
  if (!process.env.E2E_ALL && UNVERIFIED.some((re) => re.test(name))) {
    checks.push({ name, ok: false, skipped: true, error: 'not yet verified in code-server: run with E2E_ALL=1' });
    console.log(`  skip ${name}: not yet verified in code-server (run with E2E_ALL=1)`);
    return false;
  }
  const t0 = Date.now();
  try {
    const detail = (await fn()) || undefined;
    checks.push({ name, ok: true, ms: Date.now() - t0, detail });
    console.log(`  ok   ${name} (${Date.now() - t0} ms)${detail ? ` - ${detail}` : ''}`);
    return true;
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    checks.push({ name, ok: false, ms: Date.now() - t0, error });
    console.log(`  FAIL ${name} (${Date.now() - t0} ms): ${error}`);
    return false;
  }
}

/** Runs a command in the repository; throws with its last output lines when it fails. */
function sh(command, args, timeoutMs) {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out}`);
  }
  return `${r.stdout ?? ''}`;
}

/** The TF.js graph model the packaged checks open ("Analyze Model File..."): a real published file, see test/fixtures/models. */
const graphModel = path.join(root, 'test', 'fixtures', 'models', 'tfjs-graph', 'human-emotion');

/** The folders of test/fixtures/models holding the MODEL_FILES (checks.mjs). */
const modelFileDirs = ['keras-h5', 'keras-v3', 'onnx'].map((d) => path.join(root, 'test', 'fixtures', 'models', d));

/** A scratch copy of the fixture workspace (removed at exit), with the graph model in graph-model/ and the MODEL_FILES in model-files/. */
function workspaceCopy(name, { withFolderSettings }) {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xp-e2e-')), name);
  fs.cpSync(fixture, dir, { recursive: true, filter: (src) => withFolderSettings || !src.includes(`${path.sep}.vscode`) });
  fs.cpSync(graphModel, path.join(dir, 'graph-model'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'model-files'));
  for (const { file } of MODEL_FILES) fs.copyFileSync(path.join(modelFileDirs.find((d) => fs.existsSync(path.join(d, file))), file), path.join(dir, 'model-files', file));
  scratch.push(path.dirname(dir));
  return dir;
}

/** A new code-server on a free port (or $VSCODE_E2E_PORT for the first one). */
async function newServer() {
  const fixed = servers.length === 0 && process.env.VSCODE_E2E_PORT;
  const server = new CodeServer(e2eDir, fixed ? Number(fixed) : await freePort(), home);
  servers.push(server);
  return server;
}

function cleanUp() {
  for (const s of servers) {
    try {
      s.stop();
    } catch (e) {
      console.error(`[e2e] could not stop code-server on port ${s.port}: ${e.message}`);
    }
  }
  for (const d of scratch.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

/** Phase 2: the packaged extension, as a user gets it. */
async function packagedExtensionPhase(h, vsix, settingsFile) {
  const server = await newServer();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const extensionDir = path.join(home, 'run', String(server.port), 'extensions', `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  const started = await check('code-server starts with the .vsix installed', async () => {
    server.start(['--vsix', vsix, '--settings', settingsFile]);
    if (!fs.existsSync(path.join(extensionDir, 'dist', 'extension.js'))) throw new Error(`${extensionDir}/dist/extension.js is missing after --install-extension`);
    return `${server.url}, installed in ${extensionDir}`;
  });
  if (!started) return;
  const before = checks.filter((c) => !c.ok).length;
  let wb;
  let workspace;
  try {
    await check('workbench opens the fixture workspace', async () => {
      workspace = workspaceCopy('xception-workspace', { withFolderSettings: false });
      wb = await h.openWorkbench(workspace, { url: server.url });
      return await wb.page.title();
    });
    if (wb) await checkPackagedExtension({ h, wb, shots, check, workspace, root, server, extensionDir });
    if (wb) await checkGraphModelFile({ h, wb, shots, check, workspace });
    if (wb) await checkModelFiles({ h, wb, shots, check, workspace, root });
    if (wb) await checkSecondWindowFirstPicture({ h, wb, shots, check, server, workspace });
  } finally {
    if (wb && checks.filter((c) => !c.ok).length > before) await wb.screenshot(path.join(shots, 'failure-packaged.png')).catch(() => {});
    await wb?.close();
    if (checks.filter((c) => !c.ok).length > before) server.saveLogs(path.join(shots, 'logs-packaged'));
    server.stop();
  }
}

/** Phase 3: the integration suite inside code-server's extension host (development mode). */
async function integrationSuitePhase(h, settingsFile) {
  const server = await newServer();
  fs.rmSync(integrationFile, { force: true });
  let wb;
  let ok = false;
  try {
    ok = await check('integration suite runs in the code-server extension host', async () => {
      server.start(['--dev', '--settings', settingsFile], { XCEPTION_PROFILER_TEST_RESULTS: integrationFile });
      wb = await h.openWorkbench(workspaceCopy('integration-workspace', { withFolderSettings: true }), { url: server.url, devExtensions: [root] });
      // Any command activates the extension; activate() then starts the suite (see main.ts).
      await wb.runCommand('Xception Profiler: Show Log');
      const r = await h.waitFor(() => fs.existsSync(integrationFile) && JSON.parse(fs.readFileSync(integrationFile, 'utf8')), {
        timeout: 300_000,
        interval: 1000,
        what: `${path.relative(root, integrationFile)} (is the extension started in development mode? see the exthost log)`,
      });
      await wb.screenshot(path.join(shots, '04-integration-suite.png'));
      for (const t of r.tests ?? []) console.log(`       ${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.title}${t.error ? `: ${t.error.split('\n')[0]}` : ''}`);
      return `${r.passed} passed, ${r.failed} failed in ${r.host ?? 'the extension host'}`;
    });
  } finally {
    await wb?.close();
    const failed = !ok || !fs.existsSync(integrationFile) || JSON.parse(fs.readFileSync(integrationFile, 'utf8')).failed > 0;
    if (failed) server.saveLogs(path.join(shots, 'logs-integration'));
    server.stop();
  }
}

async function main() {
  const t0 = Date.now();
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  console.log(`[e2e] vscode-e2e tool: ${e2eDir}`);

  let vsix;
  const ready =
    (await check('vscode-e2e tool installed (code-server, Node 24, playwright-core)', async () => {
      if (!fs.existsSync(path.join(e2eDir, 'lib', 'harness.js'))) throw new Error(`VSCODE_E2E_DIR=${e2eDir} has no lib/harness.js`);
      // Without npm's own variables (npm_node_execpath, npm_config_*): under `npm run`, the nested
      // npm install of code-server would otherwise run its postinstall with this Node 20, not Node 24.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      runTool(e2eDir, 'install.sh', [], env, 900_000);
    })) &&
    (await check('extension packaged with vsce (npm run package -- --universal-only)', async () => {
      // The universal .vsix is the one installed below (no native engine in it); the platform one is CI's package stage.
      sh('npm', ['run', '--silent', 'package', '--', '--universal-only'], 300_000);
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
      vsix = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
      if (!fs.existsSync(vsix)) throw new Error(`npm run package wrote no ${path.basename(vsix)}`);
      return `${path.basename(vsix)}, ${(fs.statSync(vsix).size / 1e6).toFixed(2)} MB`;
    })) &&
    (await check('integration suite compiled (test/integration/build.mjs)', async () => {
      sh(process.execPath, [path.join(root, 'test', 'integration', 'build.mjs')], 120_000);
    }));

  const phases = ['packaged extension in code-server', 'integration suite in code-server'];
  const skippedPhases = ready ? [] : phases;
  if (ready) {
    const h = createRequire(import.meta.url)(path.join(e2eDir, 'lib', 'harness.js'));
    const settingsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xp-e2e-settings-')), 'settings.json');
    scratch.push(path.dirname(settingsFile));
    fs.writeFileSync(settingsFile, JSON.stringify(SETTINGS, null, 2));
    try {
      await packagedExtensionPhase(h, vsix, settingsFile);
      await integrationSuitePhase(h, settingsFile);
    } finally {
      cleanUp();
    }
  }

  const passed = checks.filter((c) => c.ok).length;
  const failed = checks.filter((c) => !c.ok && !c.skipped).length;
  const skipped = skippedPhases.length + checks.filter((c) => c.skipped).length;
  fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed, skipped, skippedPhases, durationMs: Date.now() - t0, screenshots: path.relative(root, shots), checks }, null, 2));
  const integration = fs.existsSync(integrationFile) ? JSON.parse(fs.readFileSync(integrationFile, 'utf8')) : undefined;
  console.log(
    `[e2e] ${passed} passed, ${failed} failed, ${skipped} skipped in ${((Date.now() - t0) / 1000).toFixed(0)} s` +
      `${integration ? `; integration suite in code-server: ${integration.passed} passed, ${integration.failed} failed` : ''}` +
      `; screenshots in ${path.relative(root, shots)}/`,
  );
  process.exitCode = failed > 0 || (integration?.failed ?? 0) > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(`[e2e] crashed: ${e.stack ?? e}`);
  cleanUp();
  process.exitCode = 1;
});
