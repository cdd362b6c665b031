/**
 * The diagram's numbers, ready to paint: what each metric reads from a layer or a group, where
 * each layer and each block row sits on the colour scale, every block's value and share, the flow
 * subtitles and the legend. `webview/paint.ts` only turns them into colours, bar widths and text
 * (it computes nothing); the hover card, tree and exports read `viewModel.ts`.
 *
 * Static values of a group (MACs, params, bytes) are its report totals (`GroupReport.totals`,
 * computed once in analysis); a group's time is the sum of its layers' current medians (the
 * definition of `GroupReport.medianMs`, summed here because live `timings` messages update layers
 * one by one). No runtime dependencies beyond `src/report` (the webview bundle imports it).
 */
import { formatBytes, formatCount, formatGflops, formatMs, formatShape, formatShare, gflopsPerSecond, isNum, NA, plural } from './format';
import type { MetricId } from './messages';
import type { ArchitectureReport, GroupReport, LayerReport, Totals } from './schema';
import { batchOf, sumGroupTotals } from './viewModel';

/** How one metric is read, totalled and written. */
export interface DiagramMetric {
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
  groupValue(layers: readonly LayerReport[], totals: Totals, batch: number): number | null;
  /** A value of this metric as text, `n/a` for null. */
  format(value: number | null): string;
  /**
   * True when values add up (time, MACs, params, bytes): block bars then show the block's share
   * of the total. GFLOP/s does not add up, so its bars show the share of time instead.
   */
  additive: boolean;
}

const ms = (l: LayerReport): number | null => (l.timing && isNum(l.timing.medianMs) ? l.timing.medianMs : null);

/** Sum of the layers' values; null when no layer has one. */
function sum(layers: readonly LayerReport[], f: (l: LayerReport) => number | null): number | null {
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

const orNA = (format: (n: number) => string) => (n: number | null): string => (isNum(n) ? format(n) : NA);

/** The metrics, in picker order. */
export const DIAGRAM_METRICS: Record<MetricId, DiagramMetric> = {
  medianMs: { id: 'medianMs', label: 'Median wall time (ms)', layerValue: ms, groupValue: (ls) => sum(ls, ms), format: formatMs, additive: true },
  macs: { id: 'macs', label: 'MACs', layerValue: (l) => l.macs, groupValue: (_ls, t) => t.macs, format: orNA(formatCount), additive: true },
  params: {
    id: 'params',
    label: 'Parameters',
    layerValue: (l) => l.params.trainable + l.params.nonTrainable,
    groupValue: (_ls, t) => t.params.trainable + t.params.nonTrainable,
    format: orNA(formatCount),
    additive: true,
  },
  activationBytes: { id: 'activationBytes', label: 'Activation bytes', layerValue: (l) => l.activationBytes, groupValue: (_ls, t) => t.activationBytes, format: orNA(formatBytes), additive: true },
  gflops: {
    id: 'gflops',
    label: 'Achieved GFLOP/s',
    // Layers without FLOPs (BN, ReLU, Add...) have no meaningful GFLOP/s.
    layerValue: (l, batch) => (l.flops > 0 ? gflopsPerSecond(l.flops, ms(l), batch) : null),
    // FLOPs from the group's totals; time only of the layers that have FLOPs.
    groupValue: (ls, totals, batch) => gflopsPerSecond(totals.flops, sum(ls.filter((l) => l.flops > 0), ms), batch),
    format: formatGflops,
    additive: false,
  },
};

/** What a metric's legend and picker say it is: times name the engine and say they are wall time. */
export function metricTitle(report: ArchitectureReport, id: MetricId): string {
  const engine = report.engine?.name;
  if (id === 'medianMs') return `Median wall time${engine ? ` on ${engine}` : ''} (ms, batch of ${batchOf(report)})`;
  if (id === 'gflops') return `Achieved GFLOP/s${engine ? ` on ${engine}` : ''} (FLOPs = 2 x MACs, x batch / median wall time)`;
  if (id === 'macs') return 'MACs per image (bias adds, BN and activations are element-wise ops, not MACs)';
  return id === 'params' ? 'Parameters (trainable + non-trainable)' : 'Activation bytes (output size per image)';
}

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

/** Scale positions of the legend's swatches. */
export const LEGEND_STEPS = [0, 0.25, 0.5, 0.75, 1] as const;

/** What the legend says. */
export interface LegendSpec {
  /** `Median wall time on wasm (ms, batch of 1)`. */
  title: string;
  /** Position on the scale and label of each swatch (none when nothing has a value). */
  steps: { t: number; label: string }[];
  /** Label of the "no value" swatch. */
  noValue: string;
  /** Short notes after the swatches. */
  notes: string[];
}

/**
 * The legend: the five steps of the square-root scale and why they are uneven, the "no value"
 * swatch (which reads "timing pending" only while no layer has been timed), how many layers have
 * a value, and the scale of the block rows.
 * @param max largest layer value (the top of the scale); `known` of `total` layers have a value;
 *   `rowMax` largest block-row value per block, when rows are drawn
 */
export function legendSpec(p: { metric: DiagramMetric; title?: string; max: number; known: number; total: number; rowMax?: number }): LegendSpec {
  const timed = p.metric.id === 'medianMs' || p.metric.id === 'gflops';
  const steps = p.max > 0 ? LEGEND_STEPS.map((t) => ({ t, label: p.metric.format(scaleValue(t, p.max)) })) : [];
  const notes: string[] = [];
  if (steps.length) notes.push('square-root scale: steps at 0, 1/16, 1/4, 9/16 and all of the largest layer, so small layers stay apart');
  if (p.known < p.total && p.known > 0) notes.push(`${p.known} of ${p.total} layers have a value`);
  if (p.rowMax !== undefined && p.rowMax > 0) notes.push(`block rows: tinted on their own scale, darkest ${p.metric.format(p.rowMax)} per block`);
  return { title: p.title ?? p.metric.label, steps, noValue: timed && p.known === 0 ? `${NA} / timing pending` : NA, notes };
}

/** A block box of the diagram: its name, the report blocks it stands for (8 for the middle flow's "x 8"), and whether it is drawn closed (one row). */
export interface BlockBoxRef {
  name: string;
  represents: readonly string[];
  closed?: boolean;
}

/** What a block box shows. */
export interface BlockPaint {
  /** Share 0..1 of the model total (of time for GFLOP/s), the bar's length; null when unknown. */
  share: number | null;
  /** `734.5M · 12.3 %`: the metric's value and share. */
  text: string;
  /** Closed rows: position 0..1 on the rows' own scale (a repeated row by its value per block); null when unknown. */
  row?: number | null;
}

/** Everything one paint of the diagram shows. */
export interface DiagramPaint {
  metric: DiagramMetric;
  /** Scale position 0..1 of each layer that has a value; layers without one are absent. */
  layers: Map<string, number>;
  blocks: Map<string, BlockPaint>;
  /** Flow subtitles: `41 layers · 1.2G · 14.3 %`. */
  flows: Map<string, string>;
  legend: LegendSpec;
}

/** The report groups a box stands for. */
function groupsOf(byName: Map<string, GroupReport>, names: readonly string[]): GroupReport[] {
  return names.map((n) => byName.get(n)).filter((g): g is GroupReport => g !== undefined);
}

/**
 * The numbers of one paint of the diagram for `metricId`: every layer's scale position, every
 * block box's value and share of the model total (GFLOP/s does not add up: share of time), the
 * closed rows' positions on their own scale, the flow subtitles, and the legend.
 */
export function diagramPaint(report: ArchitectureReport, metricId: MetricId, blocks: readonly BlockBoxRef[]): DiagramPaint {
  const metric = DIAGRAM_METRICS[metricId];
  const batch = batchOf(report);
  const layerByName = new Map(report.layers.map((l) => [l.name, l]));
  const blockByName = new Map(report.blocks.map((b) => [b.name, b]));
  const layersOf = (groups: readonly GroupReport[]): LayerReport[] => groups.flatMap((g) => g.layers.map((n) => layerByName.get(n)).filter((l): l is LayerReport => l !== undefined));

  const values = new Map<string, number>();
  let max = 0;
  for (const l of report.layers) {
    const v = metric.layerValue(l, batch);
    if (!isNum(v)) continue;
    values.set(l.name, v);
    if (v > max) max = v;
  }
  const layers = new Map([...values].map(([name, v]) => [name, scalePosition(v, max)]));

  const shareMetric = metric.additive ? metric : DIAGRAM_METRICS.medianMs;
  const total = shareMetric.groupValue(report.layers, report.totals, batch);
  const groupNumbers = (groups: readonly GroupReport[]): { value: number | null; share: number | null; totals: Totals } => {
    const ls = layersOf(groups);
    const totals = sumGroupTotals(groups);
    const part = shareMetric.groupValue(ls, totals, batch);
    return { value: metric.groupValue(ls, totals, batch), share: isNum(total) && total > 0 ? Math.max(0, Math.min(1, (part ?? 0) / total)) : null, totals };
  };
  const withShare = (value: number | null, share: number | null): string => (isNum(share) ? `${metric.format(value)} \u00b7 ${formatShare(share, 1)}` : metric.format(value));

  const out = new Map<string, BlockPaint>();
  const rowValues = new Map<string, number | null>();
  for (const b of blocks) {
    const groups = groupsOf(blockByName, b.represents);
    const { value, share } = groupNumbers(groups);
    out.set(b.name, { share, text: withShare(value, share) });
    if (b.closed) rowValues.set(b.name, isNum(value) && metric.additive ? value / Math.max(1, groups.length) : value);
  }
  const rowMax = Math.max(0, ...[...rowValues.values()].filter(isNum));
  for (const [name, v] of rowValues) out.get(name)!.row = isNum(v) ? scalePosition(v, rowMax) : null;

  const flows = new Map<string, string>();
  for (const f of report.flows) {
    const { value, share, totals } = groupNumbers([f]);
    flows.set(f.name, `${plural(totals.layers, 'layer')} \u00b7 ${metric.format(value)}${isNum(share) ? ` (${formatShare(share, 1)})` : ''}`);
  }
  const legend = legendSpec({ metric, title: metricTitle(report, metricId), max, known: values.size, total: report.layers.length, rowMax: rowValues.size ? rowMax : undefined });
  return { metric, layers, blocks: out, flows, legend };
}

/** The fixed text of a closed block's row: `37x37x728 · 1.2G MACs`, `3 layers ▸`, and its accessible name. */
export function blockRowText(report: ArchitectureReport, title: string, represents: readonly string[]): { detail: string; layers: string; ariaLabel: string } {
  const groups = groupsOf(new Map(report.blocks.map((b) => [b.name, b])), represents);
  const totals = sumGroupTotals(groups);
  const lastName = groups.at(-1)?.layers.at(-1);
  const last = lastName === undefined ? undefined : report.layers.find((l) => l.name === lastName);
  const detail = [last ? formatShape(last.outputShape) : '', `${formatCount(totals.macs)} MACs`].filter(Boolean).join(' \u00b7 ');
  return { detail, layers: `${plural(totals.layers, 'layer')} \u25b8`, ariaLabel: `${title}: ${totals.layers} layers, ${detail}; open to show its layers` };
}
