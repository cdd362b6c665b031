/**
 * "Xception Profiler: Install Native Engine": installs @tensorflow/tfjs-node (or -gpu), or
 * onnxruntime-node (CPU binaries inside the npm package, no download), into the extension's global storage with npm, streaming npm's output to the output channel. The engine
 * resolver looks there (see `Session.job`), so the next "Profile Xception" uses it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NATIVE_PACKAGES } from '../engine/resolve';
import type { Session } from './session';

/** The TF.js version every @tensorflow/* package is pinned to. */
export const TFJS_VERSION = '4.22.0';
/** The onnxruntime-node version the `onnxruntime` engine is built and tested against. */
export const ORT_VERSION = '1.30.0';

/** What to tell a user whose libtensorflow download failed (tfjs-node's documented mirror variables). */
export const DOWNLOAD_HELP =
  "tfjs-node's install script downloads libtensorflow from https://storage.googleapis.com/. Where that is blocked, " +
  'set TFJS_NODE_CDN_STORAGE (or CDN_STORAGE) to a mirror\'s base URL, or TFJS_NODE_BASE_URI to the full archive URL prefix, ' +
  "in the environment or in an .npmrc (npm_config_TFJS_NODE_CDN_STORAGE), or configure npm's proxy (npm config set https-proxy ...), then run the command again. " +
  'You can also install the package in your workspace (npm install @tensorflow/tfjs-node@' +
  TFJS_VERSION +
  ') or name a folder holding it in the setting xceptionProfiler.nativeEnginePath.';

/**
 * The install in `folder`: a private package.json that allows the package's install script
 * (npm 11's `allowScripts`; older npm ignores the field) and npm's arguments.
 */
export function installPlan(pkg: string, folder: string): { packageJson: object; command: string; args: string[]; cwd: string } {
  // onnxruntime-node ships its CPU binaries in the package; its install script would only fetch CUDA files: not run.
  const ort = pkg === NATIVE_PACKAGES.onnxruntime;
  return {
    packageJson: { name: 'xception-profiler-engines', private: true, description: 'Native engines installed by Xception Profiler', allowScripts: ort ? {} : { [pkg]: true } },
    command: process.platform === 'win32' ? 'npm.cmd' : 'npm',
    args: ['install', '--no-audit', '--no-fund', '--foreground-scripts', '--save-exact', ...(ort ? ['--ignore-scripts'] : []), `${pkg}@${ort ? ORT_VERSION : TFJS_VERSION}`],
    cwd: folder,
  };
}

/** Last lines of npm's output that say what went wrong (npm ERR!/npm error lines first). */
export function npmFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^npm (ERR!|error)/.test(l) || /Error|error:/.test(l));
  return (errors.length ? errors : lines).slice(-4).join('\n');
}

/** Runs npm, streaming its output to `log`; resolves with its exit code and output. */
function runNpm(plan: ReturnType<typeof installPlan>, log: (text: string) => void, token: vscode.CancellationToken): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(plan.command, plan.args, { cwd: plan.cwd, env: process.env, shell: process.platform === 'win32' });
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      log(text);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    token.onCancellationRequested(() => child.kill());
    child.on('error', (error) => resolve({ code: -1, output: `${output}\nnpm could not start: ${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The command: pick the package, install, report success or the real error with the way around it. */
export async function installNativeEngine(session: Session): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'onnxruntime-node', description: NATIVE_PACKAGES.onnxruntime, detail: 'ONNX Runtime on the CPU (binaries inside the npm package, nothing else downloaded); the fastest CPU engine.', pkg: NATIVE_PACKAGES.onnxruntime },
      { label: 'tfjs-node', description: NATIVE_PACKAGES.tensorflow, detail: 'Native TensorFlow on the CPU (libtensorflow).', pkg: NATIVE_PACKAGES.tensorflow },
      { label: 'tfjs-node-gpu', description: NATIVE_PACKAGES['tensorflow-gpu'], detail: 'Native TensorFlow with CUDA (needs a matching CUDA and cuDNN).', pkg: NATIVE_PACKAGES['tensorflow-gpu'] },
    ],
    { title: 'Install a native engine', placeHolder: 'Which engine?' },
  );
  if (!pick) return;
  const folder = session.globalStorageUri.fsPath;
  mkdirSync(folder, { recursive: true });
  const plan = installPlan(pick.pkg, folder);
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify(plan.packageJson, null, 2));
  session.output.show(true);
  session.output.appendLine(`$ (cd ${folder} && ${plan.command} ${plan.args.join(' ')})`);
  const { code, output } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${plan.args.at(-1)}`, cancellable: true },
    (_progress, token) => runNpm(plan, (text) => session.output.append(text), token),
  );
  if (code === 0) {
    session.output.appendLine(`installed ${pick.pkg} into ${folder}`);
    void vscode.window.showInformationMessage(`Xception Profiler: ${pick.pkg} installed. "Profile Xception" will try it first (engine setting: auto).`);
    return;
  }
  session.output.appendLine(`\nnpm exited with code ${code}.\n${DOWNLOAD_HELP}`);
  const choice = await vscode.window.showErrorMessage(`Installing ${pick.pkg} failed: ${npmFailure(output)}`, { modal: false, detail: DOWNLOAD_HELP }, 'Show Log');
  if (choice === 'Show Log') session.output.show();
}
