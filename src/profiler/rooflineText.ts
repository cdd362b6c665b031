/**
 * Plain-text forms of the roofs and of a sweep, for the CLI (and anything else printing them).
 */
import type { EngineRoofs, SweepReport } from '../report/schema';
import { sweepTable } from '../report/sweepView';
import { ridgeIntensity } from './roofline';

/** Left-aligned first column, right-aligned others. */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

/** `Roofs of wasm x2 SIMD: compute 28.0 GFLOP/s, bandwidth 1.09 GB/s, ridge 25.7 FLOP/B (cached ...)` and how they were measured. */
export function roofsText(r: EngineRoofs): string {
  return [
    `Roofs of ${r.engine}: compute ${r.computeGflops.toFixed(1)} GFLOP/s, bandwidth ${r.bandwidthGBs.toFixed(2)} GB/s, ` +
      `ridge ${ridgeIntensity(r).toFixed(1)} FLOP/B (${r.cached ? 'cached, ' : ''}measured ${r.measuredAt})`,
    `  compute: ${r.computeMethod}`,
    `  bandwidth: ${r.bandwidthMethod}`,
  ].join('\n');
}

/** The sweep as a table (the view-model's `sweepTable`, as the panel shows it) followed by its findings. */
export function sweepText(s: SweepReport): string {
  const t = sweepTable(s);
  const other = s.axis === 'batch' ? `input ${s.points[0]?.inputSize}x${s.points[0]?.inputSize}` : `batch ${s.points[0]?.batchSize}`;
  return [
    `Sweep over ${s.axis === 'batch' ? 'batch size' : 'input size'} (${other}, ${s.engine}, median wall time of plain predict over ${s.timedRuns} runs after ${s.warmupRuns} warm-up; group times are sums of profiled layer medians):`,
    textTable([t.header, ...t.rows]),
    ...s.findings,
  ].join('\n');
}
