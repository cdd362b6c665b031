import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { checkAgainstCpu, checkFaithful, CORRECTNESS_RTOL, layerKind, maxErrors, reducedSize, testShapes } from '../../src/profiler/correctness';

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

describe('checkFaithful against the plain-JS references', () => {
  beforeAll(async () => {
    await initWasmBackend(tf, { threads: 1 });
  });

  /** Layers of each class checkFaithful has a reference for, on a 9x9x3 input (5 of them in a nested model). */
  function zoo(): tf.LayersModel {
    const x = tf.input({ shape: [9, 9, 3], name: 'x' });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv' }).apply(x) as tf.SymbolicTensor;
    const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'valid', name: 'dw' }).apply(x) as tf.SymbolicTensor;
    const convT = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', name: 'convT' }).apply(conv) as tf.SymbolicTensor;
    const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(dw) as tf.SymbolicTensor;
    const gmp = tf.layers.globalMaxPooling2d({ name: 'gmp' }).apply(convT) as tf.SymbolicTensor;
    const seq = tf.layers.reshape({ targetShape: [25, 4], name: 'seq' }).apply(conv) as tf.SymbolicTensor;
    const gap1 = tf.layers.globalAveragePooling1d({ name: 'gap1' }).apply(seq) as tf.SymbolicTensor;
    const gmp1 = tf.layers.globalMaxPooling1d({ name: 'gmp1' }).apply(seq) as tf.SymbolicTensor;
    // Nested: relu6 (ReLU, max 6), tanh (Dense, default branch), soft (Dense, softmax: no reference).
    const innerIn = tf.input({ shape: [4], name: 'inner_in' });
    const relu6 = tf.layers.reLU({ maxValue: 6, name: 'relu6' }).apply(tf.layers.dense({ units: 4, name: 'pre' }).apply(innerIn)) as tf.SymbolicTensor;
    const tanh = tf.layers.dense({ units: 3, activation: 'tanh', name: 'tanh' }).apply(relu6) as tf.SymbolicTensor;
    const soft = tf.layers.dense({ units: 2, activation: 'softmax', name: 'soft' }).apply(tanh) as tf.SymbolicTensor;
    const inner = tf.model({ inputs: innerIn, outputs: soft, name: 'inner' });
    const head = inner.apply(gap1) as tf.SymbolicTensor;
    const out = tf.layers.concatenate({ name: 'cat' }).apply([gap, gmp, gmp1, head]) as tf.SymbolicTensor;
    return tf.model({ inputs: x, outputs: out });
  }

  const replaced = (...paths: string[]) => new Map(paths.map((p) => [p, { kind: 'faithful-replacement' }]));

  it('finds each class equal to its reference (depth multiplier 2, transposed conv, 1-D and 2-D global pools, ReLU, an activation), on cpu, and names what it could not check', async () => {
    await tf.setBackend('wasm');
    const model = zoo();
    const executions = replaced('conv', 'dw', 'convT', 'gap', 'gmp', 'gap1', 'gmp1', 'inner/relu6', 'inner/tanh', 'inner/soft', 'inner/missing');
    executions.set('seq', { kind: 'native' });
    const checks = await checkFaithful(tf, model, executions);
    expect(tf.getBackend()).toBe('wasm');
    // Once more, counting tensors, without the ReLU: TF.js 4.22's ReLU layer with a maxValue leaves
    // one tensor per call behind (its own leak: reLU({ maxValue: 6 }).apply(x) alone does it).
    executions.delete('inner/relu6');
    const before = tf.memory().numTensors;
    expect(await checkFaithful(tf, model, executions)).toHaveLength(checks.length - 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(checks.map((c) => [c.layer, c.className, c.ok, c.error])).toEqual([
      ['conv', 'Conv2D', true, undefined],
      ['dw', 'DepthwiseConv2D', true, undefined],
      ['convT', 'Conv2DTranspose', true, undefined],
      // TF.js's own global pools drop the pooled axes; the replacement's reference keeps them
      // (Keras's keepdims=True, [1, 1, 1, C]): another shape, flagged.
      ['gap', 'GlobalAveragePooling2D', false, undefined],
      ['gmp', 'GlobalMaxPooling2D', false, undefined],
      ['gap1', 'GlobalAveragePooling1D', false, undefined],
      ['gmp1', 'GlobalMaxPooling1D', false, undefined],
      ['inner/relu6', 'ReLU', true, undefined],
      ['inner/tanh', 'Dense', true, undefined],
      ['inner/soft', 'Dense', true, 'not checked: no reference for activation "softmax"'],
    ]);
    for (const c of [...checks.slice(0, 3), ...checks.slice(7, 9)]) expect(c.maxRelError).toBeLessThanOrEqual(CORRECTNESS_RTOL);
    for (const c of checks.slice(3, 7)) expect(c).toMatchObject({ maxAbsError: Infinity, maxRelError: Infinity });
    expect(checks.at(-1)).toMatchObject({ maxAbsError: NaN, maxRelError: NaN });
    expect(await checkFaithful(tf, model, new Map([['conv', { kind: 'native' }]]))).toEqual([]);
    model.dispose();
  });

  it('flags a layer whose output differs from the reference, in values (on inputs of both signs) or in shape', async () => {
    await tf.setBackend('wasm');
    const model = zoo();
    // inner/relu6 computed as the identity on cpu: wrong for the negative inputs only.
    const relu6 = (model.getLayer('inner') as tf.LayersModel).getLayer('relu6');
    relu6.call = (inputs) => (Array.isArray(inputs) ? inputs[0] : inputs).clone();
    // gap returns a [1, 1] tensor where the reference has [1, 6].
    model.getLayer('gap').call = () => tf.zeros([1, 1]);
    // conv right on cpu, wrong elsewhere: the check must run on cpu.
    const conv = model.getLayer('conv');
    const call = conv.call.bind(conv);
    conv.call = (inputs, kwargs) => {
      const y = call(inputs, kwargs) as tf.Tensor;
      return tf.getBackend() === 'cpu' ? y : tf.add(y, 1);
    };
    const checks = await checkFaithful(tf, model, replaced('conv', 'inner/relu6', 'gap'));
    expect(tf.getBackend()).toBe('wasm');
    expect(checks.map((c) => [c.layer, c.ok])).toEqual([['conv', true], ['inner/relu6', false], ['gap', false]]);
    expect(checks[1].maxRelError).toBeGreaterThan(0.1);
    expect(checks[2]).toMatchObject({ maxAbsError: Infinity, maxRelError: Infinity });
    model.dispose();
  });
});
