/**
 * The layer every view renders in the cross-view tests (test/report/views.test.ts and
 * test/browser/views.test.ts): block4_sepconv2 of the real Xception-299 report with the SYNTHETIC
 * timings of test/extension/fixtures.ts, a pass of 4 images, and a depthwise kernel without a time
 * (the WebGL timer's own error), and SYNTHETIC roofs (compute 100 GFLOP/s, bandwidth 10 GB/s), so
 * that every label about what was measured shows, the roofline rows too.
 */
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';
import { rowValueText, type LayerCardView, type ViewRow } from '../../src/report/viewModel';
import { withIntensity } from '../../src/profiler/roofline';
import { withTimings, xceptionReport } from '../extension/fixtures';

export const TIMER_ERROR = 'WebGL query timers are not supported in this environment.';
export const LAYER = 'block4_sepconv2';

/** The report and its layer `LAYER`. */
export async function oneLayerReport(): Promise<{ report: ArchitectureReport; layer: LayerReport }> {
  const report = withIntensity(withTimings(await xceptionReport()), 4);
  report.roofline!.roofs = { engine: 'wasm x2 SIMD', computeGflops: 100, bandwidthGBs: 10, computeMethod: 'synthetic', bandwidthMethod: 'synthetic', measuredAt: '2026-11-30', cached: false };
  report.timing!.batchSize = 4;
  const layer = report.layers.find((l) => l.name === LAYER)!;
  layer.timing!.kernels[0] = { name: 'DepthwiseConv2dNative', medianMs: null, naReason: TIMER_ERROR, calls: 1 };
  return { report, layer };
}

/** A row as a view prints it: label, value text, note. */
export interface PrintedRow {
  label: string;
  text: string;
  note?: string;
}

/** The view-model's rows as every view should print them. */
export function printed(rows: ViewRow[]): PrintedRow[] {
  return rows.map((r) => ({ label: r.label, text: rowValueText(r), ...(r.note ? { note: r.note } : {}) }));
}

/** All rows of a layer card: the static ones, the measured ones, then the roofline's (kernels are a table of their own). */
export function cardRows(view: LayerCardView): PrintedRow[] {
  return printed([...view.rows, ...('rows' in view.measured ? view.measured.rows : []), ...view.roofline]);
}
