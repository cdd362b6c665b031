/** Order statistics over timing samples (ms). Non-finite samples are ignored. */

function finiteSorted(samples: readonly number[]): number[] {
  return samples.filter((s) => Number.isFinite(s)).sort((a, b) => a - b);
}

/** Median of the finite samples; null when there are none. Even counts average the middle two. */
export function median(samples: readonly number[]): number | null {
  const s = finiteSorted(samples);
  if (s.length === 0) return null;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Nearest-rank percentile (p in (0, 100]) of the finite samples; null when there are none.
 * p90 of 10 samples is the 9th smallest.
 */
export function percentile(samples: readonly number[], p: number): number | null {
  const s = finiteSorted(samples);
  if (s.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1];
}

/** Smallest finite sample; null when there are none. */
export function minimum(samples: readonly number[]): number | null {
  const s = finiteSorted(samples);
  return s.length ? s[0] : null;
}
