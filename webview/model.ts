/**
 * The report the webview shows, indexed by name, with live timings merged in place.
 * Holds no model logic: lookups and the merge of `timings` messages only.
 */
import type { ArchitectureReport, Diagnostic, GroupReport, LayerReport, SeparableVsRegular } from '../src/report/schema';
import type { TimingsMessage } from '../src/report/messages';
import { mergeTimings } from '../src/profiler/attach';
import { DEFAULTS } from '../src/report/defaults';
import type { FlopsConvention } from '../src/report/flopsConvention';

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
  /** How compute is counted (the `flopsConvention` setting; the host sends it). */
  convention: FlopsConvention = DEFAULTS.flopsConvention;

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

  /** Merges a `timings` message; returns the names of the layers that changed. */
  applyTimings(msg: TimingsMessage): string[] {
    const changed = Object.keys(msg.layers).filter((name) => this.layers.has(name));
    // The core's merge: layers in place, and the blocks' and flows' medians refreshed with them.
    mergeTimings(this.report, msg);
    if (msg.engine) this.report.engine = msg.engine;
    this.run = msg.run;
    return changed;
  }
}
