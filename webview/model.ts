/**
 * The report the webview shows, indexed by name, with live timings merged in place.
 * Holds no model logic: lookups and the merge of `timings` messages only.
 */
import type { ArchitectureReport, Diagnostic, GroupReport, LayerReport, SeparableVsRegular, Totals } from '../src/report/schema';
import type { TimingsMessage } from '../src/report/messages';
import { isNum } from './format';

/** A report plus name indexes. The report object is mutated by `applyTimings`. */
export class ReportModel {
  readonly layers = new Map<string, LayerReport>();
  readonly blocks = new Map<string, GroupReport>();
  readonly flows = new Map<string, GroupReport>();
  /** Diagnostics that name a layer, by layer name, in report order. */
  readonly layerDiagnostics = new Map<string, Diagnostic[]>();
  /** The regular-convolution twin's row of each separable layer (`report.regularComparison`). */
  readonly comparison = new Map<string, SeparableVsRegular>();
  /** Timed runs merged so far (from the last `timings` message). */
  run = 0;

  constructor(readonly report: ArchitectureReport) {
    for (const l of report.layers) this.layers.set(l.name, l);
    for (const b of report.blocks) this.blocks.set(b.name, b);
    for (const f of report.flows) this.flows.set(f.name, f);
    for (const d of report.diagnostics) {
      if (d.layer === undefined) continue;
      const list = this.layerDiagnostics.get(d.layer) ?? [];
      list.push(d);
      this.layerDiagnostics.set(d.layer, list);
    }
    for (const row of report.regularComparison?.layers ?? []) this.comparison.set(row.name, row);
  }

  /** Diagnostics without a layer (engine, file, weights...), in report order. */
  reportDiagnostics(): Diagnostic[] {
    return this.report.diagnostics.filter((d) => d.layer === undefined);
  }

  /**
   * Static totals of groups, taken from the report's `GroupReport.totals` (computed once, in
   * analysis) and summed over the groups (e.g. the 8 middle-flow blocks drawn as one "x 8" box).
   */
  groupTotals(groups: GroupReport[]): Totals {
    const t: Totals = { layers: 0, params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, elementwiseOps: 0, activationBytes: 0, weightBytes: 0 };
    for (const g of groups) {
      t.layers += g.totals.layers;
      t.params.trainable += g.totals.params.trainable;
      t.params.nonTrainable += g.totals.params.nonTrainable;
      t.macs += g.totals.macs;
      t.flops += g.totals.flops;
      t.elementwiseOps += g.totals.elementwiseOps;
      t.activationBytes += g.totals.activationBytes;
      t.weightBytes += g.totals.weightBytes;
    }
    return t;
  }

  /** The layers of the named groups (blocks or flows), in order; unknown names are skipped. */
  layersOf(groups: GroupReport[]): LayerReport[] {
    const out: LayerReport[] = [];
    for (const g of groups) for (const n of g.layers) {
      const l = this.layers.get(n);
      if (l) out.push(l);
    }
    return out;
  }

  /**
   * Total time of one forward pass, ms, that layer shares are taken of: the report's sum of the
   * layers' medians when present, else the sum of the known layer medians; null when none.
   */
  passMs(): number | null {
    const t = this.report.timing?.layerSumMs;
    if (isNum(t) && t > 0) return t;
    let sum = 0;
    let any = false;
    for (const l of this.report.layers) {
      const m = l.timing?.medianMs;
      if (isNum(m)) {
        sum += m;
        any = true;
      }
    }
    return any && sum > 0 ? sum : null;
  }

  /** Images per timed call (`timing.batchSize`, 1 when unknown): medians are per batch. */
  get batch(): number {
    const b = this.report.timing?.batchSize;
    return isNum(b) && b > 0 ? b : 1;
  }

  /** Merges a `timings` message; returns the names of the layers that changed. */
  applyTimings(msg: TimingsMessage): string[] {
    const changed: string[] = [];
    for (const [name, timing] of Object.entries(msg.layers)) {
      const l = this.layers.get(name);
      if (!l) continue;
      l.timing = timing;
      changed.push(name);
    }
    if (msg.timing) this.report.timing = msg.timing;
    if (msg.engine) this.report.engine = msg.engine;
    this.run = msg.run;
    return changed;
  }
}
