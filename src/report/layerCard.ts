/**
 * Text about one layer, shared by the sidebar tree (descriptions, tooltips), the editor hovers and
 * the shape hints: the layer card (Markdown), the one-line description and the hint label. Pure
 * functions of the report, free of VS Code. The card renders the view-model (`viewModel.ts`) and
 * computes nothing.
 */
import { formatLayerCount, layerCount, type FlopsConvention } from './flopsConvention';
import { formatKerasShape, formatShape, layerMedianMs } from './format';
import type { ArchitectureReport, LayerReport } from './schema';
import { groupCardView, layerCardView, rowGroups, rowValueText, timeOnEngine, type GroupRowKind, type ViewRow } from './viewModel';

export { passMs } from './viewModel';

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
 * One-line description of a layer: output shape, compute and live median with its engine, e.g.
 * `37x37x728 · 734.5M MACs · 12.3 ms wall time on wasm` (time left out until measured, `n/a (reason)` when it
 * could not be; compute left out when 0).
 */
export function layerDescription(report: ArchitectureReport, layer: LayerReport, convention: FlopsConvention): string {
  const parts = [formatShape(layer.outputShape)];
  const count = layerCount(layer, convention);
  if (count > 0) parts.push(formatLayerCount(count, convention));
  const time = timeOnEngine(report, layerMedianMs(layer));
  if (time) parts.push(time);
  else if (layer.timing?.foldedInto) parts.push(`folded into ${layer.timing.foldedInto}`);
  else if (layer.timing?.naReason) parts.push(`n/a (${layer.timing.naReason})`);
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

/** One row of the view-model as a Markdown line: `**MACs** 734.5M MACs (734,517,784) · *per image; ...*`. */
export function rowMarkdown(row: ViewRow): string {
  return `**${row.label}** ${escapeCell(rowValueText(row))}${row.note ? ` · *${escapeMarkdown(row.note)}*` : ''}`;
}

/**
 * The layer card as Markdown (editor hover, tree tooltip): it renders `layerCardView` (the
 * webview's card renders the same rows) and computes nothing. Model text (names) is escaped.
 */
export function layerCardMarkdown(report: ArchitectureReport, layer: LayerReport, options: LayerCardOptions): string {
  // Hovers ask for the same card again and again: reuse it while nothing it shows has changed
  // (live timings replace `layer.timing` and `report.timing` objects, never mutate them).
  const inputs = [report, layer.timing, report.timing, report.engine, report.diagnostics, options.convention, options.revealLink === true];
  const cached = cardCache.get(layer);
  if (cached && cached.inputs.every((x, i) => x === inputs[i])) return cached.markdown;
  const markdown = renderLayerCard(report, layer, options);
  cardCache.set(layer, { inputs, markdown });
  return markdown;
}

const cardCache = new WeakMap<LayerReport, { inputs: unknown[]; markdown: string }>();

function renderLayerCard(report: ArchitectureReport, layer: LayerReport, options: LayerCardOptions): string {
  const view = layerCardView(report, layer, options.convention);
  const br = '  '; // two trailing spaces: a Markdown line break
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(view.name)}** · \`${view.className.replace(/`/g, '')}\` · ${escapeMarkdown(view.place)}`, '');
  lines.push(view.rows.map(rowMarkdown).join(`${br}\n`), '');
  for (const note of view.notes) lines.push(escapeMarkdown(note), '');
  for (const d of view.diagnostics) lines.push(`*${d.severity}:* ${escapeMarkdown(d.message)}`, '');
  const m = view.measured;
  if ('pending' in m) {
    lines.push(`*${m.pending}*`);
  } else {
    lines.push(`**${escapeMarkdown(m.heading)}**`, '', m.rows.map(rowMarkdown).join(`${br}\n`));
    if (m.kernels.length) {
      lines.push('', '| Kernel | Calls | Median |', '|:--|--:|--:|');
      for (const k of m.kernels) lines.push(`| ${escapeMarkdown(k.name)} | ${k.calls} | ${escapeCell(k.time)} |`);
    }
  }
  if (view.roofline.length) lines.push('', view.roofline.map(rowMarkdown).join(`${br}\n`));
  if (options.revealLink) {
    lines.push('', `[Reveal in Diagram](${commandUri(REVEAL_IN_DIAGRAM_COMMAND, [layer.name])} "Select this layer in the diagram")`);
  }
  return lines.join('\n');
}

/**
 * The card of a model, flow or block row as Markdown (tree tooltip): it renders `groupCardView`
 * (the webview's group card renders the same rows). Model text (names) is escaped.
 */
export function groupCardMarkdown(report: ArchitectureReport, kind: GroupRowKind, name: string, convention: FlopsConvention): string {
  const view = groupCardView(report, rowGroups(report, kind, name), name, kind, convention);
  return [`**${escapeMarkdown(view.title)}** · ${escapeMarkdown(view.kind)}`, '', view.rows.map(rowMarkdown).join('  \n')].join('\n');
}

/** Escapes formatted values (digits, shapes, units) for Markdown, keeping inline code spans. */
export function escapeCell(value: string): string {
  return value
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_[\]|<>]/g, (c) => `\\${c}`)))
    .join('');
}

