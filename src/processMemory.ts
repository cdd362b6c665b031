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

/**
 * Environment for a process that times models (the worker; bench:files's children): glibc's
 * malloc serves every allocation of 128 KiB or more with its own mmap, returned to the system
 * when freed. By default glibc raises that threshold after the first such block is freed (up to
 * 32 MiB), so the activations of a pass (the plain-JS engine allocates each op's output as a new
 * array, then drops it) come from the heap and stay resident after they are freed: timing a
 * 100 MB Keras file peaked 6-45 MB higher on the plain-JS engine and 150-240 MB higher on ONNX
 * Runtime, and the process started 19 MB larger (bench:files, README "Model files"). Other C
 * libraries ignore the variable (glibc's `mallopt(M_MMAP_THRESHOLD)` documentation).
 */
export const TIMING_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };
