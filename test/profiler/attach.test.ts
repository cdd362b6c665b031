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

describe('attachTimings and mergeTimings, edge by edge (hand-worked)', () => {
  /** One pass: `passMs` for the whole pass, `a` and `b` for the two layers, kernel times all valid. */
  const pass = (passMs: number, a: number, b: number, readbackMs = 0): PassSample => ({
    passMs,
    readbackMs,
    predictMs: passMs,
    layerMs: { a, b },
    kernels: { a: [{ name: '_FusedMatMul', ms: a / 2, calls: 1 }], b: [{ name: '_FusedMatMul', ms: b / 2, calls: 1 }] },
  });
  const gapMessages = (r: ReturnType<typeof attachTimings>) => r.diagnostics.filter((d) => d.code === 'timing-pass-gap');

  it('a gap of exactly 5 % is not reported; just over 5 % is, with its severity and code', () => {
    // (19 - 20) / 20 = -5 %.
    expect(gapMessages(attachTimings(tinyReport(), summarize([pass(20, 10, 9)], 0, 1)))).toEqual([]);
    // (10 + 8.9 - 20) / 20 = -5.5 %.
    expect(gapMessages(attachTimings(tinyReport(), summarize([pass(20, 10, 8.9)], 0, 1)))).toEqual([
      {
        severity: 'info',
        code: 'timing-pass-gap',
        message: 'timing: the sum of the layer medians (18.9 ms) differs from the median pass (20.0 ms) by 5.5 % (time spent between layers, or medians of skewed samples)',
      },
    ]);
    // Layers summing to more than the pass: the gap is negative.
    expect(gapMessages(attachTimings(tinyReport(), summarize([pass(10, 6, 6)], 0, 1)))[0].message).toBe(
      'timing: the sum of the layer medians (12.0 ms) differs from the median pass (10.0 ms) by -20.0 % (time spent between layers, or medians of skewed samples)',
    );
  });

  it('names the readback only above 0.5 ms, and counts the outputs', () => {
    expect(gapMessages(attachTimings(tinyReport(), summarize([pass(10, 4, 4, 0.5)], 0, 1)))[0].message).toMatch(/\(time spent between layers, or medians of skewed samples\)$/);
    const twoOutputs = tinyReport();
    twoOutputs.model.outputShapes = [[null, 2], [null, 3]];
    expect(gapMessages(attachTimings(twoOutputs, summarize([pass(10, 4, 4, 0.6)], 0, 1)))[0].message).toMatch(
      /\(of which 0\.6 ms is reading back the model's 2 outputs; the rest is time between layers or skew of the medians\)$/,
    );
  });

  it('replaces its own earlier diagnostics and keeps every other one', () => {
    const report = tinyReport();
    report.diagnostics = [{ severity: 'warning', code: 'unsupported-layer', layer: 'x', message: 'kept' }];
    const once = attachTimings(report, summarize([sample(10, 0.1)], 0, 1));
    const twice = attachTimings(once, summarize([sample(10, 0.1)], 0, 1));
    expect(twice.diagnostics.map((d) => [d.severity, d.code, d.layer])).toEqual([
      ['warning', 'unsupported-layer', 'x'],
      ['warning', 'timing-missing-kernels', 'b'],
      ['info', 'timing-pass-gap', undefined],
    ]);
  });

  it('a block or flow with no timed layer has no median; a layer without a finite median is left out of the sum', () => {
    const report = tinyReport();
    const result = summarize([pass(8, 4, 4)], 0, 1);
    const untimed = attachTimings(report, { ...result, layers: {} });
    expect([...untimed.blocks, ...untimed.flows].map((g) => g.medianMs)).toEqual([...untimed.blocks, ...untimed.flows].map(() => null));
    const nan = attachTimings(report, { ...result, layers: { ...result.layers, b: { ...result.layers.b, medianMs: NaN } } });
    expect(nan.flows.reduce((sum, f) => sum + (f.medianMs ?? 0), 0)).toBe(4);
  });

  it('mergeTimings keeps the pass timing unless the update brings one', () => {
    const report = attachTimings(tinyReport(), summarize([pass(8, 4, 4)], 0, 1));
    const before = report.timing;
    mergeTimings(report, { layers: {} });
    expect(report.timing).toBe(before);
    const timing = { ...before!, profiledMedianMs: 9 };
    mergeTimings(report, { layers: {}, timing });
    expect(report.timing).toBe(timing);
  });
});
