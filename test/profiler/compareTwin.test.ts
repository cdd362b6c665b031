/**
 * compareWithTwin on two small hand-made models (no profiling): which layers it pairs, the MAC
 * and time ratios, the sums, and when a ratio is n/a. Xception itself: compare.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { compareWithTwin } from '../../src/profiler/compare';
import type { ArchitectureReport, PassTiming } from '../../src/report/schema';

/**
 * Input 5x5x2; `sep`: 3x3 conv with 4 filters, valid (out 3x3x4); `other`: the same conv in both
 * models; then a Dense of 3. `separable` picks SeparableConv2D or Conv2D for `sep`.
 */
function report(separable: boolean, size = 5): ArchitectureReport {
  const input = tf.input({ shape: [size, size, 2], name: 'x' });
  const conv = separable ? tf.layers.separableConv2d : tf.layers.conv2d;
  const a = conv({ filters: 4, kernelSize: 3, name: 'sep' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.separableConv2d({ filters: 4, kernelSize: 1, name: 'other' }).apply(a) as tf.SymbolicTensor;
  const c = tf.layers.dense({ units: 3, name: 'head' }).apply(b) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: c });
  const r = analyzeModel(model, { source: 'test' });
  model.dispose();
  return r;
}

/** Gives `layer` a median time, and the report a pass median and a number of timed runs. */
function timed(r: ArchitectureReport, layerMs: Record<string, number | null>, predictMedianMs: number | null, timedRuns: number): ArchitectureReport {
  for (const l of r.layers) {
    if (l.name in layerMs) l.timing = { medianMs: layerMs[l.name], minMs: null, p90Ms: null, runs: timedRuns, kernels: [] };
  }
  // Only the two fields compareWithTwin reads.
  r.timing = { timedRuns, predictMedianMs } as PassTiming;
  return r;
}

// Hand-worked MACs of `sep` (out 3x3, 9 positions): depthwise 9 * 9 * 2 = 162 plus pointwise
// 9 * 2 * 4 = 72 is 234; the regular conv 9 * 9 * 2 * 4 = 648.
const SEP_MACS = 234;
const REG_MACS = 648;

describe('compareWithTwin', () => {
  it('pairs only the separable layers whose twin is a Conv2D of the same name, with MAC and time ratios', () => {
    const sep = timed(report(true), { sep: 2, other: 1 }, 5, 7);
    const reg = timed(report(false), { sep: 3, other: 1 }, 8, 9);
    const cmp = compareWithTwin(sep, reg, 'hand-made');
    expect(cmp.inputSize).toBe(5);
    expect(cmp.runs).toBe(9);
    expect(cmp.note).toBe('hand-made');
    expect(sep.layers.find((l) => l.name === 'sep')!.macs).toBe(SEP_MACS);
    expect(reg.layers.find((l) => l.name === 'sep')!.macs).toBe(REG_MACS);
    expect(cmp.layers).toEqual([
      { name: 'sep', separableMacs: SEP_MACS, regularMacs: REG_MACS, macRatio: REG_MACS / SEP_MACS, separableMs: 2, regularMs: 3, timeRatio: 1.5 },
    ]);
    expect(cmp.separableLayers).toEqual({ separableMacs: SEP_MACS, regularMacs: REG_MACS, macRatio: REG_MACS / SEP_MACS, separableMs: 2, regularMs: 3, timeRatio: 1.5 });
    expect(cmp.wholeModel.separableMacs).toBe(sep.totals.macs);
    expect(cmp.wholeModel.regularMacs).toBe(reg.totals.macs);
    expect(reg.totals.macs - sep.totals.macs).toBe(REG_MACS - SEP_MACS);
    expect(cmp.wholeModel.macRatio).toBe(reg.totals.macs / sep.totals.macs);
    expect(cmp.wholeModel.separableMs).toBe(5);
    expect(cmp.wholeModel.regularMs).toBe(8);
    expect(cmp.wholeModel.timeRatio).toBe(8 / 5);
  });

  it('sums several pairs: times only when every pair has both', () => {
    // Two models whose `sep` and `other` are both separable vs both regular.
    const twoPairs = (separable: boolean): ArchitectureReport => {
      const input = tf.input({ shape: [5, 5, 2], name: 'x' });
      const conv = separable ? tf.layers.separableConv2d : tf.layers.conv2d;
      const a = conv({ filters: 4, kernelSize: 3, name: 'sep' }).apply(input) as tf.SymbolicTensor;
      const b = conv({ filters: 4, kernelSize: 1, name: 'other' }).apply(a) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: b });
      const r = analyzeModel(model, { source: 'test' });
      model.dispose();
      return r;
    };
    // `other` (1x1 on 3x3x4, 4 filters): depthwise 9 * 4 = 36 plus pointwise 9 * 4 * 4 = 144 is 180; regular 144.
    const cmp = compareWithTwin(timed(twoPairs(true), { sep: 2, other: 0.5 }, 4, 3), timed(twoPairs(false), { sep: 3, other: 1 }, 5, 3));
    expect(cmp.layers.map((l) => [l.name, l.separableMacs, l.regularMacs])).toEqual([
      ['sep', SEP_MACS, REG_MACS],
      ['other', 180, 144],
    ]);
    expect(cmp.layers[1].macRatio).toBe(144 / 180);
    expect(cmp.layers[1].timeRatio).toBe(2);
    expect(cmp.separableLayers).toEqual({
      separableMacs: SEP_MACS + 180,
      regularMacs: REG_MACS + 144,
      macRatio: (REG_MACS + 144) / (SEP_MACS + 180),
      separableMs: 2.5,
      regularMs: 4,
      timeRatio: 4 / 2.5,
    });
    // One pair without a separable time: its ratio and the sum of separable times are n/a.
    const partial = compareWithTwin(timed(twoPairs(true), { sep: 2, other: null }, 4, 3), timed(twoPairs(false), { sep: 3, other: 1 }, 5, 3));
    expect(partial.layers[1].timeRatio).toBeNull();
    expect(partial.separableLayers.separableMs).toBeNull();
    expect(partial.separableLayers.regularMs).toBe(4);
    expect(partial.separableLayers.timeRatio).toBeNull();
  });

  it('has no time ratio for a zero, infinite or missing time, and no runs without the twin timed', () => {
    const zero = compareWithTwin(timed(report(true), { sep: 0 }, 0, 1), timed(report(false), { sep: 3 }, 8, 1));
    expect(zero.layers[0].timeRatio).toBeNull();
    expect(zero.wholeModel.timeRatio).toBeNull();
    const infinite = compareWithTwin(timed(report(true), { sep: 2 }, 5, 1), timed(report(false), { sep: Infinity }, Infinity, 1));
    expect(infinite.layers[0].timeRatio).toBeNull();
    expect(infinite.wholeModel.timeRatio).toBeNull();
    expect(infinite.separableLayers.regularMs).toBeNull();
    const untimed = compareWithTwin(report(true), report(false));
    expect(untimed.runs).toBe(0);
    expect(untimed.layers[0]).toMatchObject({ separableMs: null, regularMs: null, timeRatio: null, macRatio: REG_MACS / SEP_MACS });
    expect(untimed.wholeModel).toMatchObject({ separableMs: null, regularMs: null, timeRatio: null });
    expect(untimed.note).toBeUndefined();
  });

  it('has a MAC ratio of 0 when the separable side has no MACs, and refuses different inputs, naming both', () => {
    const empty = report(true);
    empty.totals.macs = 0;
    expect(compareWithTwin(empty, report(false)).wholeModel.macRatio).toBe(0);
    expect(() => compareWithTwin(report(true, 5), report(false, 6))).toThrow(
      "the twin's input [[null,6,6,2]] differs from the model's [[null,5,5,2]]",
    );
  });
});
