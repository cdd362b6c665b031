/**
 * "Correct before fast" on ONNX Runtime: each kind's first layer, copied alone into a model with
 * its config and weights, exported and run in ORT against TF.js cpu.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type OrtModule } from '../../src/engine/onnxruntime';
import { checkOnnxAgainstCpu } from '../../src/engine/onnxruntimeCheck';
import { loadModelFile } from '../../src/importers/modelFile';
import { randomizeWeights } from '../helpers/randomWeights';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkOnnxAgainstCpu', () => {
  it('copies a SeparableConv2D with depth_multiplier 2 whole (TF.js getConfig leaves the multiplier out) and finds the export right', async () => {
    const { model } = await loadModelFile(tf, path.join(__dirname, '..', 'fixtures', 'cases', 'separable-depth-multiplier-2.json'));
    try {
      randomizeWeights(tf, model);
      const runtime = await createRuntime(ort as unknown as OrtModule, 1);
      const result = await checkOnnxAgainstCpu(tf, runtime, model);
      const sep = result.checks.find((c) => c.kind.startsWith('SeparableConv2D'))!;
      expect([sep.ok, sep.error]).toEqual([true, undefined]);
      expect(sep.maxRelError).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });
});
