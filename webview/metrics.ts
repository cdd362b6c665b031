/**
 * The metrics layers can be coloured by, how each is read from a layer or a group of layers, and
 * the colour scale. Static values (MACs, params, bytes) of a group are its `GroupReport.totals`,
 * computed once in analysis; only measured times are summed here, because live `timings`
 * messages update layers one by one (a group's time = the sum of its layers' current medians,
 * the same definition as `GroupReport.medianMs`).
 */
import type { LayerReport, Totals } from '../src/report/schema';
import type { MetricId } from '../src/report/messages';
import { formatBytes, formatCount, formatGflops, formatMs, gflopsPerSecond, isNum, orNA } from './format';

/** How to read, total and show one metric. */
export interface Metric {
  id: MetricId;
  /** Label of the metric picker's option. */
  label: string;
  /**
   * The layer's value; null when unknown (e.g. timing pending). `batch` = images per timed call
   * (times are per batch; GFLOP/s counts FLOPs x batch).
   */
  layerValue(layer: LayerReport, batch: number): number | null;
  /**
   * The value of a group (a block, a flow, the model): `totals` are the group's static totals
   * from the report, `layers` its layers (for measured times); null when unknown.
   */
  groupValue(layers: LayerReport[], totals: Totals, batch: number): number | null;
  /** Formats a value of this metric, "n/a" for null. */
  format(value: number | null): string;
  /** CSS colour of the scale's top end (a VS Code chart colour with a fallback). */
  hue: string;
  /**
   * True when values add up (time, MACs, params, bytes): block bars then show the block's share
   * of the total. GFLOP/s does not add up, so its bars show the share of time instead.
   */
  additive: boolean;
}

const ms = (l: LayerReport): number | null => (l.timing && isNum(l.timing.medianMs) ? l.timing.medianMs : null);

/** Sum of the layers' values; null when no layer has a value. */
function sum(layers: LayerReport[], f: (l: LayerReport) => number | null): number | null {
  let total = 0;
  let any = false;
  for (const l of layers) {
    const v = f(l);
    if (isNum(v)) {
      total += v;
      any = true;
    }
  }
  return any ? total : null;
}

/** The metrics, in picker order. */
export const METRICS: Record<MetricId, Metric> = {
  medianMs: {
    id: 'medianMs',
    label: 'Measured median time (ms)',
    layerValue: ms,
    groupValue: (ls) => sum(ls, ms),
    format: formatMs,
    hue: 'var(--vscode-charts-red, #e51400)',
    additive: true,
  },
  macs: {
    id: 'macs',
    label: 'MACs',
    layerValue: (l) => l.macs,
    groupValue: (_ls, t) => t.macs,
    format: orNA(formatCount),
    hue: 'var(--vscode-charts-blue, #1a85ff)',
    additive: true,
  },
  params: {
    id: 'params',
    label: 'Parameters',
    layerValue: (l) => l.params.trainable + l.params.nonTrainable,
    groupValue: (_ls, t) => t.params.trainable + t.params.nonTrainable,
    format: orNA(formatCount),
    hue: 'var(--vscode-charts-purple, #8a2be2)',
    additive: true,
  },
  activationBytes: {
    id: 'activationBytes',
    label: 'Activation bytes',
    layerValue: (l) => l.activationBytes,
    groupValue: (_ls, t) => t.activationBytes,
    format: orNA(formatBytes),
    hue: 'var(--vscode-charts-orange, #d18616)',
    additive: true,
  },
  gflops: {
    id: 'gflops',
    label: 'Achieved GFLOP/s',
    // Layers without FLOPs (BN, ReLU, Add...) have no meaningful GFLOP/s.
    layerValue: (l, batch) => (l.flops > 0 ? gflopsPerSecond(l.flops, ms(l), batch) : null),
    // FLOPs from the group's totals; time only of the layers that have FLOPs.
    groupValue: (ls, totals, batch) => gflopsPerSecond(totals.flops, sum(ls.filter((l) => l.flops > 0), ms), batch),
    format: formatGflops,
    hue: 'var(--vscode-charts-green, #388a34)',
    additive: false,
  },
};

/** Colour-mix percentages of the scale: 0 -> faint tint, 1 -> strong colour. */
const MIN_MIX = 6;
const MAX_MIX = 78;

/**
 * Position 0..1 of a value on the scale from 0 to `max`. Square root, so that the many small
 * layers stay distinguishable next to a few large ones.
 */
export function scalePosition(value: number, max: number): number {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.sqrt(Math.min(1, value / max));
}

/** Inverse of `scalePosition`: the value at position t. */
export function scaleValue(t: number, max: number): number {
  return t * t * max;
}

/**
 * CSS fill for a scale position: the metric's hue mixed into the editor background, so that the
 * same code reads well in light and dark themes (CSS `color-mix`, set through the CSSOM).
 */
export function scaleColor(metric: Metric, t: number): string {
  const pct = Math.round(MIN_MIX + (MAX_MIX - MIN_MIX) * Math.max(0, Math.min(1, t)));
  return `color-mix(in srgb, ${metric.hue} ${pct}%, var(--vscode-editor-background, #ffffff))`;
}
