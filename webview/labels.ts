/**
 * The diagram's short labels: the operation drawn in a layer box and the title of a block box.
 * Pure functions of report data (no DOM), shared by the renderer and the DAG layout (which sizes
 * boxes by their label).
 */
import type { LayerReport } from '../src/report/schema';

/** Short operation label drawn in a layer box: the report's `label` (from the layer registry). */
export function opLabel(l: LayerReport): string {
  return l.label;
}

/** Title of a block box: `block5`, or `block5 - block12  x 8` for a collapsed repeat. */
export function blockTitle(represents: string[]): string {
  if (represents.length <= 1) {
    const n = represents[0] ?? '';
    return n === 'top' ? 'top (classifier head)' : n;
  }
  return `${represents[0]} \u2013 ${represents[represents.length - 1]}  \u00d7 ${represents.length}`;
}
