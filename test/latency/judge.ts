// Latency targets of the benchmark `npm run bench:latency`: each measurement is printed with its
// target and the ratio; only `LATENCY_CHECK=1` turns a missed target into a failure (as
// `npm run bench -- --check` does), so timing never fails the unit tests on a loaded machine.
import { expect } from 'vitest';

/**
 * Prints `what: <ms> ms (target < <targetMs> ms: <ratio>x, met | NOT met)`.
 * @param ms the measured time in ms (a median or a maximum: `what` says which)
 * @param targetMs the target in ms (from the issue that set it)
 * @throws an assertion error when LATENCY_CHECK=1 and the target is not met
 */
export function judge(what: string, ms: number, targetMs: number): void {
  const met = ms < targetMs;
  const digits = ms < 1 ? 4 : 1;
  console.log(`${what}: ${ms.toFixed(digits)} ms (target < ${targetMs} ms: ${(ms / targetMs).toFixed(2)}x, ${met ? 'met' : 'NOT met'})`);
  if (process.env.LATENCY_CHECK) expect(ms, what).toBeLessThan(targetMs);
}

/** The median of `values` (upper median for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
