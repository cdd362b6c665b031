import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { buildXception } from '../../src/model/xception';
import { attachTimings } from '../../src/profiler/attach';
import { kernelTimeError, profileModel, summarize, type PassSample } from '../../src/profiler/profile';
import { median, percentile } from '../../src/profiler/stats';

describe('profileModel on the WASM engine, Xception 71x71', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await initWasmBackend(tf, { threads: 1 });
    model = buildXception(tf, { inputSize: 71, seed: 3 });
  });
  afterAll(() => model?.dispose());

  it('times every layer, attributes every kernel to its layer, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const passes: boolean[] = [];
    const result = await profileModel(tf, model, { warmupRuns: 1, runs: 3, onPass: (_s, _i, warmup) => passes.push(warmup) });
    expect(tf.memory().numTensors).toBe(before);
    expect(passes).toEqual([true, false, false, false]);

    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    expect(Object.keys(result.layers).sort()).toEqual(layers.map((l) => l.name).sort());
    for (const layer of layers) {
      const t = result.layers[layer.name];
      expect(t.medianMs, layer.name).toBeGreaterThan(0);
      expect(t.p90Ms!).toBeGreaterThanOrEqual(t.minMs!);
      expect(t.runs).toBe(3);
    }
    // Kernels land on the layer that ran them.
    const kernelsOf = (name: string) => result.layers[name].kernels.map((k) => k.name);
    expect(kernelsOf('block4_sepconv2')).toEqual(expect.arrayContaining(['DepthwiseConv2dNative']));
    expect(kernelsOf('block4_sepconv2').some((k) => /Conv2D/.test(k))).toBe(true);
    expect(kernelsOf('block2_pool')).toEqual(['MaxPool']);
    expect(kernelsOf('add_3')).toContain('Add');
    expect(kernelsOf('block1_conv1_act')).toEqual(['Relu']);
    expect(kernelsOf('predictions')).toContain('Softmax');
    for (const t of Object.values(result.layers)) for (const k of t.kernels) expect(k.medianMs).not.toBeNaN();
    expect(result.missingKernelTimes).toEqual([]);

    expect(result.pass.timedRuns).toBe(3);
    expect(result.pass.predictMedianMs).toBeGreaterThan(0);
    expect(result.pass.profiledMedianMs).toBeGreaterThan(0);
    expect(result.pass.layerSumMs).toBeCloseTo(Object.values(result.layers).reduce((a, l) => a + l.medianMs!, 0), 6);

    const report = attachTimings(analyzeModel(model), result);
    expect(report.layers.find((l) => l.name === 'block4_sepconv2')!.timing).toEqual(result.layers.block4_sepconv2);
    const middle = report.flows.find((f) => f.name === 'middle')!;
    expect(middle.medianMs).toBeCloseTo(middle.layers.reduce((a, n) => a + result.layers[n].medianMs!, 0), 6);
  });

  it('stops between layers when aborted, without leaking', async () => {
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    abort.abort();
    await expect(profileModel(tf, model, { runs: 1, warmupRuns: 0, signal: abort.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('profiledPass with a layer that returns its input (Dropout at inference)', () => {
  it('keeps the shared value alive for every consumer and disposes it once', async () => {
    await tf.setBackend('cpu');
    const input = tf.input({ shape: [8] });
    const a = tf.layers.dense({ units: 4, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const drop = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(a) as tf.SymbolicTensor;
    const left = tf.layers.dense({ units: 2, name: 'left' }).apply(drop) as tf.SymbolicTensor;
    const right = tf.layers.dense({ units: 2, name: 'right' }).apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.add({ name: 'sum' }).apply([left, right]) as tf.SymbolicTensor });
    const before = tf.memory().numTensors;
    const result = await profileModel(tf, model, { runs: 2, warmupRuns: 1 });
    expect(Object.keys(result.layers).sort()).toEqual(['a', 'drop', 'left', 'right', 'sum']);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('profiledPass with a shared layer (cpu engine)', () => {
  /**
   * Profiles `model` on the cpu engine and keeps, per pass, the times of its `_FusedMatMul`
   * kernels in the order they ran, read from the engine's own profile of that pass.
   */
  async function profileKeepingMatMulTimes(model: tf.LayersModel, runs: number) {
    await tf.setBackend('cpu');
    const perPass: number[][] = [];
    const result = await profileModel(tf, model, {
      runs,
      warmupRuns: 0,
      comparePredict: false,
      onPass: () => {
        const kernels = (tf.engine().state as unknown as { activeProfile: { kernels: { name: string; kernelTimeMs: number }[] } }).activeProfile.kernels;
        perPass.push(kernels.filter((k) => k.name === '_FusedMatMul').map((k) => k.kernelTimeMs));
      },
    });
    return { result, perPass };
  }

  it('sums a shared Dense layer\'s kernels over both calls: _FusedMatMul has calls 2 and the summed time', async () => {
    const input = tf.input({ shape: [16] });
    const shared = tf.layers.dense({ units: 16, name: 'shared' });
    const once = shared.apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: shared.apply(once) as tf.SymbolicTensor });
    const { result, perPass } = await profileKeepingMatMulTimes(model, 3);
    expect(Object.keys(result.layers)).toEqual(['shared']);
    result.samples.forEach((sample, i) => {
      expect(perPass[i]).toHaveLength(2);
      const matMul = sample.kernels.shared.filter((k) => k.name === '_FusedMatMul');
      expect(matMul).toEqual([{ name: '_FusedMatMul', calls: 2, ms: perPass[i][0] + perPass[i][1] }]);
      expect(perPass[i][0]).toBeGreaterThan(0);
      expect(matMul[0].ms).toBeLessThanOrEqual(sample.layerMs.shared);
    });
    expect(result.layers.shared.kernels.find((k) => k.name === '_FusedMatMul')).toEqual({ name: '_FusedMatMul', calls: 2, medianMs: median(perPass.map(([a, b]) => a + b)) });
    // Each kernel name is listed once per layer.
    const names = result.layers.shared.kernels.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    model.dispose();
  });

  it('sums a shared nested model\'s kernels over both calls', async () => {
    const innerInput = tf.input({ shape: [8] });
    const hidden = tf.layers.dense({ units: 8, activation: 'relu', name: 'inner_a' }).apply(innerInput) as tf.SymbolicTensor;
    const inner = tf.model({ inputs: innerInput, outputs: tf.layers.dense({ units: 8, name: 'inner_b' }).apply(hidden) as tf.SymbolicTensor, name: 'inner' });
    const input = tf.input({ shape: [8] });
    const twice = inner.apply(inner.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'head' }).apply(twice) as tf.SymbolicTensor });
    const { result, perPass } = await profileKeepingMatMulTimes(model, 2);
    expect(Object.keys(result.layers).sort()).toEqual(['head', 'inner']);
    result.samples.forEach((sample, i) => {
      // Matmuls run in order: 2 calls of inner (2 each), then head's.
      expect(perPass[i]).toHaveLength(5);
      const innerMs = perPass[i].slice(0, 4).reduce((a, b) => a + b, 0);
      const matMulOf = (layer: string) => sample.kernels[layer].filter((k) => k.name === '_FusedMatMul');
      expect(matMulOf('inner')).toEqual([{ name: '_FusedMatMul', calls: 4, ms: innerMs }]);
      expect(matMulOf('head')).toEqual([{ name: '_FusedMatMul', calls: 1, ms: perPass[i][4] }]);
      expect(innerMs).toBeLessThanOrEqual(sample.layerMs.inner);
    });
    expect(result.layers.inner.kernels.find((k) => k.name === '_FusedMatMul')!.calls).toBe(4);
    model.dispose();
  });
});

describe('profiledPass when a layer throws', () => {
  it('rejects with the error, leaks nothing and leaves the engine out of profiling mode', async () => {
    await tf.setBackend('cpu');
    const input = tf.input({ shape: [8] });
    const a = tf.layers.dense({ units: 4, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 2, name: 'b' }).apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: b });
    const broken = model.getLayer('b');
    broken.call = () => {
      throw new Error('kernel failed');
    };
    const before = tf.memory().numTensors;
    await expect(profileModel(tf, model, { runs: 1, warmupRuns: 0, comparePredict: false })).rejects.toThrow('kernel failed');
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.engine().state as unknown as { profiling: boolean }).profiling).toBe(false);
    model.dispose();
  });
});

describe('summarize', () => {
  const sample = (layerMs: number, kernelMs: number): PassSample => ({
    passMs: layerMs + 1,
    readbackMs: 0.5,
    predictMs: layerMs,
    layerMs: { conv: layerMs },
    kernels: { conv: [{ name: 'Conv2D', ms: kernelMs, calls: 1 }] },
  });

  it('leaves missing kernel times out of the medians and flags the layer', () => {
    const r = summarize([sample(10, 9), sample(12, NaN), sample(11, 10)], 1, 1);
    expect(r.layers.conv.medianMs).toBe(11);
    expect(r.layers.conv.kernels[0].medianMs).toBe(9.5);
    expect(r.missingKernelTimes).toEqual(['conv']);
    expect(r.pass.overheadRatio).toBeCloseTo(12 / 11, 10);
  });

  it('reports n/a (null) when no sample is valid, and says why', () => {
    const r = summarize([sample(NaN, NaN)], 0, 1);
    expect(r.layers.conv.medianMs).toBeNull();
    expect(r.layers.conv.runs).toBe(0);
    expect(r.layers.conv.naReason).toBe('no valid wall-time sample');
    expect(r.layers.conv.kernels[0]).toEqual({ name: 'Conv2D', medianMs: null, naReason: 'kernel time not a finite number', calls: 1 });
  });

  it("keeps the backend's reason for a kernel without a time", () => {
    const timerError = 'WebGL query timers are not supported in this environment.';
    const s = sample(10, NaN);
    s.kernels.conv[0].error = kernelTimeError({ error: timerError });
    const r = summarize([s, sample(11, NaN)], 0, 1);
    expect(r.layers.conv.kernels[0]).toEqual({ name: 'Conv2D', medianMs: null, naReason: timerError, calls: 1 });
    expect(r.layers.conv.naReason).toBeUndefined();
    expect(kernelTimeError(undefined)).toBe('kernel time not recorded');
    expect(kernelTimeError(Promise.resolve(1))).toBe('kernel time not recorded');
  });
});

describe('stats', () => {
  it('median and nearest-rank p90', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 90)).toBe(5);
    expect(median([])).toBeNull();
  });
});
