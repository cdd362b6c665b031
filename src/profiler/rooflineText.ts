/**
 * Plain-text forms of the roofs and of a sweep, for the CLI (and anything else printing them).
 */
import type { EngineRoofs, SweepReport } from '../report/schema';
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

const fixed = (x: number | null, digits: number): string => (x == null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

/** The sweep as a table (one row per point) followed by its findings. */
export function sweepText(s: SweepReport): string {
  const groups = Object.keys(s.points[0]?.groups ?? {});
  const head = [s.axis === 'batch' ? 'batch' : 'input', 'latency ms', 'ms/image', 'images/s', 'GMACs', ...groups.map((g) => `${g} ms`)];
  const rows = s.points.map((p) => [
    s.axis === 'batch' ? String(p.batchSize) : `${p.inputSize}x${p.inputSize}`,
    fixed(p.latencyMs, 1),
    fixed(p.msPerImage, 1),
    fixed(p.imagesPerSecond, 2),
    (p.macs / 1e9).toFixed(2),
    ...groups.map((g) => fixed(p.groups[g]?.ms ?? null, 1)),
  ]);
  const other = s.axis === 'batch' ? `input ${s.points[0]?.inputSize}x${s.points[0]?.inputSize}` : `batch ${s.points[0]?.batchSize}`;
  return [
    `Sweep over ${s.axis === 'batch' ? 'batch size' : 'input size'} (${other}, ${s.engine}, plain predict median of ${s.timedRuns} runs after ${s.warmupRuns} warm-up; group times are sums of profiled layer medians):`,
    textTable([head, ...rows]),
    ...s.findings,
  ].join('\n');
}
