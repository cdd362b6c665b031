/**
 * Formatting of report numbers for people (CLI, tree, hovers, exports). Views format; they never
 * recompute. No runtime dependencies (the webview imports it too).
 */
import type { LayerReport, Shape } from './schema';

/** `[null, 37, 37, 728]` -> `37x37x728` (batch dropped; unknown dims as `?`). */
export function formatShape(shape: Shape): string {
  return shape.slice(1).map((d) => (d == null ? '?' : String(d))).join('x') || 'scalar';
}

/** `[null, 37, 37, 728]` -> `(None, 37, 37, 728)`, as Keras's model.summary() prints it. */
export function formatKerasShape(shape: Shape): string {
  return `(${shape.map((d) => (d == null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** 734517784 -> `734.5M`; 8357403496 -> `8.36G`; 950 -> `950`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const abs = Math.abs(n);
  if (abs >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(Math.round(n));
}

/** 22910480 -> `22,910,480`. */
export function formatInt(n: number): string {
  // A regex, not toLocaleString: ICU formatting costs ~10 us a call, and a card formats a dozen.
  return Number.isFinite(n) ? String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : 'n/a';
}

/** The text shown for a missing value (views add its reason beside it when one is known). */
export const NA = 'n/a';

/** True for a finite number (excludes null, undefined, NaN, Infinity). */
export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Milliseconds with sensible precision; null/NaN -> `n/a`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return NA;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/** Bytes as KiB / MiB / GiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/**
 * Achieved GFLOP/s of a layer: flops / time. Null when the layer has no FLOPs or no valid time.
 * @param flops floating-point operations per image (2 x MACs)
 * @param ms median wall time for `batch` images
 */
export function gflopsPerSecond(flops: number, ms: number | null | undefined, batch = 1): number | null {
  if (!flops || ms == null || !Number.isFinite(ms) || ms <= 0) return null;
  return (flops * batch) / (ms * 1e6);
}

/** Median ms of a layer, or null when not profiled / n/a. */
export function layerMedianMs(layer: LayerReport): number | null {
  const ms = layer.timing?.medianMs;
  return ms != null && Number.isFinite(ms) ? ms : null;
}

/** Text for HTML markup and attribute values: `& < > " '` as character references. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `part` as a percentage of `whole`, one decimal (`12.3 %`); `n/a` when either is unknown or `whole` is 0. */
export function formatShare(part: number | null | undefined, whole: number | null | undefined): string {
  return part != null && whole && Number.isFinite(part) && Number.isFinite(whole) ? `${((100 * part) / whole).toFixed(1)} %` : 'n/a';
}

/** GFLOP/s with 1 decimal (2 below 10): `41.7 GFLOP/s`; `n/a` when missing. */
export function formatGflops(g: number | null | undefined): string {
  if (!isNum(g)) return NA;
  return `${g.toFixed(Math.abs(g) < 10 ? 2 : 1)} GFLOP/s`;
}

/** A ratio with three significant digits: 8.8901 -> `8.89x`, 55.81 -> `55.8x`, 125.4 -> `125x`; `n/a` when missing. */
export function formatRatio(r: number | null | undefined): string {
  if (!isNum(r)) return NA;
  const abs = Math.abs(r);
  return `${r.toFixed(abs < 10 ? 2 : abs < 100 ? 1 : 0)}x`;
}

/** `1 run`, `10 runs`: a count with its noun, singular for 1. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
