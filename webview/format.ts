/**
 * Number and shape formatting for the diagram. Views only format: every number comes from the
 * report. Counts, integers, milliseconds, bytes, shapes and GFLOP/s are the shared formatters of
 * `src/report/format.ts`, re-exported (one text for the same number in the webview, the tree, the
 * hovers, the CLI and the exports); this module adds only the webview's own formats (percent,
 * ratio, GFLOP/s text) and `orNA` for values that may be missing. Missing, null or non-finite
 * values always format as "n/a" (never "NaN").
 */
export { formatBytes, formatCount, formatInt, formatMs, formatShape, gflopsPerSecond } from '../src/report/format';

/** The text shown for a missing value. */
export const NA = 'n/a';

/** True for a finite number (excludes null, undefined, NaN, Infinity). */
export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Adapts a formatter of numbers to values that may be missing: null/undefined/NaN -> "n/a". */
export function orNA(format: (n: number) => string): (n: number | null | undefined) => string {
  return (n) => (isNum(n) ? format(n) : NA);
}

/** GFLOP/s with 1 decimal (2 below 10): "41.7 GFLOP/s". */
export function formatGflops(g: number | null | undefined): string {
  if (!isNum(g)) return NA;
  return `${g.toFixed(Math.abs(g) < 10 ? 2 : 1)} GFLOP/s`;
}

/** A share 0..1 as a percentage: 0.1234 -> "12.3%". */
export function formatPercent(share: number | null | undefined): string {
  if (!isNum(share)) return NA;
  return `${(share * 100).toFixed(1)}%`;
}

/** A ratio with three significant digits: 8.8901 -> "8.89x", 55.81 -> "55.8x", 1.148 -> "1.15x", 125.4 -> "125x". */
export function formatRatio(r: number | null | undefined): string {
  if (!isNum(r)) return NA;
  const abs = Math.abs(r);
  return `${r.toFixed(abs < 10 ? 2 : abs < 100 ? 1 : 0)}x`;
}
