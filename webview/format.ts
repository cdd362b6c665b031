/**
 * Number and shape formatting for the diagram. Views only format: every number comes from the
 * report. Counts, integers, bytes, shapes and GFLOP/s use the shared `src/report/format.ts` (same
 * text as the tree, hovers and CLI); this module adds null-safe wrappers and the webview-only
 * formats. Missing, null or non-finite values always format as "n/a" (never "NaN").
 */
import * as shared from '../src/report/format';
import type { Shape } from '../src/report/schema';

/** The text shown for a missing value. */
export const NA = 'n/a';

/** True for a finite number (excludes null, undefined, NaN, Infinity). */
export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Compact count with an SI suffix: 734517784 -> "734.5M", 8357403496 -> "8.36G"; null -> "n/a". */
export function formatCount(n: number | null | undefined): string {
  return isNum(n) ? shared.formatCount(n) : NA;
}

/** Full count with thousands separators: 734517784 -> "734,517,784"; null -> "n/a". */
export function formatInt(n: number | null | undefined): string {
  return isNum(n) ? shared.formatInt(n) : NA;
}

/** Milliseconds with 2 decimals below 10 ms, 1 decimal above: "0.42 ms", "12.3 ms". */
export function formatMs(ms: number | null | undefined): string {
  if (!isNum(ms)) return NA;
  return `${ms.toFixed(Math.abs(ms) < 10 ? 2 : 1)} ms`;
}

/** Bytes in binary units: 10512320 -> "10.0 MiB"; null -> "n/a". */
export function formatBytes(b: number | null | undefined): string {
  return isNum(b) ? shared.formatBytes(b) : NA;
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

/** A ratio: 8.89 -> "8.9x". */
export function formatRatio(r: number | null | undefined): string {
  if (!isNum(r)) return NA;
  return `${r.toFixed(1)}x`;
}

/** NHWC shape without the batch dimension: [null, 19, 19, 728] -> "19x19x728"; missing -> "n/a". */
export function formatShape(shape: Shape | null | undefined): string {
  return Array.isArray(shape) && shape.length > 0 ? shared.formatShape(shape) : NA;
}

/**
 * Achieved GFLOP/s = flops x batch / (ms x 1e6), `flops` per image and `medianMs` for `batch`
 * images; null when there are no FLOPs or no valid positive time.
 */
export function gflopsPerSecond(flops: number, medianMs: number | null | undefined, batch = 1): number | null {
  return shared.gflopsPerSecond(flops, medianMs, batch);
}
