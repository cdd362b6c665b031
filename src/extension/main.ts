/**
 * Extension entry point: wires the session, the commands and the views. Kept thin; nothing here
 * loads TF.js (profiling runs in a worker process).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { DiagramPanel, PANEL_VIEW_TYPE } from './panel';
import { Session } from './session';
import type { ArchitectureTreeProvider } from './tree';
import { SidebarViews } from './views';

/** What `activate` returns: used by the integration tests. */
export interface ExtensionApi {
  session: Session;
  /** The open diagram panel, if any (tests await its `ready` handshake). */
  diagramPanel(): DiagramPanel | undefined;
  /** The Architecture view's tree provider (tests read its rows: VS Code has no API for that). */
  architectureTree(): ArchitectureTreeProvider | undefined;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const session = new Session(context);
  context.subscriptions.push(
    session,
    ...registerCommands(session),
    new SidebarViews(session),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        DiagramPanel.revive(panel, session);
      },
    }),
  );
  // After the views exist: they show the restored report and its state at once.
  session.restore();
  session.output.appendLine(`activated in ${(performance.now() - started).toFixed(1)} ms (views, hovers and commands registered; TF.js loads only in the profiling process)`);
  runIntegrationSuiteIfAsked(context);
  return { session, diagramPanel: () => DiagramPanel.instance, architectureTree: () => SidebarViews.instance?.architecture };
}

/**
 * Test hook: started in development mode with `XCEPTION_PROFILER_TEST_RESULTS` naming a file (the
 * e2e run in code-server, where no runner can inject tests), the extension runs the compiled
 * integration suite (out/integration/, never shipped) in its own extension host and writes mocha's
 * results to that file. Inert otherwise: nothing is loaded.
 */
function runIntegrationSuiteIfAsked(context: vscode.ExtensionContext): void {
  const resultsFile = process.env.XCEPTION_PROFILER_TEST_RESULTS;
  if (!resultsFile || context.extensionMode !== vscode.ExtensionMode.Development) return;
  const suite = path.join(context.extensionPath, 'out', 'integration', 'suite', 'index.js');
  // After activate() has returned: the suite itself awaits this extension's activation.
  setTimeout(() => {
    try {
      void (require(suite) as { runInHost(file: string): Promise<void> }).runInHost(resultsFile);
    } catch (error) {
      const reason = `cannot load ${suite} (build it: node test/integration/build.mjs): ${(error as Error).message}`;
      fs.writeFileSync(resultsFile, JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'integration suite', state: 'failed', error: reason }] }));
    }
  }, 0);
}

export function deactivate(): void {
  DiagramPanel.instance?.dispose();
}
