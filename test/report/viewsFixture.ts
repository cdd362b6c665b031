/**
 * The layer every view renders in the cross-view tests (test/report/views.test.ts and
 * test/browser/views.test.ts): block4_sepconv2 of the real Xception-299 report with the SYNTHETIC
 * timings of test/extension/fixtures.ts, a pass of 4 images, and a depthwise kernel without a time
 * (the WebGL timer's own error), so that every label about what was measured shows.
 */
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';
import { rowValueText, type LayerCardView, type ViewRow } from '../../src/report/viewModel';
import { withTimings, xceptionReport } from '../extension/fixtures';

export const TIMER_ERROR = 'WebGL query timers are not supported in this environment.';
export const LAYER = 'block4_sepconv2';

/** The report and its layer `LAYER`. */
export async function oneLayerReport(): Promise<{ report: ArchitectureReport; layer: LayerReport }> {
  const report = withTimings(await xceptionReport());
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

/** All rows of a layer card: the static ones, then the measured ones. */
export function cardRows(view: LayerCardView): PrintedRow[] {
  return printed([...view.rows, ...('rows' in view.measured ? view.measured.rows : [])]);
}
