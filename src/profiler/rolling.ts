/**
 * Rolling per-layer statistics over the last N passes, for views that update while profiling
 * runs (the panel, the tree, hovers). Memory is bounded by `window` samples per layer.
 */
import type { LayerTiming } from '../report/schema';
import { median, minimum, percentile } from './stats';

export class RollingTimings {
  private readonly samples = new Map<string, number[]>();
  private passes = 0;

  /** @param window number of most recent passes kept per layer (>= 1). */
  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer; got ${window}`);
  }

  /** Adds one pass (wall ms per layer name). Non-finite times are kept out of the statistics. */
  add(layerMs: Record<string, number>): void {
    this.passes++;
    for (const [name, ms] of Object.entries(layerMs)) {
      const list = this.samples.get(name) ?? [];
      list.push(ms);
      if (list.length > this.window) list.shift();
      this.samples.set(name, list);
    }
  }

  /** Passes added so far (not capped by the window). */
  get count(): number {
    return this.passes;
  }

  /** Median / min / p90 per layer over the window, ms. Kernels are not tracked here (empty). */
  snapshot(): Record<string, LayerTiming> {
    const out: Record<string, LayerTiming> = {};
    for (const [name, list] of this.samples) {
      out[name] = { medianMs: median(list), minMs: minimum(list), p90Ms: percentile(list, 90), runs: list.filter(Number.isFinite).length, kernels: [] };
    }
    return out;
  }
}
