/**
 * Chooses the diagram's layout: Xception (`xception-flows` grouping) in its three hand-tuned
 * columns (flowsLayout.ts), any other model as a layered DAG (dagLayout.ts). Pure: report in,
 * geometry (geometry.ts) out.
 */
import type { ArchitectureReport } from '../src/report/schema';
import { layoutDag } from './dagLayout';
import { isXceptionReport, layoutColumns } from './flowsLayout';
import type { Layout, LayoutOptions } from './geometry';

export type { BlockBox, EdgeGeom, FlowBox, Layout, LayoutOptions, NodeBox } from './geometry';
export { isXceptionReport };

/**
 * Lays out the report: Xception (`xception-flows` grouping) in its three hand-tuned columns, any
 * other model as a layered DAG (see dagLayout.ts). Returns boxes in SVG user units with the origin
 * at the top-left.
 */
export function layoutReport(report: ArchitectureReport, options: LayoutOptions): Layout {
  return isXceptionReport(report) ? layoutColumns(report, options) : layoutDag(report);
}
