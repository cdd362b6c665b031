/**
 * LayerNormalization with rms_scaling (Keras 3, tf.keras 2.13+): TF.js 4.22 ignores the field
 * and would centre the input and add beta. The faithful replacement computes Keras's
 * x / sqrt(var(x) + epsilon) x gamma, with Keras's weights (gamma only), on TF.js and in the
 * ONNX export.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltModel } from '../../src/importers/build';
import { checkFaithful } from '../../src/profiler/correctness';
import { exportError } from '../helpers/onnxExportError';
import { oneLayerModel } from '../helpers/oneLayerModel';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A model of one LayerNormalization (`config`, epsilon 0.001) on an input of `shape` (batch excluded). */
const layerNorm = (config: Record<string, unknown>, shape: number[]): Promise<BuiltModel> => oneLayerModel('LayerNormalization', 'ln', { epsilon: 0.001, ...config }, shape);

describe('LayerNormalization rms_scaling', () => {
  it('x = [1, 2, 3, 4], gamma [1, 2, 1, 0.5]: var 1.25, so x / sqrt(1.251) x gamma', async () => {
    const built = await layerNorm({ axis: -1, rms_scaling: true, center: true }, [4]);
    try {
      const ln = built.model.getLayer('ln');
      expect(ln.getWeights().map((w) => w.shape)).toEqual([[4]]);
      ln.setWeights([tf.tensor1d([1, 2, 1, 0.5])]);
      const y = built.model.predict(tf.tensor2d([[1, 2, 3, 4]])) as tf.Tensor;
      // 1 / sqrt(1.25 + 0.001) = 0.8940696...; the input is not centred and there is no beta.
      const inv = 1 / Math.sqrt(1.251);
      Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([1, 4, 3, 2][i] * inv, 5));
      expect(built.executions.get('ln')?.kind).toBe('faithful-replacement');
      y.dispose();
    } finally {
      built.model.dispose();
    }
  });

  it.each([[-1], [[1, 2]], [[1, 3]]])('over axis %j: agrees with the independent reference', async (axis) => {
    const built = await layerNorm({ axis, rms_scaling: true }, [3, 4, 5]);
    try {
      built.model.getLayer('ln').setWeights(built.model.getLayer('ln').getWeights().map((w) => tf.randomUniform(w.shape, 0.5, 2, 'float32', 3)));
      const checks = await checkFaithful(tf, built.model, built.executions);
      expect(checks.map((c) => [c.layer, c.ok])).toEqual([['ln', true]]);
      expect(checks[0].maxRelError).toBeLessThan(1e-5);
    } finally {
      built.model.dispose();
    }
  });

  it('without rms_scaling TF.js runs its own class, gamma and beta', async () => {
    const built = await layerNorm({ axis: -1 }, [4]);
    expect(built.executions.size).toBe(0);
    expect(built.model.getLayer('ln').getWeights().map((w) => w.shape)).toEqual([[4], [4]]);
    built.model.dispose();
  });

  it('the ONNX export gives what TF.js computes (rel. error <= 1e-5)', async () => {
    const built = await layerNorm({ axis: -1, rms_scaling: true }, [3, 4, 6]);
    try {
      built.model.getLayer('ln').setWeights([tf.randomUniform([6], 0.5, 2, 'float32', 4)]);
      expect((await exportError(built.model)).rel).toBeLessThan(1e-5);
    } finally {
      built.model.dispose();
    }
  });
});
