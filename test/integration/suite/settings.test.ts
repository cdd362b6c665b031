/// <reference types="mocha" />
/** Settings changes take effect without a reload: the next job reads them. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi } from './helpers';

suite('settings', () => {
  const section = () => vscode.workspace.getConfiguration('xceptionProfiler');
  const keys = ['inputSize', 'timedRuns', 'warmupRuns', 'engine'] as const;
  let saved: Record<string, unknown> = {};

  suiteSetup(() => {
    saved = Object.fromEntries(keys.map((k) => [k, section().inspect(k)?.workspaceValue]));
  });

  suiteTeardown(async () => {
    for (const k of keys) await section().update(k, saved[k], vscode.ConfigurationTarget.Workspace);
  });

  test('input size, runs and engine reach the next profiling job', async () => {
    const api = await extensionApi();
    await section().update('inputSize', 96, vscode.ConfigurationTarget.Workspace);
    await section().update('timedRuns', 4, vscode.ConfigurationTarget.Workspace);
    await section().update('warmupRuns', 0, vscode.ConfigurationTarget.Workspace);
    await section().update('engine', 'cpu', vscode.ConfigurationTarget.Workspace);
    const job = api.session.job();
    assert.deepEqual(
      { inputSize: job.model.inputSize, runs: job.runs, warmupRuns: job.warmupRuns, engine: job.engine },
      { inputSize: 96, runs: 4, warmupRuns: 0, engine: 'cpu' },
    );
  });
});
