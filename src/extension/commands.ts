/** The command table: every command the extension contributes, by id. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProfileJob } from '../worker/protocol';
import { exportProfile } from './exportCommand';
import { installNativeEngine } from './installEngine';
import { DiagramPanel } from './panel';
import type { Session } from './session';
import { layerNameOf } from './tree';
import { copyRowMarkdown, copyShape, revealInTree } from './views';
import { MODEL_FILE_EXTENSIONS } from '../importers/extensions';

type CommandHandler = (session: Session, ...args: unknown[]) => unknown;

/** "Profile Xception": profile in a worker with a cancellable notification, show the panel. */
async function profileXception(session: Session): Promise<void> {
  await profileJob(session, session.job(), 'Profiling Xception');
}

const isUri = (x: unknown): x is vscode.Uri => typeof x === 'object' && x !== null && 'fsPath' in x && 'scheme' in x;

/**
 * "Analyze Model File...": a TF.js model.json, Keras config JSON, .keras or Keras HDF5 file, from the
 * explorer's context menu (`uri`) or a file picker, analysed and profiled in the worker like
 * Xception. The file is only read; a bad one fails fast with the importer's named error.
 */
async function analyzeModelFile(session: Session, uri?: unknown): Promise<void> {
  let file = isUri(uri) ? uri : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Analyze', filters: { 'Keras / TF.js models': [...MODEL_FILE_EXTENSIONS] } });
    file = picked?.[0];
  }
  if (!file) return;
  if (file.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Xception Profiler: only files on this machine can be analysed, not ${file.toString()}`);
    return;
  }
  await profileJob(session, { ...session.job(), model: { kind: 'file', path: file.fsPath } }, `Profiling ${path.basename(file.fsPath)}`);
}

/** Profiles `job` in a worker with a cancellable notification titled `title`, and shows the panel. */
async function profileJob(session: Session, job: ProfileJob, title: string): Promise<void> {
  const panel = DiagramPanel.show(session);
  panel.setMetric(session.metric);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        let last = 0;
        await session.profile(job, (message, fraction) => {
          const increment = fraction !== undefined ? Math.max(0, (fraction - last) * 100) : undefined;
          if (fraction !== undefined) last = fraction;
          progress.report({ message, increment });
        }, token);
      },
    );
  } catch (error) {
    const e = error as Error;
    if (e.name === 'AbortError') {
      void vscode.window.showInformationMessage('Xception Profiler: profiling cancelled.');
      return;
    }
    const choice = await vscode.window.showErrorMessage(`Xception Profiler: ${e.message}`, 'Show Log');
    if (choice === 'Show Log') session.output.show();
  }
}

export const COMMANDS: Record<string, CommandHandler> = {
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
  'xceptionProfiler.pauseLive': (session) => session.controlLive('pause'),
  'xceptionProfiler.resumeLive': (session) => session.controlLive('resume'),
  'xceptionProfiler.stopLive': (session) => session.controlLive('stop'),
};

/** Registers every command of the table against `session`. */
export function registerCommands(session: Session): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) => vscode.commands.registerCommand(id, (...args: unknown[]) => handler(session, ...args)));
}
