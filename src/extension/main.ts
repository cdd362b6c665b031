/**
 * Extension entry point: wires the session, the commands and the views. Kept thin; nothing here
 * loads TF.js (profiling runs in a worker process).
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { DiagramPanel, PANEL_VIEW_TYPE } from './panel';
import { Session } from './session';

/** What `activate` returns: used by the integration tests. */
export interface ExtensionApi {
  session: Session;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const session = new Session(context);
  context.subscriptions.push(
    session,
    ...registerCommands(session),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        DiagramPanel.revive(panel, session);
      },
    }),
  );
  return { session };
}

export function deactivate(): void {
  DiagramPanel.instance?.dispose();
}
