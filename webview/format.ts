/**
 * Number and shape formatting for the diagram. Views only format: every number comes from the
 * report. Every formatter is the shared one of `src/report/format.ts`, re-exported (one text for
 * the same number in the webview, the tree, the hovers, the CLI and the exports); this module adds
 * only `orNA` and `formatPercent` (a 0..1 share). Missing, null or non-finite values always format
 * as "n/a" (never "NaN").
 */
import { formatShare, isNum, NA } from '../src/report/format';

export { formatBytes, formatCount, formatGflops, formatInt, formatMs, formatRatio, formatShape, gflopsPerSecond, isNum, NA } from '../src/report/format';

/** Adapts a formatter of numbers to values that may be missing: null/undefined/NaN -> "n/a". */
export function orNA(format: (n: number) => string): (n: number | null | undefined) => string {
  return (n) => (isNum(n) ? format(n) : NA);
}

/** A share 0..1 as a percentage, as `formatShare` writes every share: 0.1234 -> "12.3 %". */
export function formatPercent(share: number | null | undefined): string {
  return formatShare(share, 1);
}
