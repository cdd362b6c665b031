/**
 * Markdown export: a summary of the report for pull requests, issues and notes: the model, the
 * engine and pass timing, the totals, a table per flow and a table per layer (GitHub-flavoured
 * Markdown tables). Also the one-row table of "Copy Row as Markdown" in the sidebar tree.
 */
import {
  countUnit,
  describeFlopsConvention,
  formatLayerCount,
  layerCount,
  sumCount,
  type FlopsConvention,
} from '../report/flopsConvention';
import { formatCount, formatInt, formatMs, formatShape, formatShare, layerMedianMs } from '../report/format';
import { escapeMarkdown, passMs } from '../report/layerCard';
import type { ArchitectureReport, LayerReport } from '../report/schema';

/** Text as an inline code span when it is a plain name, else escaped Markdown; `|` escaped for tables. */
function nameCell(text: string): string {
  return /^[\w./:@-]+$/.test(text) ? `\`${text}\`` : escapeMarkdown(text);
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Header cells of the per-layer table. */
function layerHeader(convention: FlopsConvention): string[] {
  return ['Layer', 'Class', 'Block', 'Output', 'Params', countUnit(convention), 'Median', 'p90', 'Share'];
}

/** Alignment row: first four columns left, numbers right. */
function alignment(columns: number, left: number): string {
  return row(Array.from({ length: columns }, (_, i) => (i < left ? ':--' : '--:')));
}

function share(ms: number | null, pass: number | null): string {
  return formatShare(ms, pass);
}

function layerCells(report: ArchitectureReport, layer: LayerReport, convention: FlopsConvention, pass: number | null): string[] {
  const p = layer.params.trainable + layer.params.nonTrainable;
  const ms = layerMedianMs(layer);
  return [
    nameCell(layer.name),
    nameCell(layer.className),
    nameCell(layer.block),
    formatShape(layer.outputShape),
    formatInt(p),
    formatCount(layerCount(layer, convention)),
    layer.timing ? formatMs(ms) : '-',
    layer.timing ? formatMs(layer.timing.p90Ms) : '-',
    layer.timing ? share(ms, pass) : '-',
  ];
}

/**
 * A Markdown table (header, alignment, one row per layer) of `layers`: name, class, block, output
 * shape, params, compute under `convention`, median, p90 and share of the pass.
 */
export function markdownLayerTable(report: ArchitectureReport, layers: LayerReport[], convention: FlopsConvention = 'macs'): string {
  const header = layerHeader(convention);
  const pass = passMs(report);
  return [row(header), alignment(header.length, 4), ...layers.map((l) => row(layerCells(report, l, convention, pass)))].join('\n') + '\n';
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
  const pass = passMs(report);
  const unit = countUnit(convention);
  out.push(`# ${escapeMarkdown(report.model.name)} profile`, '');
  const facts: string[] = [
    `**Model:** ${escapeMarkdown(report.model.name)} (${nameCell(report.model.source)}), input ${report.model.inputShapes.map(formatShape).join(', ')} (NHWC), ${t.layers} layers`,
    `**Params:** ${formatInt(t.params.trainable + t.params.nonTrainable)} (${formatInt(t.params.trainable)} trainable, ${formatInt(t.params.nonTrainable)} non-trainable)`,
    `**Compute per image:** ${formatInt(t.macs)} MACs = ${formatCount(2 * t.macs)} FLOPs; ${formatLayerCount(sumCount(report.layers, convention), convention)} under the chosen convention`,
  ];
  const e = report.engine;
  if (e) {
    const details = [`${e.threads} thread${e.threads === 1 ? '' : 's'}`, e.simd ? 'SIMD' : '', e.gpu ? 'GPU' : ''].filter(Boolean).join(', ');
    facts.push(`**Engine:** ${nameCell(e.name)} (${details}) via ${nameCell(e.package)} ${escapeMarkdown(e.version)}: ${escapeMarkdown(e.why)}`);
  }
  const pt = report.timing;
  if (pt) {
    facts.push(
      `**Pass:** batch ${pt.batchSize}, median of ${pt.timedRuns} timed runs after ${pt.warmupRuns} warm-up: ` +
        `plain predict ${formatMs(pt.predictMedianMs)}, profiled ${formatMs(pt.profiledMedianMs)}, sum of layers ${formatMs(pt.layerSumMs)}`,
    );
  }
  out.push(facts.join('  \n'), '');

  out.push('## Flows', '');
  const flowHeader = ['Flow', 'Layers', 'Params', unit, 'Median (sum)', 'Share'];
  out.push(row(flowHeader), alignment(flowHeader.length, 1));
  const byName = new Map(report.layers.map((l) => [l.name, l]));
  for (const f of report.flows) {
    const layers = f.layers.map((n) => byName.get(n)).filter((l): l is LayerReport => l !== undefined);
    const timed = layers.map(layerMedianMs).filter((ms): ms is number => ms != null);
    const ms = timed.length ? timed.reduce((a, b) => a + b, 0) : null;
    out.push(row([
      nameCell(f.name),
      String(f.totals.layers),
      formatInt(f.totals.params.trainable + f.totals.params.nonTrainable),
      formatCount(sumCount(layers, convention)),
      formatMs(ms),
      share(ms, pass),
    ]));
  }
  out.push('', '## Layers', '');
  out.push(markdownLayerTable(report, report.layers, convention).trimEnd());
  out.push('', `${unit}: ${describeFlopsConvention(convention)}. Times are medians over the timed runs, in ms; "Share" is the share of the sum of the layer medians.`);
  if (report.diagnostics.length) {
    out.push('', '## Diagnostics', '');
    for (const d of report.diagnostics) out.push(`- ${d.severity}: ${escapeMarkdown(d.message)}`);
  }
  return out.join('\n') + '\n';
}
