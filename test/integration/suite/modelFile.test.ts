/// <reference types="mocha" />
/** "Analyze Model File...": a real TF.js model.json analysed and profiled in the extension host's worker. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, layer, within } from './helpers';

suite('Analyze Model File', () => {
  // Later suites expect the built-in Xception report: profile it again afterwards.
  suiteTeardown(async () => {
    await within(vscode.commands.executeCommand('xceptionProfiler.profile'), 180_000, '"Profile Xception" to finish');
  });

  test('MobileNet v1 (TF.js model.json, topology only) gives its published totals and timings', async () => {
    const api = await extensionApi();
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const file = path.join(root, 'test', 'fixtures', 'models', 'mobilenet-v1.model.json');
    await within(vscode.commands.executeCommand('xceptionProfiler.analyzeModelFile', vscode.Uri.file(file)), 180_000, '"Analyze Model File" to finish');
    const report = api.session.report;
    assert.ok(report, 'a report after analysing the model file');
    assert.equal(report.model.source, file);
    assert.equal(report.totals.params.trainable + report.totals.params.nonTrainable, 4_253_864);
    assert.equal(report.totals.layers, 91);
    // conv_dw_1: depthwise 3x3 on 112x112x32 -> 112*112*32*9 MACs.
    assert.equal(layer(report, 'conv_dw_1').macs, 112 * 112 * 32 * 9);
    assert.ok((layer(report, 'conv_dw_1').timing?.medianMs ?? 0) > 0, 'conv_dw_1 was timed');
    assert.ok(
      report.diagnostics.some((d) => /weight/i.test(d.message)),
      `the report says the weight shards are missing (diagnostics: ${report.diagnostics.map((d) => d.message).join(' | ')})`,
    );
  });
});
