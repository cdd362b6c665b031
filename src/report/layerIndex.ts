/** Lookup of a report's layers by name, built once per report object (views ask on every keystroke). */
import type { ArchitectureReport, LayerReport } from './schema';

const cache = new WeakMap<ArchitectureReport, Map<string, LayerReport>>();

/**
 * The layers of `report` by Keras name. Live timings are merged into the same layer objects
 * (`mergeTimings`), so the index stays valid for the report's lifetime.
 */
export function layersByName(report: ArchitectureReport): Map<string, LayerReport> {
  let index = cache.get(report);
  if (!index) {
    index = new Map(report.layers.map((l) => [l.name, l]));
    cache.set(report, index);
  }
  return index;
}
