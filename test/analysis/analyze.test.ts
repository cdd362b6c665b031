// analyzeModel on small TF.js models whose counts are worked out by hand, for the cases the
// Xception tests never reach: a depth multiplier other than 1 and a strided separable conv.
// (Keras: SeparableConv2D = depthwise k x k over Cin channels, depth_multiplier m each, then a
// 1x1 pointwise conv from Cin*m to Cout channels, both on the output grid Hout x Wout.)
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import type { ArchitectureReport } from '../../src/report/schema';

/** The report of input [h, w, c] -> one SeparableConv2D named `sep` with `config`. */
function separable(inputShape: [number, number, number], config: Parameters<typeof tf.layers.separableConv2d>[0]): ArchitectureReport {
  const input = tf.input({ shape: inputShape });
  const output = tf.layers.separableConv2d({ ...config, name: 'sep', useBias: false }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const report = analyzeModel(model, { name: 'separable', source: 'test' });
  model.dispose();
  return report;
}

describe('analyzeModel: SeparableConv2D MACs (hand-computed)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('depth_multiplier 2: the pointwise conv reads Cin x 2 channels', () => {
    // 8x8x4 -> 3x3 depthwise, m = 2 (8 channels), 'same' -> 1x1 pointwise to 6 channels: 8x8x6.
    const sep = separable([8, 8, 4], { filters: 6, kernelSize: 3, depthMultiplier: 2, padding: 'same' }).layers.find((l) => l.name === 'sep')!;
    expect(sep.outputShape).toEqual([null, 8, 8, 6]);
    const depthwise = 8 * 8 * (4 * 2) * (3 * 3); // 4,608
    const pointwise = 8 * 8 * (4 * 2) * 6; // 3,072 (2,688 fewer with m dropped: 1,536)
    expect(sep.pointwiseMacs).toBe(pointwise);
    expect(sep.macs).toBe(depthwise + pointwise);
    expect(sep.params).toEqual({ trainable: 3 * 3 * 4 * 2 + 4 * 2 * 6, nonTrainable: 0 });
    // TF.js's SeparableConv2D.getConfig() leaves depthMultiplier out; the report shows it.
    expect(sep.config.depthMultiplier).toBe(2);
  });

  it('strides 2: the depthwise MACs are counted on the output grid, not the input', () => {
    // 9x9x4, 3x3/2 'valid' -> floor((9 - 3) / 2) + 1 = 4: output 4x4x6.
    const sep = separable([9, 9, 4], { filters: 6, kernelSize: 3, strides: 2, padding: 'valid' }).layers.find((l) => l.name === 'sep')!;
    expect(sep.outputShape).toEqual([null, 4, 4, 6]);
    const depthwise = 4 * 4 * 4 * (3 * 3); // 576 (on the 9x9 input it would be 2,916)
    const pointwise = 4 * 4 * 4 * 6; // 384
    expect(sep.macs - sep.pointwiseMacs!).toBe(depthwise);
    expect(sep.macs).toBe(depthwise + pointwise);
    expect(sep.flops).toBe(2 * (depthwise + pointwise));
  });
});
