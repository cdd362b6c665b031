/// <reference types="mocha" />
/** The diagram webview opens and answers the ready handshake with the cached report. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, within } from './helpers';

suite('diagram panel', () => {
  test('opens and the webview says ready', async () => {
    const api = await extensionApi();
    assert.equal(typeof api.diagramPanel, 'function', 'activate() must return diagramPanel() (src/extension/main.ts)');
    await vscode.commands.executeCommand('xceptionProfiler.showDiagram');
    const panel = api.diagramPanel();
    assert.ok(panel, 'xceptionProfiler.showDiagram opened no DiagramPanel');
    assert.equal(panel.panel.viewType, 'xceptionProfiler.diagram');
    await within(panel.ready, 60_000, "the webview's {type: 'ready'} message (webview/main.ts)");
  });
});
