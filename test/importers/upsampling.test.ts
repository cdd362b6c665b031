/**
 * UpSampling2D with every interpolation Keras accepts: TF.js 4.22 refuses all but nearest and
 * bilinear, so the others run faithful replacements (resampling matrices), checked here against
 * a hand-worked bicubic output, against the independent reference, and in the ONNX export.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UPSAMPLING_INTERPOLATIONS } from '../../src/analysis/layers/resampling';
import type { BuiltModel } from '../../src/importers/build';
import { checkFaithful } from '../../src/profiler/correctness';
import { exportError } from '../helpers/onnxExportError';
import { oneLayerModel } from '../helpers/oneLayerModel';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A model of one UpSampling2D (`size`, `interpolation`) on an NHWC input of `shape`. */
const upsampling = (interpolation: string, size: [number, number], shape: number[]): Promise<BuiltModel> =>
  oneLayerModel('UpSampling2D', 'up', { size, interpolation, data_format: 'channels_last' }, shape);

describe('UpSampling2D interpolations TF.js lacks', () => {
  it('bicubic on a 2x2 image by 2: the hand-worked corner values', async () => {
    const built = await upsampling('bicubic', [2, 2], [2, 2, 1]);
    try {
      // Border rows of a 2-pixel axis: 37/34 and -3/34 (resampling.test.ts), so the top-left output is
      // (37 37 x 1 + 37 (-3) x 2 + (-3) 37 x 3 + (-3)(-3) x 4) / 34^2 = 850 / 1156 = 25/34.
      const y = built.model.predict(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])) as tf.Tensor;
      const out = y.dataSync();
      expect(y.shape).toEqual([1, 4, 4, 1]);
      expect(out[0]).toBeCloseTo(25 / 34, 5);
      // Bottom-right mirrors it: (37 37 x 4 - 37 3 x 3 - 3 37 x 2 + 9 x 1) / 1156 = 4930 / 1156.
      expect(out[15]).toBeCloseTo(4930 / 1156, 5);
      y.dispose();
    } finally {
      built.model.dispose();
    }
  });

  it.each(UPSAMPLING_INTERPOLATIONS)('%s builds, keeps its name, and agrees with the reference (sizes 2x3 on 5x4x2)', async (interpolation) => {
    const built = await upsampling(interpolation, [2, 3], [5, 4, 2]);
    try {
      expect(built.model.outputs[0].shape).toEqual([null, 10, 12, 2]);
      expect(built.model.getLayer('up').getConfig().interpolation).toBe(interpolation);
      const replaced = interpolation !== 'nearest';
      expect([...built.executions.keys()]).toEqual(replaced ? ['up'] : []);
      const checks = await checkFaithful(tf, built.model, built.executions);
      expect(checks.map((c) => [c.layer, c.ok])).toEqual(replaced ? [['up', true]] : []);
      for (const c of checks) expect(c.maxRelError).toBeLessThan(1e-5);
    } finally {
      built.model.dispose();
    }
  });

  it('area by an integer factor equals nearest: each pixel copied', async () => {
    const [area, nearest] = [await upsampling('area', [3, 2], [2, 3, 1]), await upsampling('nearest', [3, 2], [2, 3, 1])];
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const [a, n] = [area, nearest].map((b) => b.model.predict(x) as tf.Tensor);
    expect(Array.from(a.dataSync())).toEqual(Array.from(n.dataSync()));
    expect(Array.from(a.dataSync().slice(0, 6))).toEqual([1, 1, 2, 2, 3, 3]);
    tf.dispose([x, a, n]);
    area.model.dispose();
    nearest.model.dispose();
  });

  it.each(UPSAMPLING_INTERPOLATIONS)('%s: the ONNX export gives what TF.js computes (rel. error <= 1e-5)', async (interpolation) => {
    const built = await upsampling(interpolation, [2, 2], [6, 5, 3]);
    try {
      const { rel, dims } = await exportError(built.model);
      expect(dims).toEqual([1, 12, 10, 3]);
      expect(rel).toBeLessThan(1e-5);
    } finally {
      built.model.dispose();
    }
  });
});
