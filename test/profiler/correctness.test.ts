import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { buildXception } from '../../src/model/xception';
import { checkAgainstCpu, reducedSize } from '../../src/profiler/correctness';

describe('checkAgainstCpu on the WASM engine', () => {
  beforeAll(async () => {
    await initWasmBackend(tf, { threads: 1 });
  });

  it('flags a depthwise 1x3 stride-2 "same" layer, which TF.js WASM computes wrong on even inputs', async () => {
    const input = tf.input({ shape: [8, 8, 4] });
    const dw = tf.layers.depthwiseConv2d({ kernelSize: [1, 3], strides: 2, padding: 'same', useBias: false, name: 'dw_1x3_s2' }).apply(input) as tf.SymbolicTensor;
    const ok = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 1, padding: 'same', useBias: false, name: 'dw_3x3' }).apply(dw) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: ok });
    const before = tf.memory().numTensors;
    const result = await checkAgainstCpu(tf, model);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
    const byLayer = Object.fromEntries(result.checks.map((c) => [c.layer, c]));
    expect(byLayer.dw_1x3_s2.ok).toBe(false);
    expect(byLayer.dw_1x3_s2.maxRelError).toBeGreaterThan(0.01);
    expect(byLayer.dw_1x3_s2.kind).toMatch(/^DepthwiseConv2D\(kernelSize=\[1,3\], strides=\[2,2\], padding="same"/);
    expect(byLayer.dw_3x3.ok).toBe(true);
    expect(byLayer.dw_3x3.maxRelError).toBeLessThan(1e-4);
    model.dispose();
  });

  it('runs nested models and shape-bound layers (Flatten + Dense) at their real shapes', async () => {
    const inner = tf.input({ shape: [32, 32, 8] });
    const pooled = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: 'pool' }).apply(
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'valid', name: 'inner_conv' }).apply(inner),
    ) as tf.SymbolicTensor;
    const head = tf.model({ inputs: inner, outputs: pooled, name: 'head' });
    const input = tf.input({ shape: [32, 32, 3] });
    const features = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'conv' }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({ name: 'flat' }).apply(head.apply(features)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 5, name: 'dense' }).apply(flat) as tf.SymbolicTensor });
    const result = await checkAgainstCpu(tf, model);
    expect(result.checks.map((c) => [c.layer, c.ok, c.error])).toEqual([
      ['conv', true, undefined],
      ['head', true, undefined],
      ['flat', true, undefined],
      ['dense', true, undefined],
    ]);
    model.dispose();
  });

  it('finds every kind of layer in Xception correct on WASM', async () => {
    const model = buildXception(tf, { inputSize: 71 });
    const result = await checkAgainstCpu(tf, model);
    expect(result.backend).toBe('wasm');
    const kinds = result.checks.map((c) => c.kind.split('(')[0]);
    expect(new Set(kinds)).toEqual(new Set(['Conv2D', 'BatchNormalization', 'Activation', 'SeparableConv2D', 'MaxPooling2D', 'Add', 'GlobalAveragePooling2D', 'Dense']));
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    // All 34 separable convs share one kind (3x3, stride 1, same).
    expect(result.checks.find((c) => c.kind.startsWith('SeparableConv2D'))!.layers).toHaveLength(34);
    model.dispose();
  });
});

describe('reducedSize', () => {
  it('keeps the size modulo 2 x stride and at least 2 x kernel + stride', () => {
    expect(reducedSize(147, 3, 1)).toBe(7);
    expect(reducedSize(74, 1, 2)).toBe(6);
    expect(reducedSize(299, 3, 2)).toBe(11);
    expect(reducedSize(8, 3, 2)).toBe(8);
  });
});
