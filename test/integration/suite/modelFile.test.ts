/// <reference types="mocha" />
/**
 * "Analyze Model File...": real model files others published, analysed and profiled in the
 * extension host's worker: a TF.js model.json, a Keras HDF5 full model, a Keras 3 `.keras` with
 * weights, an ONNX file (test/fixtures/models/README.md gives each one's source and weight count).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ArchitectureReport } from '../../../src/report/schema';
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

  /** Runs the command on a fixture model file and returns the session's report (checked to be that file's). */
  const analyse = async (relative: string): Promise<ArchitectureReport> => {
    const api = await extensionApi();
    const file = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test', 'fixtures', 'models', relative);
    await within(vscode.commands.executeCommand('xceptionProfiler.analyzeModelFile', vscode.Uri.file(file)), 180_000, `"Analyze Model File" on ${relative} to finish`);
    const report = api.session.report;
    assert.ok(report, `a report after analysing ${relative}`);
    assert.equal(report.model.source, file);
    return report;
  };
  const params = (report: ArchitectureReport): number => report.totals.params.trainable + report.totals.params.nonTrainable;
  /** The engine named and at least one layer (or node group) timed on it. */
  const timedOn = (report: ArchitectureReport, name: string): string => {
    assert.ok(report.timing && report.engine, `${name} was profiled (an engine and timings in the report)`);
    const timed = report.layers.filter((l) => (l.timing?.medianMs ?? 0) > 0);
    assert.ok(timed.length > 0, `${name}: layers with a median time on ${report.engine.name}`);
    return report.engine.name;
  };
  const note = (report: ArchitectureReport, re: RegExp): void =>
    assert.ok(
      report.diagnostics.some((d) => re.test(d.message)),
      `a diagnostic matching ${re} (diagnostics: ${report.diagnostics.map((d) => d.message).join(' | ')})`,
    );

  test('ResNet-8 (Keras 2.4.0 HDF5 full model, .h5): the stored weight count as params, MACs by hand, timed with its weights', async () => {
    const report = await analyse('keras-h5/resnet8-mlperf-tiny.h5');
    assert.equal(params(report), 78_666);
    assert.equal(layer(report, 'conv2d').macs, 32 * 32 * 16 * 3 * 3 * 3);
    assert.equal(layer(report, 'conv2d_3').macs, 16 * 16 * 32 * 3 * 3 * 16);
    note(report, /^weights: loaded \d+ weights \(78,666 values/);
    timedOn(report, 'ResNet-8');
  });

  test('MNIST CNN (Keras 3.15.1 .keras with model.weights.h5): the stored weight count as params, MACs by hand, timed with its weights', async () => {
    const report = await analyse('keras-v3/mnist-cnn.keras');
    assert.equal(params(report), 225_034);
    assert.equal(layer(report, 'conv2d').macs, 26 * 26 * 32 * 9);
    assert.equal(layer(report, 'conv2d_1').macs, 11 * 11 * 64 * 9 * 32);
    note(report, /^weights: loaded \d+ weights \(225,034 values/);
    timedOn(report, 'the MNIST CNN');
  });

  test("PaddleOCR's text-direction classifier (ONNX, opset 9): its Constant tensors' values as params, MACs by hand, timed per node group on ONNX Runtime", async () => {
    const report = await analyse('onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx');
    assert.equal(params(report), 133_665);
    assert.equal(layer(report, 'p2o.Conv.1').macs, 112 * 112 * 8 * 8);
    assert.equal(layer(report, 'p2o.Conv.2').macs, 56 * 112 * 8 * 9);
    assert.equal(timedOn(report, 'the ONNX classifier'), 'onnxruntime');
  });
});
