/**
 * This process's memory as Linux counts it, for the benchmarks: `/proc/self/status`'s `VmHWM`
 * (peak RSS) and `VmRSS` (RSS now), MB (2^20 bytes). `process.resourceUsage().maxRSS` will not do
 * for a peak: Linux carries it over fork and exec, so a child reports at least its parent's RSS
 * at the fork (e.g. npm's, when run by `npm run`). Elsewhere than Linux, Node's own numbers.
 */
import { readFileSync } from 'node:fs';

const MB = 2 ** 20;

/** This process's peak RSS, MB (`VmHWM`). */
export function peakRssMb(): number {
  return procStatusMb('VmHWM') ?? process.resourceUsage().maxRSS / 1024;
}

/** This process's RSS now, MB (`VmRSS`). */
export function rssMb(): number {
  return procStatusMb('VmRSS') ?? process.memoryUsage().rss / MB;
}

/** A memory line of /proc/self/status (Linux), MB; undefined elsewhere. */
function procStatusMb(field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const kb = new RegExp(`${field}:\\s*(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
