// Xception's Keras config recorded without TF.js (src/model/xceptionConfig.ts) analyses exactly as
// the TF.js-built Xception does: the registry sees the same layers, shapes, params and MACs.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel, analyzeTopology } from '../../src/analysis/analyze';
import { parseKerasModel } from '../../src/importers/kerasConfig';
import { xceptionKerasConfig } from '../../src/model/xceptionConfig';
import { buildXception, type XceptionOptions } from '../../src/model/xception';
import type { ArchitectureReport } from '../../src/report/schema';

/** What the analysis says of each layer, without the raw config (TF.js writes more fields). */
const summary = (report: ArchitectureReport): unknown =>
  report.layers.map(({ name, className, inbound, inputShapes, outputShape, params, macs, flops, elementwiseOps, flow, block }) => ({ name, className, inbound, inputShapes, outputShape, params, macs, flops, elementwiseOps, flow, block }));

const recorded = (options: XceptionOptions): ArchitectureReport => analyzeTopology(parseKerasModel(xceptionKerasConfig(options), { diagnostics: [] }), { name: 'Xception', source: 'x' });

describe('xceptionKerasConfig', () => {
  it.each<XceptionOptions>([{ inputSize: 71 }, { inputSize: 71, includeTop: false }, { inputSize: 100, classes: 7 }])('analyses as the TF.js-built Xception (%o)', (options) => {
    const model = buildXception(tf, { ...options, seed: 1 });
    try {
      const built = analyzeModel(model);
      const fromConfig = recorded(options);
      expect(summary(fromConfig)).toEqual(summary(built));
      expect(fromConfig.totals).toEqual(built.totals);
      expect(fromConfig.model.outputShapes).toEqual(built.model.outputShapes);
    } finally {
      model.dispose();
    }
  });

  it("gives Keras's published totals at 299x299 with the top: 134 layers, 22,910,480 params, 8,357,403,496 MACs", () => {
    const report = recorded({});
    expect(report.layers).toHaveLength(134);
    expect(report.totals.params).toEqual({ trainable: 22_855_952, nonTrainable: 54_528 });
    expect(report.totals.macs).toBe(8_357_403_496);
    expect(report.diagnostics).toEqual([]);
  });

  it('rejects what buildXception rejects', () => {
    expect(() => xceptionKerasConfig({ inputSize: 70 })).toThrow(RangeError);
  });
});
