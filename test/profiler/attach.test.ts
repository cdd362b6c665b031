import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { attachTimings, mergeTimings, passGap } from '../../src/profiler/attach';
import { summarize, type PassSample } from '../../src/profiler/profile';

function tinyReport() {
  const input = tf.input({ shape: [4], name: 'x' });
  const a = tf.layers.dense({ units: 3, name: 'a' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2, name: 'b' }).apply(a) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: b });
  const report = analyzeModel(model, { source: 'test' });
  model.dispose();
  return report;
}

const sample = (passMs: number, readbackMs: number): PassSample => ({
  passMs,
  readbackMs,
  predictMs: passMs,
  layerMs: { a: 4, b: 4 },
  kernels: { a: [{ name: '_FusedMatMul', ms: 3.5, calls: 1 }], b: [{ name: '_FusedMatMul', ms: NaN, calls: 1 }] },
});

describe('attachTimings', () => {
  it('puts timings on layers, sums them per block and flow, and flags missing kernel times', () => {
    const report = attachTimings(tinyReport(), summarize([sample(8.2, 0.1), sample(8.2, 0.1)], 1, 1));
    expect(report.layers.find((l) => l.name === 'a')!.timing!.medianMs).toBe(4);
    expect(report.flows.reduce((a, f) => a + (f.medianMs ?? 0), 0)).toBe(8);
    expect(report.timing!.layerSumMs).toBe(8);
    expect(report.diagnostics.map((d) => d.message)).toEqual([
      'timing: some kernel times of layer "b" were missing or not numbers; shown as n/a and left out of sums',
    ]);
  });

  it('says so when the pass and the sum of layers differ by more than 5 %, naming the output readback', () => {
    const report = attachTimings(tinyReport(), summarize([sample(10, 1.5)], 0, 1));
    const gap = report.diagnostics.find((d) => d.message.includes('differs'))!;
    expect(gap.message).toBe(
      "timing: the sum of the layer medians (8.0 ms) differs from the median pass (10.0 ms) by 20.0 % (of which 1.5 ms is reading back the model's 1 output; the rest is time between layers or skew of the medians)",
    );
  });

  it('passGap is (sum of layers - pass) / pass, null when either is missing', () => {
    expect(passGap({ layerSumMs: 8, profiledMedianMs: 10 })).toBeCloseTo(-0.2, 12);
    expect(passGap({ layerSumMs: 11, profiledMedianMs: 10 })).toBeCloseTo(0.1, 12);
    expect(passGap({ layerSumMs: null, profiledMedianMs: 10 })).toBeNull();
    expect(passGap({ layerSumMs: 8, profiledMedianMs: 0 })).toBeNull();
  });

  it('mergeTimings puts live timings in place and refreshes the block and flow medians', () => {
    const report = attachTimings(tinyReport(), summarize([sample(8.2, 0.1)], 0, 1));
    const live = { medianMs: 10, minMs: 9, p90Ms: 11, runs: 3, kernels: [] };
    mergeTimings(report, { layers: { a: live } });
    expect(report.layers.find((l) => l.name === 'a')!.timing).toBe(live);
    expect(report.flows.reduce((sum, f) => sum + (f.medianMs ?? 0), 0)).toBe(14);
    expect(report.blocks.reduce((sum, b) => sum + (b.medianMs ?? 0), 0)).toBe(14);
  });
});
