import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/report/defaults';
import { createInputs, kernelTimeError, passPair, predictPass, profiledPass, profileModel, summarize, yieldToEventLoop, type PassSample } from '../../src/profiler/profile';
import { median, percentile } from '../../src/profiler/stats';

// Tiny models on the plain-JS cpu engine; Xception end to end is in profileXception.test.ts.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** x [4] -> Dense(3, relu) "d" -> Softmax "s". */
function denseSoftmax(): tf.LayersModel {
  const input = tf.input({ shape: [4], name: 'x' });
  const d = tf.layers.dense({ units: 3, activation: 'relu', name: 'd' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.activation({ activation: 'softmax', name: 's' }).apply(d) as tf.SymbolicTensor });
}

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

describe('profileModel, options and passes', () => {
  it('rejects runs, warm-up runs and batch sizes that are not counts, naming the value', async () => {
    const model = denseSoftmax();
    await expect(profileModel(tf, model, { runs: 0 })).rejects.toThrow(new RangeError('runs must be a positive integer; got 0'));
    await expect(profileModel(tf, model, { runs: 1.5 })).rejects.toThrow('runs must be a positive integer; got 1.5');
    await expect(profileModel(tf, model, { warmupRuns: -1 })).rejects.toThrow(new RangeError('warmupRuns must be >= 0; got -1'));
    await expect(profileModel(tf, model, { warmupRuns: 0.5 })).rejects.toThrow('warmupRuns must be >= 0; got 0.5');
    await expect(profileModel(tf, model, { batchSize: 0 })).rejects.toThrow(new RangeError('batchSize must be a positive integer; got 0'));
    await expect(profileModel(tf, model, { batchSize: 2.5 })).rejects.toThrow('batchSize must be a positive integer; got 2.5');
    model.dispose();
  });

  it('numbers warm-up passes and timed passes from 0 each, keeps only the timed ones, and times predict beside each', async () => {
    const model = denseSoftmax();
    const before = tf.memory().numTensors;
    const seen: [number, boolean, PassSample][] = [];
    const result = await profileModel(tf, model, { warmupRuns: 2, runs: 3, batchSize: 4, onPass: (s, i, warmup) => seen.push([i, warmup, s]) });
    expect(seen.map(([i, w]) => [i, w])).toEqual([[0, true], [1, true], [0, false], [1, false], [2, false]]);
    expect(result.samples).toEqual(seen.slice(2).map(([, , s]) => s));
    expect(result.samples.every((s) => s.predictMs! > 0)).toBe(true);
    expect(result.pass).toMatchObject({ warmupRuns: 2, timedRuns: 3, batchSize: 4 });
    expect(result.pass.predictMedianMs).toBe(median(result.samples.map((s) => s.predictMs!)));
    expect(result.pass.profiledMedianMs).toBe(median(result.samples.map((s) => s.passMs)));
    expect(result.pass.readbackMedianMs).toBe(median(result.samples.map((s) => s.readbackMs)));
    expect(result.pass.overheadRatio).toBe(result.pass.profiledMedianMs! / result.pass.predictMedianMs!);
    expect(Object.keys(result.layers)).toEqual(['d', 's']);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('uses DEFAULTS without options; without predict, the plain pass is not timed', async () => {
    const model = denseSoftmax();
    let passes = 0;
    const byDefault = await profileModel(tf, model, { onPass: () => passes++ });
    expect(passes).toBe(DEFAULTS.warmupRuns + DEFAULTS.timedRuns);
    expect(byDefault.pass).toMatchObject({ warmupRuns: DEFAULTS.warmupRuns, timedRuns: DEFAULTS.timedRuns, batchSize: DEFAULTS.batchSize });
    expect((await profileModel(tf, model)).pass.timedRuns).toBe(DEFAULTS.timedRuns);
    const plain = await profileModel(tf, model, { runs: 2, warmupRuns: 0, comparePredict: false });
    expect(plain.samples.map((s) => s.predictMs)).toEqual([null, null]);
    expect(plain.pass.predictMedianMs).toBeNull();
    expect(plain.pass.overheadRatio).toBeNull();
    model.dispose();
  });

  it('stops before a pass when aborted (also between passes), without leaking', async () => {
    const model = denseSoftmax();
    const before = tf.memory().numTensors;
    const aborted = new AbortController();
    aborted.abort();
    await expect(profileModel(tf, model, { runs: 1, warmupRuns: 0, signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError', message: 'profiling cancelled' });
    await expect(profiledPass(tf, model, [tf.zeros([1, 4])], { signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const later = new AbortController();
    let passes = 0;
    const run = profileModel(tf, model, { runs: 5, warmupRuns: 0, signal: later.signal, onPass: () => { passes++; later.abort(); } });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(passes).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 1); // the zeros above: the caller's input
    model.dispose();
  });
});

describe('profiledPass on a model with two inputs and two outputs', () => {
  /** a [3], b [2] -> concat "cat" [5] -> Dense(2) "head"; outputs: head and cat itself. */
  function twoByTwo(): tf.LayersModel {
    const a = tf.input({ shape: [3], name: 'a' });
    const b = tf.input({ shape: [2], name: 'b' });
    const cat = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor;
    const head = tf.layers.dense({ units: 2, name: 'head' }).apply(cat) as tf.SymbolicTensor;
    return tf.model({ inputs: [a, b], outputs: [head, cat] });
  }

  it('runs each layer once, attributes its kernels (the fusedMatMul__op wrapper skipped), and disposes all but the inputs', async () => {
    const model = twoByTwo();
    const inputs = createInputs(tf, model, 2);
    expect(inputs.map((t) => [t.shape, t.dtype])).toEqual([[[2, 3], 'float32'], [[2, 2], 'float32']]);
    const values = inputs.flatMap((t) => [...t.dataSync()]);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const before = tf.memory().numTensors;
    const pass = await profiledPass(tf, model, inputs, {});
    expect(tf.memory().numTensors).toBe(before);
    expect(inputs.every((t) => !t.isDisposed)).toBe(true);
    expect(Object.keys(pass.layerMs)).toEqual(['cat', 'head']);
    expect(Object.keys(pass.kernels)).toEqual(['cat', 'head']);
    expect(pass.kernels.cat.map((k) => k.name)).toEqual(['Concat']);
    // Dense: its input reshaped to 2-D and back around the fused matmul, summed per kernel name.
    expect(pass.kernels.head.map((k) => [k.name, k.calls])).toEqual([['Reshape', 3], ['_FusedMatMul', 1]]);
    for (const k of [...pass.kernels.cat, ...pass.kernels.head]) {
      expect(Number.isFinite(k.ms) && k.ms >= 0).toBe(true);
      expect(k.error).toBeUndefined();
    }
    expect(pass.readbackMs).toBeGreaterThanOrEqual(0);
    expect(pass.passMs).toBeGreaterThanOrEqual(pass.readbackMs);
    expect(pass.passMs).toBeGreaterThanOrEqual(pass.layerMs.cat + pass.layerMs.head);
    // predict on two inputs and two outputs: reads both back, frees them.
    expect(await predictPass(tf, model, inputs)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(inputs);
    model.dispose();
  });

  it('an unknown dimension of an input becomes 1', () => {
    const x = tf.input({ shape: [null, 2], name: 'seq' });
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor });
    const [t] = createInputs(tf, model, 3);
    expect(t.shape).toEqual([3, 1, 2]);
    t.dispose();
    model.dispose();
  });

  it('syncEachLayer reads each layer output back before its clock stops', async () => {
    const model = denseSoftmax();
    const layer = model.getLayer('s');
    const call = layer.call.bind(layer);
    let reads = 0;
    layer.call = (inputs, kwargs) => {
      const out = call(inputs, kwargs) as tf.Tensor;
      const dataSync = out.dataSync.bind(out);
      out.dataSync = (() => {
        reads++;
        return dataSync();
      }) as typeof out.dataSync;
      return out;
    };
    const [x] = createInputs(tf, model, 1);
    await profiledPass(tf, model, [x], {});
    expect(reads).toBe(0);
    await profiledPass(tf, model, [x], { syncEachLayer: true });
    expect(reads).toBe(1);
    x.dispose();
    model.dispose();
  });

  it("a kernel without a time gets NaN and the backend's reason, or 'kernel time not recorded'", async () => {
    const model = denseSoftmax();
    const backend = tf.backend() as unknown as { time: (f: () => void) => Promise<unknown> };
    const time = backend.time;
    const [x] = createInputs(tf, model, 1);
    try {
      backend.time = async (f) => {
        f();
        return { kernelMs: { error: 'timer off' } };
      };
      const noTimer = await profiledPass(tf, model, [x], {});
      expect(noTimer.kernels.s).toEqual([{ name: 'Softmax', ms: NaN, calls: 1, error: 'timer off' }]);
      backend.time = async (f) => {
        f();
        return {};
      };
      const none = await profiledPass(tf, model, [x], {});
      expect(none.kernels.s).toEqual([{ name: 'Softmax', ms: NaN, calls: 1, error: 'kernel time not recorded' }]);
      const r = summarize([{ ...noTimer, predictMs: null }, { ...none, predictMs: null }], 0, 1);
      expect(r.layers.s.kernels).toEqual([{ name: 'Softmax', medianMs: null, naReason: 'timer off', calls: 1 }]);
      expect(r.missingKernelTimes).toEqual(['d', 's']);
    } finally {
      backend.time = time;
      x.dispose();
      model.dispose();
    }
  });

  it('yields to the event loop: an immediate queued before runs first', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('immediate'));
    await yieldToEventLoop();
    order.push('after');
    expect(order).toEqual(['immediate', 'after']);
  });
});

describe('summarize, by hand', () => {
  const pass = (layerMs: Record<string, number>, kernels: PassSample['kernels'], predictMs: number | null, passMs = 10, readbackMs = 1): PassSample => ({ passMs, readbackMs, predictMs, layerMs, kernels });

  it('per layer: median, min, nearest-rank p90 and valid runs; kernels in first-seen order with the calls of their first pass', () => {
    const r = summarize(
      [
        pass({ a: 4, b: 1 }, { a: [{ name: 'Conv2D', ms: 3, calls: 2 }] }, 8, 12, 2),
        pass({ a: 2, b: NaN }, { a: [{ name: 'Add', ms: 1, calls: 1 }, { name: 'Conv2D', ms: 1, calls: 5 }] }, 6, 10, 1),
        pass({ a: 9, b: 3 }, {}, 10, 20, 4),
      ],
      1,
      2,
    );
    expect(r.layers.a).toEqual({
      medianMs: 4,
      minMs: 2,
      p90Ms: 9,
      runs: 3,
      kernels: [
        { name: 'Conv2D', medianMs: 2, calls: 2 },
        { name: 'Add', medianMs: 1, calls: 1 },
      ],
    });
    expect(r.layers.b).toEqual({ medianMs: 2, minMs: 1, p90Ms: 3, runs: 2, kernels: [] });
    expect(r.missingKernelTimes).toEqual([]);
    expect(r.pass).toEqual({ warmupRuns: 1, timedRuns: 3, batchSize: 2, predictMedianMs: 8, profiledMedianMs: 12, layerSumMs: 6, readbackMedianMs: 2, overheadRatio: 1.5 });
  });

  it('a layer without a valid sample adds nothing to the layer sum; no pass gives no statistics', () => {
    const r = summarize([pass({ a: 5, b: NaN }, {}, null)], 0, 1);
    expect(r.pass.layerSumMs).toBe(5);
    expect(r.layers.b.medianMs).toBeNull();
    expect(r.pass.overheadRatio).toBeNull();
    const empty = summarize([], 2, 1);
    expect(empty.layers).toEqual({});
    expect(empty.pass).toEqual({ warmupRuns: 2, timedRuns: 0, batchSize: 1, predictMedianMs: null, profiledMedianMs: null, layerSumMs: null, readbackMedianMs: null, overheadRatio: null });
  });

  it('kernelTimeError: the backend error when it is a string, else says what the time was', () => {
    expect(kernelTimeError({ error: 'no timer query' })).toBe('no timer query');
    expect(kernelTimeError({ error: 42 })).toBe('kernel time not recorded');
    expect(kernelTimeError(null)).toBe('kernel time not recorded');
    expect(kernelTimeError({})).toBe('kernel time not recorded');
    expect(kernelTimeError(NaN)).toBe('kernel time not a finite number');
  });
});

describe('profiledPass frees each intermediate value after its last consumer', () => {
  it('a chain holds one intermediate at a time: three ReLUs, the fourth layer sees one live tensor besides the input', async () => {
    const x = tf.input({ shape: [4], name: 'x' });
    let y = x;
    for (const name of ['r1', 'r2', 'r3']) y = tf.layers.activation({ activation: 'relu', name }).apply(y) as tf.SymbolicTensor;
    const probe = tf.layers.activation({ activation: 'relu', name: 'probe' });
    const model = tf.model({ inputs: x, outputs: probe.apply(y) as tf.SymbolicTensor });
    const call = probe.call.bind(probe);
    let live = -1;
    const [input] = createInputs(tf, model, 1);
    const before = tf.memory().numTensors;
    probe.call = (inputs, kwargs) => {
      live = tf.memory().numTensors - before;
      return call(inputs, kwargs);
    };
    await profiledPass(tf, model, [input], {});
    expect(live).toBe(1); // r3's output; r1's and r2's are freed
    expect(tf.memory().numTensors).toBe(before);
    expect(input.isDisposed).toBe(false);
    input.dispose();
    model.dispose();
  });

  it('a value held under two names (Dropout returns its input) lives until its last consumer under either name', async () => {
    // a -> drop -> left -> l2 -> sum, and a -> right -> sum: left (depth 2) releases drop before right (depth 1) reads a.
    const x = tf.input({ shape: [4], name: 'x' });
    const a = tf.layers.dense({ units: 4, name: 'a' }).apply(x) as tf.SymbolicTensor;
    const drop = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(a) as tf.SymbolicTensor;
    const left = tf.layers.dense({ units: 2, name: 'left' }).apply(drop) as tf.SymbolicTensor;
    const l2 = tf.layers.dense({ units: 2, name: 'l2' }).apply(left) as tf.SymbolicTensor;
    const right = tf.layers.dense({ units: 2, name: 'right' }).apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: tf.layers.add({ name: 'sum' }).apply([l2, right]) as tf.SymbolicTensor });
    const [input] = createInputs(tf, model, 1);
    const before = tf.memory().numTensors;
    const pass = await profiledPass(tf, model, [input], {});
    expect(Object.keys(pass.layerMs)).toEqual(['a', 'drop', 'left', 'l2', 'right', 'sum']);
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });

  it("a failing layer leaves the caller's inputs alive, and each pass times only itself", async () => {
    const model = denseSoftmax();
    const [input] = createInputs(tf, model, 1);
    const t0 = performance.now();
    const pass = await profiledPass(tf, model, [input], {});
    const plain = await predictPass(tf, model, [input]);
    const elapsed = performance.now() - t0;
    expect(pass.passMs).toBeLessThanOrEqual(elapsed);
    expect(plain).toBeLessThanOrEqual(elapsed);
    model.getLayer('s').call = () => {
      throw new Error('kernel failed');
    };
    await expect(profiledPass(tf, model, [input], {})).rejects.toThrow('kernel failed');
    expect(input.isDisposed).toBe(false);
    input.dispose();
    model.dispose();
  });

  it('passPair: plain predict first in even pairs, the profiled pass first in odd ones; without predict, the profiled pass alone', async () => {
    const model = denseSoftmax();
    const [input] = createInputs(tf, model, 1);
    const order: string[] = [];
    const predict = model.predict.bind(model);
    model.predict = (...args: Parameters<typeof model.predict>) => {
      order.push('plain');
      return predict(...args);
    };
    const s = model.getLayer('s');
    const call = s.call.bind(s);
    s.call = (inputs, kwargs) => {
      if (!order.includes('profiled')) order.push('profiled');
      return call(inputs, kwargs);
    };
    const run = async (index: number, comparePredict = true) => {
      order.length = 0;
      const sample = await passPair(tf, model, [input], index, { comparePredict });
      return [order.join(' then '), sample.predictMs === null];
    };
    // predict calls the layer too: only the first call of each kind is recorded.
    expect(await run(0)).toEqual(['plain then profiled', false]);
    expect(await run(1)).toEqual(['profiled then plain', false]);
    expect(await run(2, false)).toEqual(['profiled', true]);
    input.dispose();
    model.dispose();
  });
});
