/**
 * Rolling per-layer statistics over the last N passes, for views that update while profiling
 * runs (the panel, the tree, hovers). Memory is bounded: at most `window` samples per layer and
 * per kernel.
 */
import type { LayerTiming } from '../report/schema';
import type { PassSample } from './profile';
import { median, minimum, percentile } from './stats';

function pushBounded(list: number[], value: number, window: number): void {
  list.push(value);
  if (list.length > window) list.shift();
}

export class RollingTimings {
  private readonly layers = new Map<string, number[]>();
  private readonly kernels = new Map<string, Map<string, { ms: number[]; calls: number }>>();
  private passes = 0;

  /** @param window number of most recent passes kept per layer (>= 1). */
  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer; got ${window}`);
  }

  /**
   * Adds one pass: wall ms per layer name, and optionally each layer's kernel times (ms).
   * Non-finite times are kept out of the statistics (they show as n/a).
   */
  add(layerMs: Record<string, number>, kernels?: PassSample['kernels']): void {
    this.passes++;
    for (const [name, ms] of Object.entries(layerMs)) {
      const list = this.layers.get(name) ?? [];
      pushBounded(list, ms, this.window);
      this.layers.set(name, list);
    }
    for (const [layer, list] of Object.entries(kernels ?? {})) {
      const byKernel = this.kernels.get(layer) ?? new Map<string, { ms: number[]; calls: number }>();
      for (const k of list) {
        const entry = byKernel.get(k.name) ?? { ms: [], calls: k.calls };
        pushBounded(entry.ms, k.ms, this.window);
        entry.calls = k.calls;
        byKernel.set(k.name, entry);
      }
      this.kernels.set(layer, byKernel);
    }
  }

  /** Passes added so far (not capped by the window). */
  get count(): number {
    return this.passes;
  }

  /** Samples held per layer at most (for tests of the bound). */
  get held(): number {
    return Math.max(0, ...[...this.layers.values()].map((l) => l.length));
  }

  /** Median / min / p90 per layer over the window, ms, with each kernel's median. */
  snapshot(): Record<string, LayerTiming> {
    const out: Record<string, LayerTiming> = {};
    for (const [name, list] of this.layers) {
      const kernels = [...(this.kernels.get(name) ?? new Map<string, { ms: number[]; calls: number }>())].map(([k, v]) => ({ name: k, medianMs: median(v.ms), calls: v.calls }));
      out[name] = { medianMs: median(list), minMs: minimum(list), p90Ms: percentile(list, 90), runs: list.filter(Number.isFinite).length, kernels };
    }
    return out;
  }
}
