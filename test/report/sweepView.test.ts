/** The sweep's table and growth lines (src/report/sweepView.ts) on hand-made sweeps. */
import { describe, expect, it } from 'vitest';
import { growthSeries, sweepTable } from '../../src/report/sweepView';
import type { SweepPoint, SweepReport } from '../../src/report/schema';

function sweep(axis: 'batch' | 'input', points: SweepPoint[]): SweepReport {
  return { axis, engine: 'wasm x2', warmupRuns: 1, timedRuns: 3, points, findings: [] };
}

function point(batchSize: number, inputSize: number, latencyMs: number | null, macs: number, groups: SweepPoint['groups'] = {}): SweepPoint {
  const perImage = latencyMs == null ? null : latencyMs / batchSize;
  return { batchSize, inputSize, latencyMs, msPerImage: perImage, imagesPerSecond: latencyMs ? (1000 * batchSize) / latencyMs : null, macs, groups };
}

describe('sweepTable', () => {
  it('batch sweep: one row per batch with latency, per image, images/s, MACs and each group capitalised', () => {
    const t = sweepTable(
      sweep('batch', [
        point(1, 71, 250, 553e6, { entry: { macs: 100e6, ms: 120 }, 'separable convs': { macs: 400e6, ms: 9.5 } }),
        point(4, 71, 800, 2212e6, { entry: { macs: 400e6, ms: null }, 'separable convs': { macs: 1600e6, ms: 31.25 } }),
      ]),
    );
    expect(t.header).toEqual(['Batch', 'Latency (wasm x2)', 'Per image', 'Images/s', 'MACs per pass', 'Entry', 'Separable convs']);
    expect(t.rows).toEqual([
      ['1', '250 ms', '250 ms', '4.00', '553.0M', '120 ms', '9.50 ms'],
      ['4', '800 ms', '200 ms', '5.00', '2.21G', 'n/a', '31.3 ms'],
    ]);
  });

  it('input sweep: sizes as HxW; a point without a latency reads n/a; a group missing from a point reads n/a', () => {
    const t = sweepTable(sweep('input', [point(1, 71, 100, 5e8, { exit: { macs: 1, ms: 2 } }), point(1, 99, null, 1e9)]));
    expect(t.header).toEqual(['Input', 'Latency (wasm x2)', 'Per image', 'Images/s', 'MACs per pass', 'Exit']);
    expect(t.rows).toEqual([
      ['71x71', '100 ms', '100 ms', '10.00', '500.0M', '2.00 ms'],
      ['99x99', 'n/a', 'n/a', 'n/a', '1.00G', 'n/a'],
    ]);
  });

  it('no points: the fixed columns and no rows', () => {
    expect(sweepTable(sweep('batch', []))).toEqual({ header: ['Batch', 'Latency (wasm x2)', 'Per image', 'Images/s', 'MACs per pass'], rows: [] });
  });
});

describe('growthSeries', () => {
  it('growth of MACs and time from the first point, per group then the whole model', () => {
    const s = sweep('input', [
      point(1, 71, 100, 500, { entry: { macs: 50, ms: 10 } }),
      point(1, 142, 300, 2000, { entry: { macs: 200, ms: 50 } }),
    ]);
    expect(growthSeries(s)).toEqual([
      { group: 'entry', inputSize: 71, macGrowth: 1, timeGrowth: 1 },
      { group: 'entry', inputSize: 142, macGrowth: 4, timeGrowth: 5 },
      { group: 'whole model', inputSize: 71, macGrowth: 1, timeGrowth: 1 },
      { group: 'whole model', inputSize: 142, macGrowth: 4, timeGrowth: 3 },
    ]);
  });

  it('leaves out a group untimed or without MACs at the first point, and points without a time or MACs', () => {
    const s = sweep('input', [
      point(1, 71, 100, 500, { untimed: { macs: 50, ms: null }, free: { macs: 0, ms: 1 }, zeroMs: { macs: 5, ms: 0 }, late: { macs: 10, ms: 2 } }),
      point(1, 99, null, 1000, { untimed: { macs: 100, ms: 4 }, free: { macs: 0, ms: 2 }, zeroMs: { macs: 10, ms: 1 }, late: { macs: 20, ms: null } }),
      point(1, 142, 400, 0, { late: { macs: 0, ms: 8 } }),
      point(1, 171, 500, 3000, { late: { macs: 30, ms: 6 } }),
    ]);
    expect(growthSeries(s)).toEqual([
      { group: 'late', inputSize: 71, macGrowth: 1, timeGrowth: 1 },
      { group: 'late', inputSize: 171, macGrowth: 3, timeGrowth: 3 },
      { group: 'whole model', inputSize: 71, macGrowth: 1, timeGrowth: 1 },
      { group: 'whole model', inputSize: 171, macGrowth: 6, timeGrowth: 5 },
    ]);
  });

  it('nothing for no points, or a first point without a time', () => {
    expect(growthSeries(sweep('input', []))).toEqual([]);
    expect(growthSeries(sweep('input', [point(1, 71, null, 500), point(1, 99, 100, 1000)]))).toEqual([]);
  });
});
