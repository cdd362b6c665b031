/** The command table: every command the extension contributes, by id. */
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ProfileJob } from '../worker/protocol';
import { ENGINE_ORDER } from '../engine/resolve';
import { exportProfile } from './exportCommand';
import { installNativeEngine } from './installEngine';
import { DiagramPanel } from './panel';
import { CHOICE_KEEP, CHOICE_RESTART, startConflict } from './profilingState';
import { jobSubject, type ProgressSink, type Session } from './session';
import { layerNameOf } from './tree';
import { copyRowMarkdown, copyShape, revealInTree } from './views';
import { MODEL_FILE_EXTENSIONS } from '../importers/extensions';
import { XCEPTION_MIN_INPUT_SIZE } from '../model/xception';
import { parseSweep } from '../profiler/sweep';

type CommandHandler = (session: Session, ...args: unknown[]) => unknown;

/** "Profile Xception": profile in a worker with a cancellable notification, show the panel. */
async function profileXception(session: Session): Promise<void> {
  await profileJob(session, session.job(), 'Profiling Xception');
}

const isUri = (x: unknown): x is vscode.Uri => typeof x === 'object' && x !== null && 'fsPath' in x && 'scheme' in x;

/**
 * "Analyze Model File...": a TF.js model.json (layers or graph), Keras config JSON, .keras, Keras HDF5 or ONNX file, from the
 * explorer's context menu (`uri`) or a file picker, analysed and profiled in the worker like
 * Xception. The file is only read; a bad one fails fast with the importer's named error.
 */
async function analyzeModelFile(session: Session, uri?: unknown): Promise<void> {
  let file = isUri(uri) ? uri : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Analyze', filters: { 'Keras / TF.js / ONNX models': [...MODEL_FILE_EXTENSIONS] } });
    file = picked?.[0];
  }
  if (!file) return;
  if (file.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Xception Profiler: only files on this machine can be analysed, not ${file.toString()}`);
    return;
  }
  const job: ProfileJob = { ...session.job(), model: { kind: 'file', path: file.fsPath } };
  await profileJob(session, job, `Profiling ${jobSubject(job)}`);
}

/** What `job` does, for the question asked while another run works ("... cancel it and <action>?"). */
function jobAction(job: ProfileJob): string {
  const subject = jobSubject(job);
  if (job.sweep) return `run the ${job.sweep.axis === 'batch' ? 'batch-size' : 'input-size'} sweep ${job.sweep.values.join(', ')} on ${subject}`;
  if (job.compareEngines?.length) return `compare engines on ${subject}`;
  if (job.onnxFile) return `export ${subject} as ONNX`;
  return `restart profiling ${subject}`;
}

/**
 * Longest wait, ms, for a panel the command creates to paint its first picture before the worker
 * is forked (a hidden or slow panel must not hold the timing back for long). Measured with
 * test/e2e/firstPictureProbe.mjs (README, "First picture").
 */
export const WORKER_AFTER_PAINT_CAP_MS = 1500;

/**
 * Profiles `job` in a worker with a cancellable notification titled `title`, and shows the panel.
 * While a run works, asks first: keep it (also when the question is dismissed) or restart; a
 * second click never cancels the first run silently. Failures and cancels are told by the
 * session's state machine (one notification, the same text as the status line).
 */
async function profileJob(session: Session, job: ProfileJob, title: string): Promise<void> {
  const conflict = startConflict(session.state, jobAction(job));
  if (conflict) {
    const choice = await vscode.window.showWarningMessage(`Xception Profiler: ${conflict}`, CHOICE_KEEP, CHOICE_RESTART);
    if (choice !== CHOICE_RESTART) return;
    session.cancel({ quiet: true });
  }
  // A window without the panel: time this command's first picture (logged by the panel).
  if (!DiagramPanel.instance) session.firstPicture.start();
  // Relays progress to the notification once withProgress has started it.
  let report: ProgressSink | undefined;
  // The panel opens with the static report in its HTML, before the worker starts; a panel this
  // command creates is painted first (or WORKER_AFTER_PAINT_CAP_MS passes): the worker's start-up
  // (an 8 MB bundle, TF.js, WASM compiled, the model built) would take the CPU the webview needs.
  let shown = false;
  const showPanel = (): Promise<void> | undefined => {
    shown = true;
    const created = !DiagramPanel.instance;
    const panel = DiagramPanel.show(session);
    panel.setMetric(session.metric);
    return created ? Promise.race([panel.painted, new Promise<void>((r) => setTimeout(r, WORKER_AFTER_PAINT_CAP_MS))]) : undefined;
  };
  const result = session.profile(job, (message, fraction) => report?.(message, fraction), showPanel);
  if (!shown) showPanel();
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    let last = 0;
    report = (message, fraction) => {
      const increment = fraction !== undefined ? Math.max(0, (fraction - last) * 100) : undefined;
      if (fraction !== undefined) last = fraction;
      progress.report({ message, increment });
    };
    const subscription = token.onCancellationRequested(() => session.cancel());
    try {
      await result;
    } finally {
      subscription.dispose();
      report = undefined;
    }
  });
}

/**
 * "Compare Engines": the settings' model on each engine picked (every native engine and WASM
 * pre-picked; the plain-JS engine takes ~26 s a pass at 299 and is left to the user), one after
 * the other in the worker, shown side by side in the panel.
 */
async function compareEnginesCommand(session: Session): Promise<void> {
  const picks = await vscode.window.showQuickPick(
    ENGINE_ORDER.map((name) => ({ label: name, picked: name !== 'cpu' })),
    { canPickMany: true, title: 'Compare engines: profile Xception on each engine picked', placeHolder: 'Engines that are not installed are listed as not run' },
  );
  if (!picks?.length) return;
  await profileJob(session, { ...session.job(), compareEngines: picks.map((p) => p.label), live: undefined }, 'Comparing engines');
}

/** "Export as ONNX...": the settings' Xception with its weights as an ONNX file (opset 17), written by the worker. */
async function exportOnnxCommand(session: Session): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ filters: { ONNX: ['onnx'] }, saveLabel: 'Export', defaultUri: folder && vscode.Uri.joinPath(folder, 'xception.onnx') });
  if (!target) return;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Xception Profiler: ONNX files are written on this machine only, not to ${target.toString()}`);
    return;
  }
  const before = statSync(target.fsPath, { throwIfNoEntry: false })?.mtimeMs;
  await profileJob(session, { ...session.job(), timing: false, live: undefined, onnxFile: target.fsPath }, 'Exporting Xception as ONNX');
  const after = statSync(target.fsPath, { throwIfNoEntry: false })?.mtimeMs;
  if (after !== undefined && after !== before) void vscode.window.showInformationMessage(`Xception Profiler: wrote ${target.fsPath}`);
}

/** Timed runs per sweep point (after one warm-up): a sweep profiles the model several times. */
const SWEEP_RUNS = 3;

/**
 * "Run Scaling Sweep...": profiles Xception (current settings) at each batch size or input size,
 * from the panel's sweep form (`spec` such as `batch=1,2,4,8`) or an input box.
 */
async function runSweepCommand(session: Session, spec?: unknown): Promise<void> {
  const text = typeof spec === 'string' ? spec : await vscode.window.showInputBox({
    title: 'Scaling sweep',
    prompt: 'Batch sizes (batch=1,2,4,8) or input sizes (input=71,150,224,299), profiled one after the other on the same engine',
    value: 'batch=1,2,4,8',
    validateInput: (v) => {
      try {
        parseSweep(v, XCEPTION_MIN_INPUT_SIZE);
        return undefined;
      } catch (e) {
        return (e as Error).message.replace('--sweep', 'sweep');
      }
    },
  });
  if (!text) return;
  let sweep;
  try {
    sweep = parseSweep(text, XCEPTION_MIN_INPUT_SIZE);
  } catch (e) {
    void vscode.window.showErrorMessage(`Xception Profiler: ${(e as Error).message.replace('--sweep', 'sweep')}`);
    return;
  }
  const job = { ...session.job(), live: undefined, sweep: { ...sweep, runs: SWEEP_RUNS, warmupRuns: 1 } };
  await profileJob(session, job, `Sweeping Xception over ${sweep.axis === 'batch' ? 'batch sizes' : 'input sizes'} ${sweep.values.join(', ')}`);
}

export const COMMANDS: Record<string, CommandHandler> = {
  'xceptionProfiler.compareEngines': compareEnginesCommand,
  'xceptionProfiler.exportOnnx': exportOnnxCommand,
  'xceptionProfiler.sweep': runSweepCommand,
  'xceptionProfiler.profile': profileXception,
  'xceptionProfiler.analyzeModelFile': analyzeModelFile,
  'xceptionProfiler.cancel': (session) => session.cancel(),
  'xceptionProfiler.showDiagram': (session) => DiagramPanel.show(session),
  'xceptionProfiler.revealInDiagram': (session, layer) => {
    // A layer name (diagram, hover link) or a tree row (context menu).
    const name = layerNameOf(layer);
    if (name !== undefined) DiagramPanel.show(session).reveal(name);
  },
  'xceptionProfiler.revealInTree': (_session, layer) => revealInTree(layer),
  'xceptionProfiler.copyShape': (session, layer) => copyShape(session, layer),
  'xceptionProfiler.copyRowMarkdown': (session, layer) => copyRowMarkdown(session, layer),
  'xceptionProfiler.exportProfile': (session, format) => exportProfile(session, format),
  'xceptionProfiler.showLog': (session) => session.output.show(),
  'xceptionProfiler.installNativeEngine': installNativeEngine,
  'xceptionProfiler.pauseLive': (session) => session.pauseLive(),
  'xceptionProfiler.resumeLive': (session) => session.resumeLive(),
  'xceptionProfiler.stopLive': (session) => session.stopLive(),
};

/** Registers every command of the table against `session`. */
export function registerCommands(session: Session): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) => vscode.commands.registerCommand(id, (...args: unknown[]) => handler(session, ...args)));
}
