/// <reference types="mocha" />
/** The extension activates in a real extension host and registers every command it contributes. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi } from './helpers';

suite('activation', () => {
  test('activate() returns the session API', async () => {
    const api = await extensionApi();
    assert.equal(typeof api.session.job, 'function');
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  test('every contributed command is registered', async () => {
    await extensionApi();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.includes('xceptionProfiler.profile'), 'package.json contributes xceptionProfiler.profile');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed but not registered');
  });
});
