/**
 * The sweep CSV (`--sweep-csv`) and the engine comparison CSV (`--engines-csv`) of small
 * hand-made inputs, parsed back and compared with the numbers worked out here.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/exporters/csv';
import { engineComparisonColumns, engineComparisonToCsv } from '../../src/exporters/engineComparisonCsv';
import { sweepCsvColumns, sweepToCsv } from '../../src/exporters/sweepCsv';
import type { EngineComparison, SweepReport } from '../../src/report/schema';

/**
 * A batch sweep at 71x71 of a model of 1e9 MACs per image: batch 1 in 10.123456 ms
 * (1000 / 10.123456 = 98.7805 images/s), batch 2 in 18 ms (9 ms per image, 2000 / 18 = 111.1111
 * images/s). The entry flow holds 2e8 MACs per image; the separable convs 7e8, untimed at batch 1
 * and missing from batch 2's groups.
 */
function sweep(): SweepReport {
  return {
    axis: 'batch',
    engine: 'wasm (2 threads, SIMD)',
    warmupRuns: 1,
    timedRuns: 3,
    points: [
      { batchSize: 1, inputSize: 71, latencyMs: 10.123456, msPerImage: 10.123456, imagesPerSecond: 1000 / 10.123456, macs: 1e9, groups: { 'entry flow': { macs: 2e8, ms: 3.5 }, 'separable convs': { macs: 7e8, ms: null } } },
      { batchSize: 2, inputSize: 71, latencyMs: 18, msPerImage: 9, imagesPerSecond: 2000 / 18, macs: 2e9, groups: { 'entry flow': { macs: 4e8, ms: 6.25 } } },
    ],
    plateauBatch: null,
    findings: [],
  };
}

describe('sweepToCsv', () => {
  it('names a column per group and measure (spaces as _)', () => {
    expect(sweepCsvColumns(sweep())).toEqual([
      'axis', 'batch_size', 'input_size', 'latency_ms', 'ms_per_image', 'images_per_s', 'macs', 'entry_flow_macs', 'entry_flow_ms', 'separable_convs_macs', 'separable_convs_ms',
    ]);
  });

  it('writes one CRLF row per point with raw numbers (4 decimals of ms) and empty cells for what is missing', () => {
    const text = sweepToCsv(sweep());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(4);
    expect(parseCsv(text)).toEqual([
      sweepCsvColumns(sweep()),
      ['batch', '1', '71', '10.1235', '10.1235', '98.7805', '1000000000', '200000000', '3.5', '700000000', ''],
      ['batch', '2', '71', '18', '9', '111.1111', '2000000000', '400000000', '6.25', '', ''],
    ]);
  });

  it('leaves a time empty when it is null or not finite', () => {
    const s = sweep();
    s.points[0].latencyMs = null;
    s.points[0].msPerImage = Number.NaN;
    s.points[0].imagesPerSecond = Number.POSITIVE_INFINITY;
    expect(parseCsv(sweepToCsv(s))[1].slice(3, 6)).toEqual(['', '', '']);
  });

  it('writes a run of spaces in a group name as one _', () => {
    const s = sweep();
    s.points = [{ ...s.points[0], groups: { 'middle \t flow': { macs: 1, ms: 2 } } }];
    expect(sweepCsvColumns(s).slice(7)).toEqual(['middle_flow_macs', 'middle_flow_ms']);
  });

  it('an input sweep: the axis column says so; no point, no group columns', () => {
    const s = sweep();
    s.axis = 'input';
    expect(parseCsv(sweepToCsv(s))[1][0]).toBe('input');
    s.points = [];
    expect(sweepToCsv(s)).toBe('axis,batch_size,input_size,latency_ms,ms_per_image,images_per_s,macs\r\n');
  });
});

/**
 * Two engines: tensorflow-gpu and onnxruntime. conv1 (3,888 MACs) took 0.123456 ms and 0.1 ms;
 * its BN ran inside conv1's node on ONNX Runtime (null there, folded into conv1); the pointwise
 * kind took 1.5 ms and 0.75 ms.
 */
function comparison(): EngineComparison {
  return {
    engines: [
      { name: 'tensorflow-gpu', label: 'tfjs-node-gpu', predictMedianMs: 1, profiledMedianMs: 1.1, why: 'a GPU' },
      { name: 'onnxruntime', label: 'ONNX Runtime', predictMedianMs: 0.8, profiledMedianMs: 0.9, why: 'installed' },
    ],
    skipped: [],
    layers: [
      { name: 'conv1', className: 'Conv2D', macs: 3888, medianMs: [0.123456, 0.1], foldedInto: [null, null] },
      { name: 'bn, "1"', className: 'BatchNormalization', macs: 0, medianMs: [0.05, null], foldedInto: [null, 'conv1'] },
    ],
    kinds: [{ kind: 'pointwise', ms: [1.5, 0.75] }, { kind: 'BN', ms: [Number.NaN, null] }],
  };
}

describe('engineComparisonToCsv', () => {
  it('names two columns per engine, non-alphanumerics as _', () => {
    expect(engineComparisonColumns(comparison())).toEqual(['layer', 'class', 'macs', 'tensorflow_gpu_median_ms', 'tensorflow_gpu_folded_into', 'onnxruntime_median_ms', 'onnxruntime_folded_into']);
  });

  it('writes a row per layer, then per kind of work, with empty cells for n/a', () => {
    const text = engineComparisonToCsv(comparison());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(6);
    expect(parseCsv(text).slice(1)).toEqual([
      ['conv1', 'Conv2D', '3888', '0.1235', '', '0.1', ''],
      ['bn, "1"', 'BatchNormalization', '0', '0.05', '', '', 'conv1'],
      ['kind:pointwise', '', '', '1.5', '', '0.75', ''],
      ['kind:BN', '', '', '', '', '', ''],
    ]);
  });
});
