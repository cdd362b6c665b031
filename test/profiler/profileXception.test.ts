import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { buildXception } from '../../src/model/xception';
import { attachTimings } from '../../src/profiler/attach';
import { profileModel } from '../../src/profiler/profile';

// Xception end to end (a few seconds a run): a heavy suite of the mutation run (vitest.mutation.config.mts);
// profile.test.ts checks profile.ts on tiny models.
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
});
