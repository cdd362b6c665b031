/** Puts measured timings into a static report. */
import type { ArchitectureReport, GroupReport, LayerTiming, PassTiming } from '../report/schema';
import type { ProfileResult } from './profile';

/** Relative gap between the profiled pass and the sum of its layers beyond which the report says so. */
export const PASS_SUM_TOLERANCE = 0.05;

/**
 * How far the sum of the layer medians is from the median profiled pass, as a fraction of the
 * pass: (layerSumMs - profiledMedianMs) / profiledMedianMs, negative when the layers sum to less
 * (time between layers, output readback). Null when either is missing. The pass-gap diagnostic
 * and the views' pass line both read it; test: test/profiler/attach.test.ts.
 */
export function passGap(t: Pick<PassTiming, 'layerSumMs' | 'profiledMedianMs'>): number | null {
  const { layerSumMs, profiledMedianMs } = t;
  if (layerSumMs == null || profiledMedianMs == null || !Number.isFinite(layerSumMs) || !(profiledMedianMs > 0)) return null;
  return (layerSumMs - profiledMedianMs) / profiledMedianMs;
}

function groupMedian(group: GroupReport, byName: Record<string, LayerTiming>): number | null {
  let sum = 0;
  let any = false;
  for (const name of group.layers) {
    const ms = byName[name]?.medianMs;
    if (ms != null && Number.isFinite(ms)) {
      sum += ms;
      any = true;
    }
  }
  return any ? sum : null;
}

/**
 * Puts live layer timings (and the pass timing, when given) into `report`, in place, and
 * refreshes the blocks' and flows' `medianMs`, so that every view reads one up-to-date report.
 */
export function mergeTimings(report: ArchitectureReport, update: { layers: Record<string, LayerTiming>; timing?: PassTiming }): void {
  for (const layer of report.layers) {
    const timing = update.layers[layer.name];
    if (timing) layer.timing = timing;
  }
  const byName = Object.fromEntries(report.layers.filter((l) => l.timing).map((l) => [l.name, l.timing!]));
  for (const group of [...report.blocks, ...report.flows]) group.medianMs = groupMedian(group, byName);
  if (update.timing) report.timing = update.timing;
}

/**
 * Returns a copy of `report` with `timing` on every profiled layer, `medianMs` on blocks and
 * flows (sums of layer medians; "n/a" layers are left out), `report.timing` for the whole pass,
 * and diagnostics for layers with missing kernel times and for a pass time that differs from the
 * sum of its layers by more than 5 %.
 */
export function attachTimings(report: ArchitectureReport, result: ProfileResult): ArchitectureReport {
  const layers = report.layers.map((l) => (result.layers[l.name] ? { ...l, timing: result.layers[l.name] } : l));
  const diagnostics = report.diagnostics.filter((d) => d.code !== 'timing-missing-kernels' && d.code !== 'timing-pass-gap');
  for (const name of result.missingKernelTimes) {
    diagnostics.push({ severity: 'warning', code: 'timing-missing-kernels', layer: name, message: `timing: some kernel times of layer "${name}" were missing or not numbers; shown as n/a and left out of sums` });
  }
  const { profiledMedianMs, layerSumMs } = result.pass;
  const relativeGap = passGap(result.pass);
  if (relativeGap != null && profiledMedianMs != null && layerSumMs != null && Math.abs(relativeGap) > PASS_SUM_TOLERANCE) {
    const gap = (-100 * relativeGap).toFixed(1);
    const readback = result.pass.readbackMedianMs;
    const outputs = report.model.outputShapes.length;
    const why = readback != null && readback > 0.5
      ? `of which ${readback.toFixed(1)} ms is reading back the model's ${outputs} output${outputs === 1 ? '' : 's'}; the rest is time between layers or skew of the medians`
      : 'time spent between layers, or medians of skewed samples';
    diagnostics.push({
      severity: 'info',
      code: 'timing-pass-gap',
      message: `timing: the sum of the layer medians (${layerSumMs.toFixed(1)} ms) differs from the median pass (${profiledMedianMs.toFixed(1)} ms) by ${gap} % (${why})`,
    });
  }
  return {
    ...report,
    layers,
    blocks: report.blocks.map((b) => ({ ...b, medianMs: groupMedian(b, result.layers) })),
    flows: report.flows.map((f) => ({ ...f, medianMs: groupMedian(f, result.layers) })),
    diagnostics,
    timing: result.pass,
  };
}
