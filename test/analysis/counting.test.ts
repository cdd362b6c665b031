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
