import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { buildXception } from '../../src/model/xception';
import type { ArchitectureReport } from '../../src/report/schema';

// Keras `keras.applications.xception.Xception(weights=None).summary()` at 299x299:
// [layer name, output shape without batch, params].
const KERAS_SUMMARY: [string, number[], number][] = [
  ['input_1', [299, 299, 3], 0],
  ['block1_conv1', [149, 149, 32], 864],
  ['block1_conv1_bn', [149, 149, 32], 128],
  ['block1_conv1_act', [149, 149, 32], 0],
  ['block1_conv2', [147, 147, 64], 18432],
  ['block1_conv2_bn', [147, 147, 64], 256],
  ['block1_conv2_act', [147, 147, 64], 0],
  ['block2_sepconv1', [147, 147, 128], 8768],
  ['block2_sepconv1_bn', [147, 147, 128], 512],
  ['block2_sepconv2_act', [147, 147, 128], 0],
  ['block2_sepconv2', [147, 147, 128], 17536],
  ['block2_sepconv2_bn', [147, 147, 128], 512],
  ['conv2d', [74, 74, 128], 8192],
  ['block2_pool', [74, 74, 128], 0],
  ['batch_normalization', [74, 74, 128], 512],
  ['add', [74, 74, 128], 0],
  ['block3_sepconv1_act', [74, 74, 128], 0],
  ['block3_sepconv1', [74, 74, 256], 33920],
  ['block3_sepconv1_bn', [74, 74, 256], 1024],
  ['block3_sepconv2_act', [74, 74, 256], 0],
  ['block3_sepconv2', [74, 74, 256], 67840],
  ['block3_sepconv2_bn', [74, 74, 256], 1024],
  ['conv2d_1', [37, 37, 256], 32768],
  ['block3_pool', [37, 37, 256], 0],
  ['batch_normalization_1', [37, 37, 256], 1024],
  ['add_1', [37, 37, 256], 0],
  ['block4_sepconv1_act', [37, 37, 256], 0],
  ['block4_sepconv1', [37, 37, 728], 188672],
  ['block4_sepconv1_bn', [37, 37, 728], 2912],
  ['block4_sepconv2_act', [37, 37, 728], 0],
  ['block4_sepconv2', [37, 37, 728], 536536],
  ['block4_sepconv2_bn', [37, 37, 728], 2912],
  ['conv2d_2', [19, 19, 728], 186368],
  ['block4_pool', [19, 19, 728], 0],
  ['batch_normalization_2', [19, 19, 728], 2912],
  ['add_2', [19, 19, 728], 0],
  // One middle-flow block (block 5; blocks 6-12 are identical).
  ['block5_sepconv1_act', [19, 19, 728], 0],
  ['block5_sepconv1', [19, 19, 728], 536536],
  ['block5_sepconv1_bn', [19, 19, 728], 2912],
  ['block5_sepconv2_act', [19, 19, 728], 0],
  ['block5_sepconv2', [19, 19, 728], 536536],
  ['block5_sepconv2_bn', [19, 19, 728], 2912],
  ['block5_sepconv3_act', [19, 19, 728], 0],
  ['block5_sepconv3', [19, 19, 728], 536536],
  ['block5_sepconv3_bn', [19, 19, 728], 2912],
  ['add_3', [19, 19, 728], 0],
  // Exit flow.
  ['block13_sepconv1_act', [19, 19, 728], 0],
  ['block13_sepconv1', [19, 19, 728], 536536],
  ['block13_sepconv1_bn', [19, 19, 728], 2912],
  ['block13_sepconv2_act', [19, 19, 728], 0],
  ['block13_sepconv2', [19, 19, 1024], 752024],
  ['block13_sepconv2_bn', [19, 19, 1024], 4096],
  ['conv2d_3', [10, 10, 1024], 745472],
  ['block13_pool', [10, 10, 1024], 0],
  ['batch_normalization_3', [10, 10, 1024], 4096],
  ['add_11', [10, 10, 1024], 0],
  ['block14_sepconv1', [10, 10, 1536], 1582080],
  ['block14_sepconv1_bn', [10, 10, 1536], 6144],
  ['block14_sepconv1_act', [10, 10, 1536], 0],
  ['block14_sepconv2', [10, 10, 2048], 3159552],
  ['block14_sepconv2_bn', [10, 10, 2048], 8192],
  ['block14_sepconv2_act', [10, 10, 2048], 0],
  ['avg_pool', [2048], 0],
  ['predictions', [1000], 2049000],
];

describe('buildXception at 299x299 with the top', () => {
  let report: ArchitectureReport;
  beforeAll(() => {
    const model = buildXception(tf, { seed: 1 });
    report = analyzeModel(model);
    model.dispose();
  });

  it.each(KERAS_SUMMARY)('%s has the output shape and params of the Keras summary', (name, shape, params) => {
    const layer = report.layers.find((l) => l.name === name);
    expect(layer, name).toBeDefined();
    expect(layer!.outputShape).toEqual([null, ...shape]);
    expect(layer!.params.trainable + layer!.params.nonTrainable).toBe(params);
  });

  it('has the Keras totals: 134 layers, 22,910,480 params, 8,357,403,496 MACs', () => {
    expect(report.totals.layers).toBe(134);
    expect(report.totals.params).toEqual({ trainable: 22_855_952, nonTrainable: 54_528 });
    expect(report.totals.macs).toBe(8_357_403_496);
    expect(report.totals.flops).toBe(2 * 8_357_403_496);
  });

  it('splits MACs into the entry, middle and exit flows of the paper', () => {
    const macs = Object.fromEntries(report.flows.map((f) => [f.name, f.totals.macs]));
    expect(macs).toEqual({ entry: 2_692_927_032, middle: 4_648_547_904, exit: 1_015_928_560 });
  });

  it('groups layers into 14 blocks plus the input and the top, in execution order', () => {
    expect(report.model.grouping).toBe('xception-flows');
    expect(report.blocks.map((b) => b.name)).toEqual(['input', ...Array.from({ length: 14 }, (_, i) => `block${i + 1}`), 'top']);
    const block2 = report.blocks.find((b) => b.name === 'block2')!;
    expect(block2.layers).toContain('conv2d');
    expect(block2.layers).toContain('add');
    expect(report.blocks.find((b) => b.name === 'block5')!.flow).toBe('middle');
    expect(report.blocks.find((b) => b.name === 'block13')!.flow).toBe('exit');
  });

  it('places the ReLUs as Keras does', () => {
    const byName = new Map(report.layers.map((l) => [l.name, l]));
    // Block 2: no ReLU before block2_sepconv1; it reads block1_conv2_act directly.
    expect(byName.get('block2_sepconv1')!.inbound).toEqual(['block1_conv2_act']);
    // Blocks 3-13: ReLU before each separable conv.
    expect(byName.get('block3_sepconv1')!.inbound).toEqual(['block3_sepconv1_act']);
    expect(byName.get('block13_sepconv2')!.inbound).toEqual(['block13_sepconv2_act']);
    // Block 14: ReLU after BN, and no Add.
    expect(byName.get('block14_sepconv1_act')!.inbound).toEqual(['block14_sepconv1_bn']);
    expect(report.blocks.find((b) => b.name === 'block14')!.layers.some((n) => n.startsWith('add'))).toBe(false);
    // Middle blocks: identity skip from the previous Add.
    expect(byName.get('add_3')!.inbound).toEqual(['block5_sepconv3_bn', 'add_2']);
    expect(byName.get('block1_conv1_bn')!.config.epsilon).toBe(0.001);
    expect(byName.get('block4_sepconv2')!.config.useBias).toBe(false);
  });

  it('compares each separable conv with its regular-conv twin', () => {
    const l = report.layers.find((x) => x.name === 'block4_sepconv2')!;
    // 37*37*728*9 (depthwise) + 37*37*728*728 (pointwise); regular: 37*37*728*9*728.
    expect(l.macs).toBe(37 * 37 * 728 * 9 + 37 * 37 * 728 * 728);
    expect(l.regularConvMacs).toBe(37 * 37 * 728 * 9 * 728);
    expect(l.regularConvRatio).toBeCloseTo((9 * 728) / (9 + 728), 10);
    expect(l.pointwiseMacs).toBe(37 * 37 * 728 * 728);
  });
});

describe('buildXception options', () => {
  it('without the top: 132 layers and 20,861,480 params', () => {
    const model = buildXception(tf, { includeTop: false });
    const report = analyzeModel(model);
    expect(report.totals.layers).toBe(132);
    expect(report.totals.params.trainable + report.totals.params.nonTrainable).toBe(20_861_480);
    expect(model.outputs[0].shape).toEqual([null, 10, 10, 2048]);
    model.dispose();
  });

  it("builds at Keras's minimum of 71x71", () => {
    const model = buildXception(tf, { inputSize: 71 });
    const report = analyzeModel(model);
    expect(report.layers.find((l) => l.name === 'block1_conv1')!.outputShape).toEqual([null, 35, 35, 32]);
    expect(report.layers.find((l) => l.name === 'block14_sepconv2_act')!.outputShape).toEqual([null, 3, 3, 2048]);
    model.dispose();
  });

  it('rejects input sizes below 71 with a message naming the minimum', () => {
    expect(() => buildXception(tf, { inputSize: 70 })).toThrow(/at least 71/);
    expect(() => buildXception(tf, { inputSize: 100.5 })).toThrow(RangeError);
  });

  it('rejects a non-positive class count', () => {
    expect(() => buildXception(tf, { classes: 0 })).toThrow(/classes/);
  });
});
