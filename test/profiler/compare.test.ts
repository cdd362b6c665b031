import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { buildXception } from '../../src/model/xception';
import { attachTimings } from '../../src/profiler/attach';
import { compareWithTwin } from '../../src/profiler/compare';
import { profileModel } from '../../src/profiler/profile';

describe("Xception's regular-convolution twin", () => {
  it('replaces every SeparableConv2D by a Conv2D with the same name, kernel, filters and output', () => {
    const twin = buildXception(tf, { inputSize: 71, separable: false });
    const report = analyzeModel(twin);
    expect(report.layers.filter((l) => l.className === 'SeparableConv2D')).toHaveLength(0);
    const l = report.layers.find((x) => x.name === 'block4_sepconv2')!;
    expect(l.className).toBe('Conv2D');
    expect(l.outputShape).toEqual([null, 9, 9, 728]);
    expect(l.params.trainable).toBe(3 * 3 * 728 * 728);
    expect(l.macs).toBe(9 * 9 * 728 * 9 * 728);
    twin.dispose();
  });

  it('pairs separable layers with the twin: analytic MAC ratio, and measured times on one engine', async () => {
    await initWasmBackend(tf, { threads: 1 });
    const model = buildXception(tf, { inputSize: 71 });
    const twin = buildXception(tf, { inputSize: 71, separable: false });
    const timed = async (m: tf.LayersModel) => attachTimings(analyzeModel(m), await profileModel(tf, m, { runs: 1, warmupRuns: 1 }));
    const cmp = compareWithTwin(await timed(model), await timed(twin));
    expect(cmp.inputSize).toBe(71);
    expect(cmp.layers).toHaveLength(34);
    const row = cmp.layers.find((l) => l.name === 'block4_sepconv2')!;
    expect(row.separableMacs).toBe(9 * 9 * 728 * 9 + 9 * 9 * 728 * 728);
    expect(row.regularMacs).toBe(9 * 9 * 728 * 9 * 728);
    expect(row.macRatio).toBeCloseTo((9 * 728) / (9 + 728), 10);
    expect(row.separableMs).toBeGreaterThan(0);
    expect(row.timeRatio).toBeCloseTo(row.regularMs! / row.separableMs!, 10);
    expect(cmp.separableLayers.separableMacs).toBe(cmp.layers.reduce((a, l) => a + l.separableMacs, 0));
    expect(cmp.wholeModel.regularMacs).toBe(analyzeModel(twin).totals.macs);
    model.dispose();
    twin.dispose();
  });

  it('refuses to compare models of different input sizes', () => {
    const a = buildXception(tf, { inputSize: 71 });
    const b = buildXception(tf, { inputSize: 72, separable: false });
    expect(() => compareWithTwin(analyzeModel(a), analyzeModel(b))).toThrow(/differs/);
    a.dispose();
    b.dispose();
  });
});
