/**
 * Paints numbers and colours onto an already rendered diagram: layer fills by the chosen metric,
 * block share bars and values, flow subtitles. Called on every live timing update, so it only sets
 * attributes, CSSOM properties and text of existing nodes (no re-layout, no new elements).
 */
import { formatPercent, isNum } from './format';
import { METRICS, scaleColor, scalePosition, type Metric } from './metrics';
import type { ReportModel } from './model';
import type { DiagramView } from './render';
import type { MetricId } from '../src/report/messages';

/** What the legend needs after a paint: the scale's maximum and whether any value was known. */
export interface PaintResult {
  metric: Metric;
  /** Largest layer value over the whole model (the top of the colour scale); 0 when none. */
  max: number;
  /** Layers with a known value / all layers. */
  known: number;
  total: number;
  /** Darkest block row's value (per block), when block rows are drawn. */
  rowMax?: number;
}

/** Strongest tint of a block row, as a fraction of the scale (its text must stay readable). */
const ROW_TINT = 0.6;

/** Sets `el.textContent` only when it changes (avoids needless style/layout work). */
function setText(el: Element, s: string): void {
  if (el.textContent !== s) el.textContent = s;
}

/** Paints the whole diagram for a metric. */
export function paint(view: DiagramView, model: ReportModel, metricId: MetricId): PaintResult {
  const metric = METRICS[metricId];
  const batch = model.batch;
  let max = 0;
  let known = 0;
  for (const l of model.report.layers) {
    const v = metric.layerValue(l, batch);
    if (isNum(v)) {
      known++;
      if (v > max) max = v;
    }
  }

  for (const [name, els] of view.layers) {
    const l = model.layers.get(name);
    const v = l ? metric.layerValue(l, batch) : null;
    if (isNum(v)) {
      els.box.style.fill = scaleColor(metric, scalePosition(v, max));
      els.g.classList.remove('no-data');
    } else {
      // Unknown (e.g. timing pending, or a layer without FLOPs for GFLOP/s): neutral, hatched.
      els.box.style.fill = '';
      els.g.classList.add('no-data');
    }
  }

  // Block bars: share of the model total (GFLOP/s does not add up: share of time instead).
  const shareMetric = metric.additive ? metric : METRICS.medianMs;
  const total = shareMetric.groupValue(model.report.layers, model.report.totals, batch);
  for (const b of view.layout.blocks) {
    const els = view.blocks.get(b.name);
    if (!els) continue;
    const groups = b.represents.map((n) => model.blocks.get(n)).filter((g) => g !== undefined);
    const layers = model.layersOf(groups);
    const totals = model.groupTotals(groups);
    const v = metric.groupValue(layers, totals, batch);
    const share = isNum(total) && total > 0 ? (shareMetric.groupValue(layers, totals, batch) ?? 0) / total : null;
    els.bar.setAttribute('width', String(isNum(share) ? Math.max(0, Math.min(1, share)) * els.barMax : 0));
    setText(els.value, isNum(share) ? `${metric.format(v)} \u00b7 ${formatPercent(share)}` : metric.format(v));
  }

  // Closed blocks' rows: filled by the block's value on a scale of the largest row (a repeated
  // row by its value per block), lighter than layer boxes so that their two lines stay readable.
  const rows = view.layout.blocks.filter((b) => b.closed);
  const rowValues = rows.map((b) => {
    const groups = b.represents.map((n) => model.blocks.get(n)).filter((g) => g !== undefined);
    const v = metric.groupValue(model.layersOf(groups), model.groupTotals(groups), batch);
    return isNum(v) && metric.additive ? v / Math.max(1, groups.length) : v;
  });
  const rowMax = Math.max(0, ...rowValues.filter(isNum));
  rows.forEach((b, i) => {
    const row = view.blocks.get(b.name)?.row;
    const v = rowValues[i];
    if (!row) return;
    row.style.fill = isNum(v) ? scaleColor(metric, ROW_TINT * scalePosition(v, rowMax)) : '';
    row.classList.toggle('no-data', !isNum(v));
  });

  for (const [flow, el] of view.flowSubtitles) {
    const g = model.flows.get(flow);
    const groups = g ? [g] : [];
    const layers = model.layersOf(groups);
    const totals = model.groupTotals(groups);
    const share = isNum(total) && total > 0 ? (shareMetric.groupValue(layers, totals, batch) ?? 0) / total : null;
    setText(el, `${totals.layers} layers \u00b7 ${metric.format(metric.groupValue(layers, totals, batch))}${isNum(share) ? ` (${formatPercent(share)})` : ''}`);
  }
  return { metric, max, known, total: model.report.layers.length, rowMax: rows.length ? rowMax : undefined };
}
