/**
 * The colours of the metrics layers can be coloured by. The numbers (values, scale positions,
 * shares, legend labels) come from the view-model (`src/report/diagramView.ts`); this module only
 * turns a scale position into a fill.
 */
import type { MetricId } from '../src/report/messages';

/** CSS colour of each metric's scale top (a VS Code chart colour with a fallback). */
export const METRIC_HUES: Record<MetricId, string> = {
  medianMs: 'var(--vscode-charts-red, #e51400)',
  macs: 'var(--vscode-charts-blue, #1a85ff)',
  params: 'var(--vscode-charts-purple, #8a2be2)',
  activationBytes: 'var(--vscode-charts-orange, #d18616)',
  gflops: 'var(--vscode-charts-green, #388a34)',
};

/** Colour-mix percentages of the scale: 0 -> faint tint, 1 -> strong colour. */
const MIN_MIX = 6;
const MAX_MIX = 78;

/**
 * CSS fill for a scale position `t` (0..1) at `strength` (1: the layers' full scale; block rows are
 * lighter so that their text stays readable): the metric's hue mixed into the editor background,
 * so that the same code reads well in light and dark themes (CSS `color-mix`, set through the CSSOM).
 */
export function scaleColor(metric: MetricId, t: number, strength = 1): string {
  const pct = Math.round(MIN_MIX + (MAX_MIX - MIN_MIX) * strength * Math.max(0, Math.min(1, t)));
  return `color-mix(in srgb, ${METRIC_HUES[metric]} ${pct}%, var(--vscode-editor-background, #ffffff))`;
}
