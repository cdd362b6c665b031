/**
 * Markdown export: a summary of the report for pull requests, issues and notes: the model, the
 * engine and pass timing, the totals, a table per flow and a table per layer (GitHub-flavoured
 * Markdown tables). Also the one-row table of "Copy Row as Markdown" in the sidebar tree.
 */
import { countUnit, type FlopsConvention } from '../report/flopsConvention';
import { formatShape } from '../report/format';
import { escapeCell, escapeMarkdown, rowMarkdown } from '../report/layerCard';
import type { ArchitectureReport, LayerReport } from '../report/schema';
import { countNote, describeEngine, flowTable, layerCountText, layerShareText, layerTimeCell, layerTimingNote, paramsRow, passLine, timeNote, totalsLines } from '../report/viewModel';

/** Text as an inline code span when it is a plain name, else escaped Markdown; `|` escaped for tables. */
function nameCell(text: string): string {
  return /^[\w./:@-]+$/.test(text) ? `\`${text}\`` : escapeMarkdown(text);
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Header cells of the per-layer table: the median says what it measured (`Median (wall time on wasm)`). */
function layerHeader(report: ArchitectureReport, convention: FlopsConvention): string[] {
  return ['Layer', 'Class', 'Block', 'Output', 'Params', `${countUnit(convention)} per image`, `Median (${timeNote(report)})`, 'p90', 'Share', 'Note'];
}

/** Alignment row: the first `left` columns left, numbers right, the last `leftEnd` (notes) left. */
function alignment(columns: number, left: number, leftEnd = 0): string {
  return row(Array.from({ length: columns }, (_, i) => (i < left || i >= columns - leftEnd ? ':--' : '--:')));
}

function layerCells(report: ArchitectureReport, layer: LayerReport, convention: FlopsConvention): string[] {
  return [
    nameCell(layer.name),
    nameCell(layer.className),
    nameCell(layer.block),
    formatShape(layer.outputShape),
    paramsRow(layer.params.trainable, layer.params.nonTrainable).value,
    layerCountText(layer, convention),
    escapeCell(layerTimeCell(layer, 'medianMs')),
    escapeCell(layerTimeCell(layer, 'p90Ms')),
    layerShareText(report, layer),
    escapeCell(layerTimingNote(layer)),
  ];
}

/**
 * A Markdown table (header, alignment, one row per layer) of `layers`: name, class, block, output
 * shape, params, compute under `convention`, median and p90 (`n/a (reason)` when missing), share of
 * the pass, and a note on untimed kernels.
 */
export function markdownLayerTable(report: ArchitectureReport, layers: LayerReport[], convention: FlopsConvention = 'macs'): string {
  const header = layerHeader(report, convention);
  return [row(header), alignment(header.length, 4, 1), ...layers.map((l) => row(layerCells(report, l, convention)))].join('\n') + '\n';
}

/** A one-row Markdown table of one layer: "Copy Row as Markdown". */
export function markdownLayerRow(report: ArchitectureReport, layer: LayerReport, convention: FlopsConvention): string {
  return markdownLayerTable(report, [layer], convention);
}

/**
 * The report as a Markdown document: heading, model / engine / pass lines, totals, the per-flow
 * table (layers, params, compute, summed median, share of the pass) and the per-layer table in
 * execution order. Compute is shown under `convention` (MACs, or FLOPs), with a footnote.
 */
export function reportToMarkdown(report: ArchitectureReport, convention: FlopsConvention = 'macs'): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(`# ${escapeMarkdown(report.model.name)} profile`, '');
  const facts: string[] = [
    `**Model:** ${escapeMarkdown(report.model.name)} (${nameCell(report.model.source)}), input ${report.model.inputShapes.map(formatShape).join(', ')} (NHWC), ${t.layers} layers`,
    ...totalsLines(report, convention).map(rowMarkdown),
  ];
  const e = report.engine;
  if (e) {
    const [head, ...rest] = describeEngine(e).split('\n');
    facts.push(`**Engine:** ${escapeMarkdown(head)}`, ...rest.map((line) => escapeMarkdown(line.trim())));
  }
  if (report.timing) facts.push(`**Pass:** ${escapeMarkdown(passLine(report, report.timing))}`);
  out.push(facts.join('  \n'), '');

  out.push('## Flows', '');
  const flows = flowTable(report, convention);
  out.push(row(flows.header), alignment(flows.header.length, 1));
  for (const cells of flows.rows) out.push(row([nameCell(cells[0]), ...cells.slice(1)]));
  out.push('', '## Layers', '');
  out.push(markdownLayerTable(report, report.layers, convention).trimEnd());
  const counted = countNote(convention);
  out.push(
    '',
    `Counts are per image. ${escapeMarkdown(counted)}. Times are medians over the timed runs in ms (${timeNote(report)}, for the whole batch); "Share" is the share of the sum of the layer medians.`,
  );
  if (report.diagnostics.length) {
    out.push('', '## Diagnostics', '');
    for (const d of report.diagnostics) out.push(`- ${d.severity}: ${escapeMarkdown(d.message)}`);
  }
  return out.join('\n') + '\n';
}
