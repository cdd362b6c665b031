import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { createRuntime, type OrtModule } from '../../src/engine/onnxruntime';
import { OnnxRunner, profileOnnx } from '../../src/engine/onnxruntimeProfile';
import { buildXception } from '../../src/model/xception';
import { exportOnnx } from '../../src/onnx/export';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('OnnxRunner keeps the export as one file, not as bytes: sessions load model.onnx, the optimised graph is read without its weights, and the fusion map is the same', async () => {
  const model = buildXception(tf, { inputSize: 71, seed: 1 });
  const report = analyzeModel(model);
  const macs = new Map(report.layers.map((l) => [l.name, l.macs]));
  const exported = exportOnnx(model, { batch: 1 });
  const runtime = await createRuntime(ort as unknown as OrtModule, 1, 'linux');
  const runner = await OnnxRunner.create(runtime, exported, (l) => macs.get(l) ?? 0);
  const dir = path.dirname(runner.modelPath);
  try {
    expect('bytes' in runner.exported).toBe(false);
    expect(runner.exported.inputNames).toEqual(exported.inputNames);
    // The file is the export; the optimised model and its side file of weights are gone once the map is built.
    expect(statSync(runner.modelPath).size).toBe(exported.bytes.length);
    expect(readdirSync(dir).filter((f) => !f.startsWith('profile'))).toEqual(['model.onnx']);
    expect(runner.fusion.unplaced).toEqual([]);
    expect(runner.fusion.foldedInto.get('block4_sepconv2_bn')).toBe('block4_sepconv2');
    // Profiled sessions are opened again from the file (after each collect): two profiles in a row.
    for (let i = 0; i < 2; i++) {
      const result = await profileOnnx(runner, [[1, 71, 71, 3]], { runs: 1, warmupRuns: 0 });
      expect(result.samples).toHaveLength(1);
      expect(result.layers.block1_conv1.medianMs).toBeGreaterThan(0);
    }
  } finally {
    await runner.dispose();
    model.dispose();
  }
  expect(existsSync(dir)).toBe(false);
});
