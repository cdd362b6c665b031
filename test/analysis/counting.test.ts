import { describe, expect, it } from 'vitest';
import { countLayer } from '../../src/analysis/counting';
import type { LayerNode } from '../../src/analysis/graph';
import type { Shape } from '../../src/report/schema';

function layer(className: string, config: Record<string, unknown>, inputShapes: Shape[], outputShape: Shape): LayerNode {
  return { name: `test_${className}`, className, config, inbound: ['x'], inputShapes, outputShapes: [outputShape], params: { trainable: 0, nonTrainable: 0 }, bytesPerValue: 4 };
}

describe('countLayer MACs (hand-computed)', () => {
  it('Conv2D: Hout*Wout*Cout*kh*kw*Cin; bias and activation are element-wise', () => {
    // block1_conv1 of Xception: 3x3/2 valid, 299x299x3 -> 149x149x32.
    const c = countLayer(layer('Conv2D', { kernelSize: [3, 3], useBias: false, activation: 'linear' }, [[null, 299, 299, 3]], [null, 149, 149, 32]));
    expect(c.macs).toBe(149 * 149 * 32 * 3 * 3 * 3); // 6,391,296
    expect(c.elementwiseOps).toBe(0);
    const withBias = countLayer(layer('Conv2D', { kernelSize: [1, 1], useBias: true, activation: 'relu' }, [[null, 4, 4, 8]], [null, 4, 4, 16]));
    expect(withBias.macs).toBe(4 * 4 * 16 * 8);
    expect(withBias.elementwiseOps).toBe(2 * 4 * 4 * 16);
  });

  it('Conv2D with groups divides the input channels', () => {
    const c = countLayer(layer('Conv2D', { kernelSize: [3, 3], groups: 4 }, [[null, 8, 8, 16]], [null, 8, 8, 32]));
    expect(c.macs).toBe(8 * 8 * 32 * 9 * 4);
  });

  it('DepthwiseConv2D: Hout*Wout*Cin*depthMultiplier*kh*kw', () => {
    const c = countLayer(layer('DepthwiseConv2D', { kernelSize: [3, 3], depthMultiplier: 2 }, [[null, 112, 112, 32]], [null, 112, 112, 64]));
    expect(c.macs).toBe(112 * 112 * 64 * 9);
  });

  it('SeparableConv2D: depthwise + pointwise, and the regular-conv twin', () => {
    // block2_sepconv1: 147x147x64 -> 147x147x128, 3x3 same.
    const c = countLayer(layer('SeparableConv2D', { kernelSize: [3, 3], depthMultiplier: 1 }, [[null, 147, 147, 64]], [null, 147, 147, 128]));
    expect(c.macs).toBe(147 * 147 * 64 * 9 + 147 * 147 * 64 * 128); // 12,446,784 + 177,020,928
    expect(c.regularConvMacs).toBe(147 * 147 * 128 * 9 * 64);
  });

  it('Conv2DTranspose: Hin*Win*Cin*kh*kw*Cout', () => {
    const c = countLayer(layer('Conv2DTranspose', { kernelSize: [4, 4], strides: [2, 2] }, [[null, 8, 8, 16]], [null, 16, 16, 8]));
    expect(c.macs).toBe(8 * 8 * 16 * 16 * 8);
  });

  it('Dense: inputs*units, softmax as element-wise ops', () => {
    const c = countLayer(layer('Dense', { units: 1000, useBias: true, activation: 'softmax' }, [[null, 2048]], [null, 1000]));
    expect(c.macs).toBe(2_048_000);
    expect(c.elementwiseOps).toBe(1000 + 3 * 1000);
  });
});

describe('countLayer element-wise ops (never MACs)', () => {
  it('BatchNormalization: 2 per value; ReLU: 1; ReLU6: 2', () => {
    const bn = countLayer(layer('BatchNormalization', {}, [[null, 10, 10, 4]], [null, 10, 10, 4]));
    expect(bn).toEqual({ macs: 0, elementwiseOps: 800 });
    expect(countLayer(layer('Activation', { activation: 'relu' }, [[null, 10, 10, 4]], [null, 10, 10, 4])).elementwiseOps).toBe(400);
    expect(countLayer(layer('ReLU', { maxValue: 6 }, [[null, 10, 10, 4]], [null, 10, 10, 4])).elementwiseOps).toBe(800);
  });

  it('Add of n inputs: (n-1) per output value', () => {
    const add = countLayer(layer('Add', {}, [[null, 74, 74, 128], [null, 74, 74, 128]], [null, 74, 74, 128]));
    expect(add).toEqual({ macs: 0, elementwiseOps: 74 * 74 * 128 });
  });

  it('MaxPooling2D 3x3: 8 comparisons per output value; global average pooling: one add per input', () => {
    expect(countLayer(layer('MaxPooling2D', { poolSize: [3, 3] }, [[null, 147, 147, 128]], [null, 74, 74, 128])).elementwiseOps).toBe(8 * 74 * 74 * 128);
    expect(countLayer(layer('GlobalAveragePooling2D', {}, [[null, 10, 10, 2048]], [null, 2048])).elementwiseOps).toBe(10 * 10 * 2048 + 2048);
  });

  it('an unknown layer counts as zero with a named diagnostic', () => {
    const c = countLayer({ ...layer('FixedDropout', {}, [[null, 4]], [null, 4]), name: 'x' });
    expect(c.macs).toBe(0);
    expect(c.unsupported).toBe('layer "x" of class "FixedDropout" is not supported; it counts as 0 MACs');
  });
});

describe('countLayer across the layer kinds of model files (hand-computed)', () => {
  it('Conv2D: dilation does not change the count; groups divide the input channels', () => {
    const dilated = countLayer(layer('Conv2D', { kernelSize: [3, 3], dilationRate: [2, 2], useBias: true }, [[null, 28, 28, 1]], [null, 24, 24, 4]));
    expect(dilated.macs).toBe(24 * 24 * 4 * 9 * 1);
    expect(dilated.elementwiseOps).toBe(24 * 24 * 4); // bias
    const grouped = countLayer(layer('Conv2D', { kernelSize: [1, 1], groups: 2 }, [[null, 4, 4, 8]], [null, 4, 4, 6]));
    expect(grouped.macs).toBe(4 * 4 * 6 * 1 * 4);
  });

  it('DepthwiseConv2D with a depth multiplier and a bias', () => {
    const c = countLayer(layer('DepthwiseConv2D', { kernelSize: [5, 5], depthMultiplier: 3, useBias: true, activation: 'relu6' }, [[null, 10, 10, 4]], [null, 10, 10, 12]));
    expect(c.macs).toBe(10 * 10 * 12 * 25);
    expect(c.elementwiseOps).toBe(1200 + 2 * 1200); // bias, relu6
  });

  it('LayerNormalization: 6 ops per value for the statistics, plus gamma and beta', () => {
    expect(countLayer(layer('LayerNormalization', { scale: true, center: true }, [[null, 5, 7]], [null, 5, 7])).elementwiseOps).toBe(8 * 35);
    expect(countLayer(layer('LayerNormalization', { scale: false, center: true }, [[null, 5, 7]], [null, 5, 7])).elementwiseOps).toBe(7 * 35);
  });

  it('data movement costs nothing: asymmetric ZeroPadding2D, Flatten, Reshape, Dropout, Concatenate', () => {
    expect(countLayer(layer('ZeroPadding2D', { padding: [[0, 1], [0, 1]] }, [[null, 224, 224, 3]], [null, 225, 225, 3]))).toEqual({ macs: 0, elementwiseOps: 0 });
    for (const c of ['Flatten', 'Reshape', 'Dropout', 'Cropping2D']) expect(countLayer(layer(c, {}, [[null, 4, 4, 2]], [null, 32]))).toEqual({ macs: 0, elementwiseOps: 0 });
    expect(countLayer(layer('Concatenate', { axis: -1 }, [[null, 4, 4, 2], [null, 4, 4, 3]], [null, 4, 4, 5]))).toEqual({ macs: 0, elementwiseOps: 0 });
  });

  it('Multiply of 3 inputs: 2 per value; Average: 3 per value', () => {
    const shapes: Shape[] = [[null, 2, 2, 5], [null, 2, 2, 5], [null, 2, 2, 5]];
    expect(countLayer(layer('Multiply', {}, shapes, [null, 2, 2, 5])).elementwiseOps).toBe(2 * 20);
    expect(countLayer(layer('Average', {}, shapes, [null, 2, 2, 5])).elementwiseOps).toBe(3 * 20);
  });

  it('pooling: average kh*kw per output value; global max one comparison per input value beyond the first', () => {
    expect(countLayer(layer('AveragePooling2D', { poolSize: [7, 7] }, [[null, 7, 7, 2048]], [null, 1, 1, 2048])).elementwiseOps).toBe(49 * 2048);
    expect(countLayer(layer('GlobalMaxPooling2D', {}, [[null, 7, 7, 8]], [null, 8])).elementwiseOps).toBe(7 * 7 * 8 - 8);
  });

  it('activations: ReLU 1 (2 with max_value), Softmax 3, Activation by name', () => {
    expect(countLayer(layer('ReLU', {}, [[null, 10]], [null, 10])).elementwiseOps).toBe(10);
    expect(countLayer(layer('Softmax', {}, [[null, 10]], [null, 10])).elementwiseOps).toBe(30);
    expect(countLayer(layer('Activation', { activation: 'sigmoid' }, [[null, 10]], [null, 10])).elementwiseOps).toBe(30);
  });

  it('UpSampling2D: nearest copies, bilinear 7 ops per output value', () => {
    expect(countLayer(layer('UpSampling2D', { size: [2, 2], interpolation: 'nearest' }, [[null, 4, 4, 3]], [null, 8, 8, 3])).elementwiseOps).toBe(0);
    expect(countLayer(layer('UpSampling2D', { size: [2, 2], interpolation: 'bilinear' }, [[null, 4, 4, 3]], [null, 8, 8, 3])).elementwiseOps).toBe(7 * 192);
  });

  it('a shared layer costs once per call, each call with its own shapes', () => {
    const shared = {
      ...layer('Dense', { units: 4, useBias: false }, [[null, 8]], [null, 4]),
      laterCalls: [{ inputShapes: [[null, 3, 8]], outputShapes: [[null, 3, 4]] }],
    };
    expect(countLayer(shared).macs).toBe(8 * 4 + 3 * 8 * 4);
  });

  it('a nested model costs the sum of its layers, and names its unsupported ones', () => {
    const nested = {
      ...layer('Functional', {}, [[null, 8, 8, 3]], [null, 8, 8, 4]),
      name: 'backbone',
      children: [
        layer('InputLayer', {}, [], [null, 8, 8, 3]),
        layer('Conv2D', { kernelSize: [1, 1] }, [[null, 8, 8, 3]], [null, 8, 8, 4]),
        { ...layer('FixedDropout', {}, [[null, 8, 8, 4]], [null, 8, 8, 4]), name: 'fd' },
      ],
    };
    const c = countLayer(nested);
    expect(c.macs).toBe(8 * 8 * 4 * 3);
    expect(c.unsupported).toBe('nested model "backbone": layer "fd" of class "FixedDropout" is not supported; it counts as 0 MACs');
  });
});
