/** The CLI's plain-text roofs, sweep and table (src/profiler/rooflineText.ts), and the roof-stability bench's helpers (roofsBench.ts). */
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { roofsText, sweepText, textTable } from '../../src/profiler/rooflineText';
import { loadText, worstDeviation } from '../../src/profiler/roofsBench';
import type { EngineRoofs, SweepReport } from '../../src/report/schema';

describe('textTable', () => {
  it('pads the first column on the right, the others on the left, two spaces apart', () => {
    expect(textTable([
      ['Batch', 'Latency', 'x'],
      ['1', '250 ms', 'yy'],
      ['16', '3.5 ms', ''],
    ])).toBe(['Batch  Latency   x', '1       250 ms  yy', '16      3.5 ms    '].join('\n'));
  });
});

describe('roofsText', () => {
  const roofs: EngineRoofs = { engine: 'wasm x2 SIMD', computeGflops: 28.04, bandwidthGBs: 1.0912, computeMethod: 'matmul 256^3', bandwidthMethod: 'add', measuredAt: '2026-11-30', cached: false };
  it('compute, bandwidth and ridge (compute / bandwidth), and how each was measured', () => {
    // Ridge 28.04 / 1.0912 = 25.70 FLOP/B.
    expect(roofsText(roofs)).toBe(
      'Roofs of wasm x2 SIMD: compute 28.0 GFLOP/s, bandwidth 1.09 GB/s, ridge 25.7 FLOP/B (measured 2026-11-30)\n  compute: matmul 256^3\n  bandwidth: add',
    );
    expect(roofsText({ ...roofs, cached: true }).split('\n')[0]).toBe('Roofs of wasm x2 SIMD: compute 28.0 GFLOP/s, bandwidth 1.09 GB/s, ridge 25.7 FLOP/B (cached, measured 2026-11-30)');
  });
});

describe('sweepText', () => {
  const point = (batchSize: number, inputSize: number, latencyMs: number) => ({
    batchSize,
    inputSize,
    latencyMs,
    msPerImage: latencyMs / batchSize,
    imagesPerSecond: (1000 * batchSize) / latencyMs,
    macs: 1e6 * batchSize * inputSize,
    groups: {},
  });
  it('batch sweep: the fixed input size, engine and runs, the table, then the findings', () => {
    const s: SweepReport = { axis: 'batch', engine: 'wasm x2', warmupRuns: 1, timedRuns: 3, points: [point(1, 71, 100), point(2, 71, 150)], findings: ['time per image keeps falling'] };
    expect(sweepText(s)).toBe(
      [
        'Sweep over batch size (input 71x71, wasm x2, median wall time of plain predict over 3 runs after 1 warm-up; group times are sums of profiled layer medians):',
        'Batch  Latency (wasm x2)  Per image  Images/s  MACs per pass',
        '1                 100 ms     100 ms     10.00          71.0M',
        '2                 150 ms    75.0 ms     13.33         142.0M',
        'time per image keeps falling',
      ].join('\n'),
    );
  });
  it('input sweep: the fixed batch size', () => {
    const s: SweepReport = { axis: 'input', engine: 'cpu', warmupRuns: 0, timedRuns: 1, points: [point(4, 71, 100)], findings: [] };
    expect(sweepText(s).split('\n')[0]).toBe(
      'Sweep over input size (batch 4, cpu, median wall time of plain predict over 1 runs after 0 warm-up; group times are sums of profiled layer medians):',
    );
    // 'Latency (cpu)' is 13 wide: 100 ms padded by 7, after the 5-wide first column and two spaces.
    expect(sweepText(s).split('\n')[2]).toBe('71x71         100 ms    25.0 ms     40.00         284.0M');
  });
});

describe('roof-stability bench helpers', () => {
  it('worstDeviation is the largest |x - mean| / mean', () => {
    // Mean 10: deviations 0.2, 0, 0.2.
    expect(worstDeviation([8, 10, 12])).toBeCloseTo(0.2, 12);
    expect(worstDeviation([5, 5])).toBe(0);
    // Mean 5: |10 - 5| / 5 = 1 is the largest (|1 - 5| / 5 = 0.8 below the mean).
    expect(worstDeviation([1, 4, 10])).toBeCloseTo(1, 12);
  });
  it("loadText gives the load averages with 2 decimals and this machine's CPU count", () => {
    const text = loadText();
    expect(text).toMatch(/^load average \d+\.\d\d, \d+\.\d\d, \d+\.\d\d on \d+ CPUs$/);
    expect(text.endsWith(` on ${os.cpus().length} CPUs`)).toBe(true);
  });
});
