/**
 * Text about one layer, shared by the sidebar tree (descriptions, tooltips), the editor hovers and
 * the shape hints: the layer card (Markdown), the one-line description and the hint label. Pure
 * functions of the report, free of VS Code; numbers are formatted with `format.ts`, never
 * recomputed (the only arithmetic is a layer's share of the pass and its achieved GFLOP/s).
 */
import {
  describeFlopsConvention,
  formatLayerCount,
  layerCount,
  layerFlops,
  type FlopsConvention,
} from './flopsConvention';
import {
  formatBytes,
  formatCount,
  formatInt,
  formatKerasShape,
  formatMs,
  formatShape,
  formatShare,
  gflopsPerSecond,
  layerMedianMs,
} from './format';
import type { ArchitectureReport, LayerReport } from './schema';
import { rooflineLines } from '../profiler/roofline';

/** Command the card's "Reveal in Diagram" link runs, with the layer name as its one argument. */
export const REVEAL_IN_DIAGRAM_COMMAND = 'xceptionProfiler.revealInDiagram';

/** Escapes text (layer names come from model files) so that Markdown shows it literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** `command:` URI that runs `command` with `args` (JSON-encoded, as VS Code expects). */
export function commandUri(command: string, args: unknown[]): string {
  // Parentheses and quotes too: they would end or break the Markdown link destination.
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${command}?${query}`;
}

/**
 * Time of one forward pass that a layer's share is taken of, ms: the report's sum of the layer
 * medians when present, else the sum of the known layer medians (live timings); null when none.
 */
export function passMs(report: ArchitectureReport): number | null {
  const sum = report.timing?.layerSumMs;
  if (sum != null && Number.isFinite(sum) && sum > 0) return sum;
  let total = 0;
  for (const l of report.layers) total += layerMedianMs(l) ?? 0;
  return total > 0 ? total : null;
}

/**
 * One-line description of a layer: output shape, compute and live median, e.g.
 * `37x37x728 · 734.5M MACs · 12.3 ms` (time left out until measured; compute left out when 0).
 */
export function layerDescription(layer: LayerReport, convention: FlopsConvention): string {
  const parts = [formatShape(layer.outputShape)];
  const count = layerCount(layer, convention);
  if (count > 0) parts.push(formatLayerCount(count, convention));
  const ms = layerMedianMs(layer);
  if (ms != null) parts.push(formatMs(ms));
  return parts.join(' · ');
}

/** Label of a shape hint after a layer's construction: `-> (None, 37, 37, 728) · 734.5M MACs`. */
export function shapeHintLabel(layer: LayerReport, convention: FlopsConvention): string {
  const count = layerCount(layer, convention);
  return `-> ${formatKerasShape(layer.outputShape)}${count > 0 ? ` · ${formatLayerCount(count, convention)}` : ''}`;
}

/** Options of `layerCardMarkdown`. */
export interface LayerCardOptions {
  /** Which FLOPs number the card shows next to the MACs. */
  convention: FlopsConvention;
  /** Add a "Reveal in Diagram" command link (the Markdown must then be trusted for that command). */
  revealLink?: boolean;
}

/**
 * The layer card as Markdown: class, flow and block; input and output shapes (NHWC and Keras's
 * `(None, ...)` form); trainable / non-trainable params; MACs and FLOPs (under `convention`);
 * activation and weight bytes; for SeparableConv2D the regular-conv comparison; the measured
 * median, p90, min, share of the pass, achieved GFLOP/s and kernels once timed; optionally a
 * "Reveal in Diagram" command link. Model text (names) is escaped.
 */
export function layerCardMarkdown(report: ArchitectureReport, layer: LayerReport, options: LayerCardOptions): string {
  const lines: string[] = [];
  const br = '  '; // two trailing spaces: a Markdown line break
  lines.push(`**${escapeMarkdown(layer.name)}** · \`${layer.className.replace(/`/g, '')}\` · ${escapeMarkdown(layer.flow)} flow · ${escapeMarkdown(layer.block)}`, '');
  const rows: [string, string][] = [];
  if (layer.inputShapes.length) rows.push(['Input', layer.inputShapes.map(formatShape).join(' + ')]);
  rows.push(['Output', `${formatShape(layer.outputShape)} \`${formatKerasShape(layer.outputShape)}\``]);
  const p = layer.params;
  rows.push(['Params', `${formatInt(p.trainable + p.nonTrainable)} (${formatInt(p.trainable)} trainable, ${formatInt(p.nonTrainable)} non-trainable)`]);
  rows.push(['MACs', layer.macs > 0 ? `${formatCount(layer.macs)} (${formatInt(layer.macs)})` : '0']);
  const flops = layerFlops(layer, options.convention);
  const flopsNote = options.convention === 'tf-profiler' ? 'tf.profiler convention' : '2 x MACs';
  rows.push(['FLOPs', flops > 0 ? `${formatCount(flops)} (${flopsNote})` : '0']);
  if (layer.macs === 0 && layer.elementwiseOps > 0) rows.push(['Element-wise ops', formatCount(layer.elementwiseOps)]);
  rows.push(['Activations', formatBytes(layer.activationBytes)]);
  if (layer.weightBytes > 0) rows.push(['Weights', formatBytes(layer.weightBytes)]);
  lines.push(rows.map(([k, v]) => `**${k}** ${escapeCell(v)}`).join(`${br}\n`), '');

  if (layer.regularConvMacs != null && layer.regularConvRatio != null && layer.regularConvRatio > 0) {
    const k = typeof layer.config.kernelSize === 'string' ? `${escapeMarkdown(layer.config.kernelSize)} ` : '';
    lines.push(
      `A regular ${k}Conv2D with the same input and output would need ${formatCount(layer.regularConvMacs)} MACs: ` +
        `${layer.regularConvRatio.toFixed(1)}x the separable conv's ${formatCount(layer.macs)}.`,
      '',
    );
  }

  const t = layer.timing;
  const median = layerMedianMs(layer);
  if (!t) {
    lines.push('*Not timed yet.*');
  } else {
    const pass = passMs(report);
    const share = median != null && pass ? ` · ${formatShare(median, pass)} of the pass` : '';
    const gflops = gflopsPerSecond(layerFlops(layer, 'flops'), median, report.timing?.batchSize ?? 1);
    const achieved = gflops != null ? ` · ${gflops.toFixed(1)} GFLOP/s` : '';
    lines.push(
      `**Measured** (${t.runs} run${t.runs === 1 ? '' : 's'}): median ${formatMs(t.medianMs)} · p90 ${formatMs(t.p90Ms)} · min ${formatMs(t.minMs)}${share}${achieved}`,
    );
    const roofline = rooflineLines(report, layer);
    if (roofline.length) lines.push('', `**Roofline** ${roofline.map(escapeCell).join(`${br}\n`)}`);
    if (t.kernels.length) {
      lines.push('', '| Kernel | Calls | Median |', '|:--|--:|--:|');
      for (const k of t.kernels) lines.push(`| ${escapeMarkdown(k.name)} | ${k.calls} | ${formatMs(k.medianMs)} |`);
    }
  }
  if (options.revealLink) {
    lines.push('', `[Reveal in Diagram](${commandUri(REVEAL_IN_DIAGRAM_COMMAND, [layer.name])} "Select this layer in the diagram")`);
  }
  if (options.convention === 'tf-profiler' && layer.className === 'MaxPooling2D') {
    lines.push('', `*${describeFlopsConvention(options.convention)}.*`);
  }
  return lines.join('\n');
}

/** Escapes formatted values (digits, shapes, units) for Markdown, keeping inline code spans. */
function escapeCell(value: string): string {
  return value
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_[\]|<>]/g, (c) => `\\${c}`)))
    .join('');
}

