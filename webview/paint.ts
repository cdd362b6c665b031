/**
 * Paints numbers and colours onto an already rendered diagram: layer fills by the chosen metric,
 * block share bars and values, flow subtitles. The numbers are the view-model's
 * (`diagramPaint`, src/report/diagramView.ts); this module only sets colours, bar lengths and
 * text. Called on every live timing update, so it only sets attributes, CSSOM properties and
 * text of existing nodes (no re-layout, no new elements).
 */
import { diagramPaint, type LegendSpec } from '../src/report/diagramView';
import type { MetricId } from '../src/report/messages';
import { scaleColor } from './metrics';
import type { ReportModel } from './model';
import type { DiagramView } from './render';

/** What the legend needs after a paint. */
export interface PaintResult {
  metric: MetricId;
  legend: LegendSpec;
}

/** Strongest tint of a block row, as a fraction of the scale (its text must stay readable). */
const ROW_TINT = 0.6;

/** Sets `el.textContent` only when it changes (avoids needless style/layout work). */
function setText(el: Element, s: string): void {
  if (el.textContent !== s) el.textContent = s;
}

/** Paints the whole diagram for a metric. */
export function paint(view: DiagramView, model: ReportModel, metric: MetricId): PaintResult {
  const p = diagramPaint(model.report, metric, view.layout.blocks);
  for (const [name, els] of view.layers) {
    const t = p.layers.get(name);
    // Unknown (e.g. timing pending, or a layer without FLOPs for GFLOP/s): neutral, hatched.
    els.box.style.fill = t === undefined ? '' : scaleColor(metric, t);
    els.g.classList.toggle('no-data', t === undefined);
  }
  for (const [name, els] of view.blocks) {
    const b = p.blocks.get(name);
    if (!b) continue;
    els.bar.setAttribute('width', String((b.share ?? 0) * els.barMax));
    setText(els.value, b.text);
    if (els.row && b.row !== undefined) {
      els.row.style.fill = b.row === null ? '' : scaleColor(metric, b.row, ROW_TINT);
      els.row.classList.toggle('no-data', b.row === null);
    }
  }
  for (const [flow, el] of view.flowSubtitles) setText(el, p.flows.get(flow) ?? '');
  return { metric, legend: p.legend };
}
