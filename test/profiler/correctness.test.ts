import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { checkAgainstCpu, CORRECTNESS_RTOL, layerKind, maxErrors, reducedSize, testShapes } from '../../src/profiler/correctness';

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
});

describe('reducedSize', () => {
  it('keeps the size modulo 2 x stride and at least 2 x kernel + stride', () => {
    expect(reducedSize(147, 3, 1)).toBe(7);
    expect(reducedSize(74, 1, 2)).toBe(6);
    expect(reducedSize(299, 3, 2)).toBe(11);
    expect(reducedSize(8, 3, 2)).toBe(8);
    // Kernel 3, stride 2: at least 8, period 4. Up to 8 + 4 the size is kept; 13 (1 mod 4) becomes 9.
    expect(reducedSize(12, 3, 2)).toBe(12);
    expect(reducedSize(13, 3, 2)).toBe(9);
    expect(reducedSize(14, 3, 2)).toBe(10);
  });
});

describe('layerKind, testShapes and maxErrors, by hand', () => {
  const input = tf.input({ shape: [147, 146, 3], name: 'img' });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: 'conv' });
  const dilated = tf.layers.conv2d({ filters: 2, kernelSize: [3, 1], dilationRate: 2, padding: 'same', name: 'dilated' });
  const pool = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: 'pool' });
  const add = tf.layers.add({ name: 'add' });
  const flat = tf.layers.flatten({ name: 'flat' });
  const y = conv.apply(input) as tf.SymbolicTensor;
  add.apply([dilated.apply(y) as tf.SymbolicTensor, pool.apply(y) as tf.SymbolicTensor]);
  flat.apply(y);

  it('a kind names the class and the config fields that choose a kernel path, in a fixed order', () => {
    expect(layerKind(conv)).toBe('Conv2D(kernelSize=[3,3], strides=[2,2], padding="valid", dilationRate=[1,1], activation="linear", useBias=true)');
    expect(layerKind(pool)).toBe('MaxPooling2D(strides=[1,1], padding="same", poolSize=[3,3])');
    expect(layerKind(flat)).toBe('Flatten()');
  });

  it('test inputs: batch 1, H and W reduced for local layers by the (dilated) kernel and stride, real shapes for the rest', () => {
    // 147 x 146, kernel 3, stride 2: at least 8, same residue mod 4: 11 (147 = 3 mod 4) and 10 (146 = 2 mod 4).
    expect(testShapes(conv)).toEqual([[1, 11, 10, 3]]);
    // Input 73 x 72: kernel [3, 1] dilated by 2 = [5, 1]; stride 1 (period 2): 11 (odd), 4 (even, at least 3).
    expect(testShapes(dilated)).toEqual([[1, 11, 4, 2]]);
    // Pooling uses its pool size: 3 x 3, stride 1: 7 and 8.
    expect(testShapes(pool)).toEqual([[1, 7, 8, 2]]);
    // Merges: one shape per input; without a kernel the smallest input is 3 (2 x 1 + 1).
    expect(testShapes(add)).toEqual([[1, 3, 4, 2], [1, 3, 4, 2]]);
    expect(testShapes(flat)).toEqual([[1, 73, 72, 2]]);
    const seq = tf.input({ shape: [null, 4] });
    const dense = tf.layers.dense({ units: 2, name: 'on_seq' });
    dense.apply(seq);
    expect(testShapes(dense)).toEqual([[1, 1, 4]]);
  });

  it('maxErrors: largest absolute difference, over the largest reference value; different lengths are infinitely wrong', () => {
    expect(maxErrors([1, 2, 3], [1, 2.5, -4])).toEqual({ abs: 7, rel: 7 / 4 });
    expect(maxErrors([0.5, 0], [0, 0])).toEqual({ abs: 0.5, rel: 0.5 });
    expect(maxErrors([1, 2], [1])).toEqual({ abs: Infinity, rel: Infinity });
    expect(maxErrors([2, 3], [2, 3])).toEqual({ abs: 0, rel: 0 });
  });
});

describe('checkAgainstCpu verdicts', () => {
  beforeAll(async () => {
    await initWasmBackend(tf, { threads: 1 });
  });

  /** x [4] -> Dense "a" -> Dense "b" (same kind) -> Dense(relu) "c" (another kind). */
  function denses(): tf.LayersModel {
    const x = tf.input({ shape: [4], name: 'x' });
    const a = tf.layers.dense({ units: 4, name: 'a' }).apply(x) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4, name: 'b' }).apply(a) as tf.SymbolicTensor;
    return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2, activation: 'relu', name: 'c' }).apply(b) as tf.SymbolicTensor });
  }

  it('the cpu engine is the reference: nothing to check', async () => {
    await tf.setBackend('cpu');
    const model = denses();
    expect(await checkAgainstCpu(tf, model)).toEqual({ backend: 'cpu', checks: [] });
    model.dispose();
    await tf.setBackend('wasm');
  });

  it('one check per kind, run on its first layer; layers of one kind share it', async () => {
    const model = denses();
    const result = await checkAgainstCpu(tf, model);
    expect(result.checks.map((c) => [c.layer, c.layers, c.ok, c.error])).toEqual([
      ['a', ['a', 'b'], true, undefined],
      ['c', ['c'], true, undefined],
    ]);
    for (const c of result.checks) {
      expect(c.maxRelError).toBeLessThanOrEqual(CORRECTNESS_RTOL);
      expect(c.maxAbsError).toBeLessThanOrEqual(c.maxRelError * 1e3);
    }
    model.dispose();
  });

  it('a layer that fails on the engine but runs on cpu is wrong; one that fails on both is not checked', async () => {
    const model = denses();
    const a = model.getLayer('a');
    const c = model.getLayer('c');
    const callA = a.call.bind(a);
    a.call = (inputs, kwargs) => {
      if (tf.getBackend() === 'wasm') throw new Error('no kernel on wasm\nsecond line');
      return callA(inputs, kwargs);
    };
    c.call = () => {
      throw new Error('fails everywhere');
    };
    const before = tf.memory().numTensors;
    const result = await checkAgainstCpu(tf, model);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
    expect(result.checks).toEqual([
      { layer: 'a', layers: ['a', 'b'], kind: layerKind(a), maxAbsError: Infinity, maxRelError: Infinity, ok: false, error: 'fails on wasm: no kernel on wasm' },
      { layer: 'c', layers: ['c'], kind: layerKind(c), maxAbsError: NaN, maxRelError: NaN, ok: true, error: 'not checked: fails everywhere' },
    ]);
    model.dispose();
  });
});
