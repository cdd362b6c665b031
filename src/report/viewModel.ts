/**
 * The view-model: every number a person sees about a layer, a block, a flow or the pass, as
 * labelled, formatted rows. The editor hover, the tree tooltip (`layerCard.ts`, Markdown), the
 * webview's hover card (`webview/hoverCard.ts`, DOM), the CLI and the Markdown, CSV and HTML
 * exports render these rows and compute nothing; `test/report/views.test.ts` renders one layer
 * through every view and checks that they print the same numbers in the same words.
 *
 * Numbers come from the report (computed once, in `analysis` and `profiler`); the only arithmetic
 * here is what a view needs beside them: a share of the pass, achieved GFLOP/s, per-batch totals,
 * sums over several groups (the middle flow's 8 blocks drawn as one box) and the count of untimed
 * kernels. No runtime dependencies beyond `src/report` (the webview bundle imports it).
 */
import { countUnit, describeFlopsConvention, formatLayerCount, layerCount, layerFlops, sumCount, type FlopsConvention } from './flopsConvention';
import {
  formatBytes,
  formatCount,
  formatGflops,
  formatInt,
  formatKerasShape,
  formatMs,
  formatRatio,
  formatShape,
  formatShare,
  gflopsPerSecond,
  isNum,
  layerMedianMs,
  NA,
  plural,
} from './format';
import { PASS_SUM_TOLERANCE, passGap } from '../profiler/attach';
import { formatIntensity, rooflinePoints, standing, standingText } from '../profiler/roofline';
import type {
  ArchitectureReport,
  Diagnostic,
  EngineInfo,
  GroupReport,
  LayerReport,
  LayerTiming,
  PassTiming,
  RegularConvComparison,
  RuntimeVersions,
  SeparableVsRegular,
  Totals,
} from './schema';

/** One labelled number as every view shows it. */
export interface ViewRow {
  /** Row label, e.g. `MACs`, `Median`. */
  label: string;
  /** The number formatted with its unit, e.g. `734.5M MACs`, `7.35 ms`; `n/a (reason)` when missing. */
  value: string;
  /** The exact value when `value` is rounded or abbreviated, e.g. `734,517,784`. */
  exact?: string;
  /** Unit of the number (`MACs`, `FLOPs`, `ms`, `bytes`, `params`, `GFLOP/s`, `%`). */
  unit?: string;
  /** What was measured or counted, e.g. the FLOPs convention or "wall time on wasm". */
  note?: string;
}

/** The one text of a row's value for views that print it on one line: `734.5M MACs (734,517,784)`. */
export function rowValueText(row: ViewRow): string {
  if (!row.exact) return row.value;
  return row.exact.startsWith('(') ? `${row.value} ${row.exact}` : `${row.value} (${row.exact})`;
}

/** What MACs count, said wherever MACs are labelled. */
export const MACS_NOTE = 'multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs';

/** What the one compute count of a table counts under `convention`: the MACs note, or how FLOPs are counted. */
export function countNote(convention: FlopsConvention): string {
  // describeFlopsConvention('flops') already reads "FLOPs = ...": no second "FLOPs:" before it.
  return convention === 'macs' ? `MACs: ${MACS_NOTE}` : describeFlopsConvention(convention);
}

/** What element-wise ops count. */
export const ELEMENTWISE_NOTE = 'BN, activations, Add, pooling and bias adds (not MACs)';

/** What a measured time is: wall time of the layer's call on the engine that ran. */
export function timeNote(report: ArchitectureReport): string {
  const engine = report.engine?.name;
  return engine ? `wall time on ${engine}` : 'wall time';
}

/**
 * Time of one forward pass that a layer's share is taken of, ms: the report's sum of the layer
 * medians when present, else the sum of the known layer medians (live timings); null when none.
 */
export function passMs(report: ArchitectureReport): number | null {
  const sum = report.timing?.layerSumMs;
  if (isNum(sum) && sum > 0) return sum;
  let total = 0;
  for (const l of report.layers) total += layerMedianMs(l) ?? 0;
  return total > 0 ? total : null;
}

/** Images per timed pass (`timing.batchSize`, 1 when not profiled): times are per batch, counts per image. */
export function batchOf(report: ArchitectureReport): number {
  const b = report.timing?.batchSize;
  return isNum(b) && b > 0 ? b : 1;
}

/** `per image`, or `per image; 18.36G per batch of 25` when the batch holds more than one image. */
function perImage(count: number, batch: number, unit: string): string {
  return batch > 1 ? `per image; ${formatCount(count * batch)} ${unit} per batch of ${batch}` : 'per image';
}

/** The compute rows of a layer or group: MACs, FLOPs under `convention`, and element-wise ops when asked. */
function computeRows(macs: number, flops: number, elementwiseOps: number | null, batch: number, convention: FlopsConvention): ViewRow[] {
  const rows: ViewRow[] = [
    { label: 'MACs', value: `${formatCount(macs)} MACs`, exact: macs >= 1000 ? formatInt(macs) : undefined, unit: 'MACs', note: `${perImage(macs, batch, 'MACs')}; ${MACS_NOTE}` },
    {
      label: 'FLOPs',
      value: `${formatCount(flops)} FLOPs`,
      exact: flops >= 1000 ? formatInt(flops) : undefined,
      unit: 'FLOPs',
      note: `${perImage(flops, batch, 'FLOPs')}; ${convention === 'tf-profiler' ? describeFlopsConvention('tf-profiler') : '2 x MACs (1 MAC = 2 FLOPs)'}`,
    },
  ];
  if (elementwiseOps != null && elementwiseOps > 0) {
    rows.push({ label: 'Element-wise ops', value: formatCount(elementwiseOps), exact: elementwiseOps >= 1000 ? formatInt(elementwiseOps) : undefined, unit: 'ops', note: `${perImage(elementwiseOps, batch, 'ops')}; ${ELEMENTWISE_NOTE}` });
  }
  return rows;
}

/** The params row: the total (trainable + non-trainable), noted with both. */
export function paramsRow(trainable: number, nonTrainable: number): ViewRow {
  return { label: 'Params', value: formatInt(trainable + nonTrainable), unit: 'params', note: `${formatInt(trainable)} trainable, ${formatInt(nonTrainable)} non-trainable` };
}

function bytesRow(label: string, bytes: number, note: string): ViewRow {
  return { label, value: formatBytes(bytes), exact: bytes >= 1024 ? `${formatInt(bytes)} bytes` : undefined, unit: 'bytes', note };
}

/** A kernel of a layer as the card lists it. */
export interface KernelView {
  name: string;
  calls: number;
  /** `6.62 ms`, or `n/a (reason)`. */
  time: string;
}

/** The measured part of a layer card. */
export interface MeasuredView {
  /** `Measured on wasm (wall time, median of 10 runs, batch 1)`. */
  heading: string;
  rows: ViewRow[];
  kernels: KernelView[];
}

/** A layer card: what the hover, the tree tooltip and the webview card show for one layer. */
export interface LayerCardView {
  name: string;
  className: string;
  /** `entry flow · block4`. */
  place: string;
  /** Shapes, params, compute and bytes. */
  rows: ViewRow[];
  /** Sentences: the regular-conv comparison (analytic and measured), the convention's footnote. */
  notes: string[];
  /** Measured rows, or the sentence shown until the layer is timed. */
  measured: MeasuredView | { pending: string };
  /** Diagnostics about this layer, in report order. */
  diagnostics: Diagnostic[];
  /** Roofline rows (arithmetic intensity, achieved GFLOP/s, where it stands under the roofs), from `rooflineRows`; empty until timed. */
  roofline: ViewRow[];
}

/** `n/a` with its reason: `n/a (timer not supported)`. */
function naText(reason: string | undefined): string {
  return reason ? `${NA} (${reason})` : NA;
}

/** A time with the reason it is missing. */
function msText(ms: number | null | undefined, reason?: string): string {
  return isNum(ms) ? formatMs(ms) : naText(reason);
}

/**
 * "k of n kernels untimed (reason); timed kernels total X ms", or undefined when every kernel
 * has a time. The total is the sum of the timed kernels' medians.
 */
export function untimedKernelsText(t: LayerTiming): string | undefined {
  const untimed = t.kernels.filter((k) => !isNum(k.medianMs));
  if (untimed.length === 0) return undefined;
  const reasons = [...new Set(untimed.map((k) => k.naReason).filter((r): r is string => !!r))];
  const timed = t.kernels.filter((k) => isNum(k.medianMs)).reduce((sum, k) => sum + (k.medianMs as number), 0);
  const why = reasons.length ? ` (${reasons.join('; ')})` : '';
  return `${untimed.length} of ${plural(t.kernels.length, 'kernel')} untimed${why}; timed kernels total ${formatMs(timed)}`;
}

/** The sentence comparing a separable conv with a regular one (analytic MACs). */
export function regularConvText(layer: LayerReport): string | undefined {
  if (!isNum(layer.regularConvMacs) || !isNum(layer.regularConvRatio) || layer.regularConvRatio <= 0) return undefined;
  const k = typeof layer.config.kernelSize === 'string' ? `${layer.config.kernelSize} ` : '';
  return `A regular ${k}Conv2D with the same input and output would need ${formatCount(layer.regularConvMacs)} MACs: ${formatRatio(layer.regularConvRatio)} the separable conv's ${formatCount(layer.macs)} MACs.`;
}

/**
 * The measured side of the paper's argument for one separable layer:
 * "measured: regular conv 376 ms vs separable 6.74 ms (55.8x slower)", with the comparison's
 * input size when it differs from the report's (the twin may run smaller: it is slow).
 */
export function measuredTwinText(row: SeparableVsRegular, cmp: RegularConvComparison, reportInput?: (number | null)[], engine?: string): string {
  const r = row.timeRatio;
  const verdict = !isNum(r) ? 'time ratio n/a' : r >= 1 ? `${formatRatio(r)} slower` : `${formatRatio(1 / r)} faster`;
  const size = reportInput && reportInput[1] === cmp.inputSize ? '' : `, at ${cmp.inputSize}x${cmp.inputSize} input`;
  const on = engine ? ` on ${engine}` : '';
  return `measured${on}: regular conv ${formatMs(row.regularMs)} vs separable ${formatMs(row.separableMs)} (${verdict})${size}, median wall time of ${plural(cmp.runs, 'run')}`;
}

/**
 * Why a layer's statistics are n/a: its `naReason`, or (ONNX Runtime) the layer whose fused node
 * computed it; undefined when it has a time or no reason is known.
 */
export function timingNaReason(t: LayerTiming): string | undefined {
  if (isNum(t.medianMs)) return undefined;
  return t.naReason ?? (t.foldedInto ? `folded into ${t.foldedInto}` : undefined);
}

/** One time of a layer as a table cell: `7.35 ms`, `n/a (reason)`, or `-` until it is timed. */
export function layerTimeCell(layer: LayerReport, which: 'medianMs' | 'p90Ms'): string {
  const t = layer.timing;
  return t ? msText(t[which], timingNaReason(t)) : '-';
}

/** What a table row notes about a layer's time: its untimed kernels (`untimedKernelsText`), or empty. */
export function layerTimingNote(layer: LayerReport): string {
  return layer.timing ? (untimedKernelsText(layer.timing) ?? '') : '';
}

/** The measured rows of a timed layer. */
function measuredView(report: ArchitectureReport, layer: LayerReport, t: LayerTiming): MeasuredView {
  const batch = batchOf(report);
  const engine = report.engine?.name;
  const median = isNum(t.medianMs) ? t.medianMs : null;
  const pass = passMs(report);
  const flops = layerFlops(layer, 'flops');
  const rows: ViewRow[] = [
    { label: 'Median', value: msText(t.medianMs, timingNaReason(t)), unit: 'ms', note: timeNote(report) },
    { label: 'p90', value: msText(t.p90Ms, timingNaReason(t)), unit: 'ms' },
    { label: 'Min', value: msText(t.minMs, timingNaReason(t)), unit: 'ms' },
    { label: 'Share of pass', value: formatShare(median, pass), unit: '%', note: pass ? `of the sum of the layer medians, ${formatMs(pass)}` : undefined },
    {
      label: 'Achieved',
      value: flops > 0 ? formatGflops(gflopsPerSecond(flops, median, batch)) : naText('no FLOPs'),
      unit: 'GFLOP/s',
      note: flops > 0 ? 'FLOPs (2 x MACs) x batch / median' : undefined,
    },
  ];
  const untimed = untimedKernelsText(t);
  if (untimed) rows.push({ label: 'Kernels', value: untimed });
  return {
    heading: `Measured${engine ? ` on ${engine}` : ''} (wall time, median of ${plural(t.runs, 'run')}, batch of ${batch})`,
    rows,
    kernels: t.kernels.map((k) => ({ name: k.name, calls: k.calls, time: msText(k.medianMs, k.naReason) })),
  };
}

/**
 * The layer card of `layer`: place, shapes (NHWC and Keras's form), params, MACs and FLOPs under
 * `convention` (with what they count), element-wise ops, activation and weight bytes, the
 * regular-conv sentences for a SeparableConv2D, and once timed the measured rows (wall time on the
 * report's engine, share of the pass, achieved GFLOP/s, untimed kernels) and kernels.
 */
export function layerCardView(report: ArchitectureReport, layer: LayerReport, convention: FlopsConvention): LayerCardView {
  const batch = batchOf(report);
  const rows: ViewRow[] = [];
  rows.push({ label: 'Input', value: layer.inputShapes.length ? layer.inputShapes.map(formatShape).join(' + ') : 'none (model input)', note: layer.inputShapes.length ? 'NHWC, batch left out' : undefined });
  rows.push({ label: 'Output', value: formatShape(layer.outputShape), exact: formatKerasShape(layer.outputShape), note: 'NHWC; in parentheses as Keras prints it' });
  rows.push(paramsRow(layer.params.trainable, layer.params.nonTrainable));
  rows.push(...computeRows(layer.macs, layerFlops(layer, convention), layer.elementwiseOps, batch, convention));
  rows.push(bytesRow('Activations', layer.activationBytes, 'output size per image'));
  if (layer.weightBytes > 0) rows.push(bytesRow('Weights', layer.weightBytes, 'all weights of the layer'));

  const notes: string[] = [];
  const regular = regularConvText(layer);
  if (regular) notes.push(regular);
  const cmp = report.regularComparison;
  const twin = cmp?.layers.find((r) => r.name === layer.name);
  if (cmp && twin) notes.push(measuredTwinText(twin, cmp, report.model.inputShapes[0], report.engine?.name));

  return {
    name: layer.name,
    className: layer.className,
    place: `${layer.flow} flow · ${layer.block}`,
    rows,
    notes,
    // A layer ONNX Runtime computed inside another layer's fused node has no time of its own.
    measured: layer.timing?.foldedInto
      ? { pending: `Folded into ${layer.timing.foldedInto} by the engine: computed inside that layer's node, its time is in that row.` }
      : layer.timing ? measuredView(report, layer, layer.timing) : { pending: 'Not timed yet.' },
    diagnostics: report.diagnostics.filter((d) => d.layer === layer.name),
    roofline: layer.timing ? rooflineRows(report, layer) : [],
  };
}

/**
 * The roofline rows of a layer: one for the layer (`Roofline`), and for a separable conv one per
 * part (`Roofline, depthwise`): arithmetic intensity and achieved GFLOP/s (`rooflinePoints`,
 * src/profiler/roofline.ts), noted with where it stands under the engine's roofs (`standing`)
 * once they are measured. Empty when the layer has no intensity.
 */
export function rooflineRows(report: ArchitectureReport, layer: LayerReport): ViewRow[] {
  const roofs = report.roofline?.roofs;
  const engine = report.engine?.name;
  const one = { ...report, layers: [layer] };
  const points = [...rooflinePoints(one, 'layers'), ...rooflinePoints(one, 'kernels').filter((p) => p.part !== 'layer')];
  return points.map((p) => {
    const s = roofs && standing(p, roofs);
    const value = [`${formatIntensity(p.intensity)} FLOP/B`, ...(p.gflops != null ? [formatGflops(p.gflops)] : [])].join(' \u00b7 ');
    const measured = p.gflops != null ? `FLOPs (2 x MACs) x batch / median wall time${engine ? ` on ${engine}` : ''}` : 'not timed yet';
    return { label: p.part === 'layer' ? 'Roofline' : `Roofline, ${p.part}`, value, unit: 'FLOP/B', note: [s ? standingText(s) : undefined, `intensity = FLOPs / bytes moved; ${measured}`].filter(Boolean).join('; ') };
  });
}

/** Static totals summed over groups (e.g. the 8 middle-flow blocks drawn as one box). */
export function sumGroupTotals(groups: readonly GroupReport[]): Totals {
  const t: Totals = { layers: 0, params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, elementwiseOps: 0, activationBytes: 0, weightBytes: 0 };
  for (const g of groups) {
    t.layers += g.totals.layers;
    t.params.trainable += g.totals.params.trainable;
    t.params.nonTrainable += g.totals.params.nonTrainable;
    t.macs += g.totals.macs;
    t.flops += g.totals.flops;
    t.elementwiseOps += g.totals.elementwiseOps;
    t.activationBytes += g.totals.activationBytes;
    t.weightBytes += g.totals.weightBytes;
  }
  return t;
}

/** Sum of the groups' `medianMs` (each the sum of its layers' medians); null when none is timed. */
export function groupsMedianMs(groups: readonly GroupReport[]): number | null {
  const timed = groups.map((g) => g.medianMs).filter(isNum);
  return timed.length ? timed.reduce((a, b) => a + b, 0) : null;
}

/** FLOPs of groups per image under `convention`: their totals' `flops`, or their layers' tf.profiler FLOPs. */
function groupFlops(report: ArchitectureReport, groups: readonly GroupReport[], convention: FlopsConvention): number {
  if (convention !== 'tf-profiler') return sumGroupTotals(groups).flops;
  const names = new Set(groups.flatMap((g) => g.layers));
  return sumCount(report.layers.filter((l) => names.has(l.name)), 'tf-profiler');
}

/** The one compute count of groups under `convention` (MACs, or FLOPs), per image. */
function groupCount(report: ArchitectureReport, groups: readonly GroupReport[], convention: FlopsConvention): number {
  return convention === 'macs' ? sumGroupTotals(groups).macs : groupFlops(report, groups, convention);
}

/**
 * `7.35 ms wall time on wasm`: a median, what it measured (wall time, not kernel time) and the
 * engine that measured it; undefined when there is none.
 */
export function timeOnEngine(report: ArchitectureReport, ms: number | null | undefined): string | undefined {
  if (!isNum(ms)) return undefined;
  const engine = report.engine?.name;
  return `${formatMs(ms)} wall time${engine ? ` on ${engine}` : ''}`;
}

/** A row of the Architecture tree above the layers: the model, a flow or a block. */
export type GroupRowKind = 'model' | 'flow' | 'block';

/** The report groups of a row: a block, a flow, or (the model) all flows. */
export function rowGroups(report: ArchitectureReport, kind: GroupRowKind, name: string): GroupReport[] {
  if (kind === 'model') return report.flows;
  return (kind === 'flow' ? report.flows : report.blocks).filter((g) => g.name === name);
}

/**
 * One-line description of a model, flow or block row: a block's output shape, a flow's block (or
 * layer) count, the model's input shape and params; then compute under `convention` and the summed
 * median with its engine: `37x37x728 · 1.2G MACs · 12.3 ms wall time on wasm`.
 */
export function groupDescription(report: ArchitectureReport, kind: GroupRowKind, name: string, convention: FlopsConvention): string {
  const groups = rowGroups(report, kind, name);
  const parts: string[] = [];
  if (kind === 'block') {
    const last = groups.at(-1)?.layers.at(-1);
    const layer = last === undefined ? undefined : report.layers.find((l) => l.name === last);
    if (layer) parts.push(formatShape(layer.outputShape));
  }
  if (kind === 'flow') {
    const blocks = report.blocks.filter((b) => b.flow === name);
    const own = blocks.length === 0 || (blocks.length === 1 && blocks[0].name === name);
    parts.push(own ? plural(sumGroupTotals(groups).layers, 'layer') : plural(blocks.length, 'block'));
  }
  if (kind === 'model') {
    parts.push(report.model.inputShapes.map(formatShape).join(', '));
    const p = report.totals.params;
    parts.push(`${formatCount(p.trainable + p.nonTrainable)} params`);
  }
  const count = groupCount(report, groups, convention);
  if (count > 0) parts.push(formatLayerCount(count, convention));
  const time = timeOnEngine(report, groupsMedianMs(groups));
  if (time) parts.push(time);
  return parts.join(' \u00b7 ');
}

/** The card of one or more blocks, or of a flow. */
export interface GroupCardView {
  title: string;
  /** `flow`, `block`, `8 blocks`. */
  kind: string;
  rows: ViewRow[];
}

/**
 * The card of `groups` (one flow, one block, or several blocks shown as one): layers, params,
 * MACs and FLOPs under `convention`, activation bytes, share of the model's MACs, summed median
 * wall time, share of the pass and achieved GFLOP/s. Static numbers are the groups' report totals;
 * the time is the groups' `medianMs` (kept current by `mergeTimings`).
 */
export function groupCardView(report: ArchitectureReport, groups: readonly GroupReport[], title: string, kind: string, convention: FlopsConvention): GroupCardView {
  const batch = batchOf(report);
  const t = sumGroupTotals(groups);
  const ms = groupsMedianMs(groups);
  const pass = passMs(report);
  const rows: ViewRow[] = [
    { label: 'Layers', value: String(t.layers) },
    paramsRow(t.params.trainable, t.params.nonTrainable),
    ...computeRows(t.macs, groupFlops(report, groups, convention), null, batch, convention),
    bytesRow('Activations', t.activationBytes, 'sum of the layers\' output sizes per image'),
    { label: 'MACs share', value: formatShare(t.macs, report.totals.macs > 0 ? report.totals.macs : null), unit: '%', note: 'of the model\'s MACs' },
    { label: 'Median (sum)', value: ms != null ? formatMs(ms) : report.timing ? NA : 'timing: pending', unit: 'ms', note: `${timeNote(report)}, sum of the layer medians, batch of ${batch}` },
    { label: 'Share of pass', value: formatShare(ms, pass), unit: '%', note: pass ? `of the sum of the layer medians, ${formatMs(pass)}` : undefined },
    { label: 'Achieved', value: formatGflops(gflopsPerSecond(t.flops, ms, batch)), unit: 'GFLOP/s', note: 'FLOPs (2 x MACs) x batch / summed median' },
  ];
  return { title, kind, rows };
}

/**
 * Header and cells of the per-flow table (CLI, Markdown export): one formatting for both. The
 * median column says it is wall time and names the engine: `Median wall time on wasm (sum)`.
 */
export function flowTable(report: ArchitectureReport, convention: FlopsConvention): { header: string[]; rows: string[][] } {
  const pass = passMs(report);
  const engine = report.engine?.name;
  return {
    header: ['Flow', 'Layers', 'Params', `${countUnit(convention)} per image`, `Median wall time${engine ? ` on ${engine}` : ''} (sum)`, 'Share'],
    rows: report.flows.map((f) => {
      const ms = isNum(f.medianMs) ? f.medianMs : null;
      return [f.name, String(f.totals.layers), paramsRow(f.totals.params.trainable, f.totals.params.nonTrainable).value, formatCount(groupCount(report, [f], convention)), formatMs(ms), formatShare(ms, pass)];
    }),
  };
}

/**
 * The model's totals as lines (CLI, Markdown export): params, compute per image and, with a batch
 * of more than one image, per batch, each count with what it counts.
 */
export function totalsLines(report: ArchitectureReport, convention: FlopsConvention): ViewRow[] {
  const t = report.totals;
  const batch = batchOf(report);
  const rows = [paramsRow(t.params.trainable, t.params.nonTrainable), ...computeRows(t.macs, sumCount(report.layers, convention === 'tf-profiler' ? 'tf-profiler' : 'flops'), t.elementwiseOps, batch, convention)];
  return rows;
}

/**
 * The whole-pass facts: medians of the profiled pass and of plain predict (wall time, on the
 * report's engine), their ratio, the sum of the layers, and how far that sum is from the pass
 * when beyond `PASS_SUM_TOLERANCE` (the gap is `passGap`'s, the one the diagnostic reports).
 * @param passes passes measured in the run so far (timed, then live), given while a run streams
 *   its passes: the setup then counts with the status line's label, `median of 6 passes
 *   measured`, or `median of the last 20 of 33 passes measured` when the medians cover only live
 *   profiling's rolling window (`t.timedRuns` passes).
 */
export function passFacts(report: ArchitectureReport, t: PassTiming, passes?: number): { setup: string; parts: string[] } {
  const engine = report.engine?.name;
  const parts = [
    `profiled median ${formatMs(t.profiledMedianMs)}`,
    `plain predict median ${formatMs(t.predictMedianMs)}`,
    `profiled/plain ${formatRatio(t.overheadRatio)}`,
    `sum of layers ${formatMs(t.layerSumMs)}`,
  ];
  const gap = passGap(t);
  if (gap != null && Math.abs(gap) > PASS_SUM_TOLERANCE) parts.push(`layers sum ${gap > 0 ? 'exceeds' : 'is below'} the pass by ${(Math.abs(gap) * 100).toFixed(1)} %`);
  return {
    setup: `wall time${engine ? ` on ${engine}` : ''}, batch of ${t.batchSize}, ${
      passes === undefined
        ? `median of ${plural(t.timedRuns, 'timed run')}`
        : passes > t.timedRuns
          ? `median of the last ${t.timedRuns} of ${passes} passes measured`
          : `median of ${passes} pass${passes === 1 ? '' : 'es'} measured`
    } after ${t.warmupRuns} warm-up`,
    parts,
  };
}

/** `passFacts` on one line: `wall time on wasm, batch of 1, ...: profiled median 503 ms · ...`. */
export function passLine(report: ArchitectureReport, t: PassTiming): string {
  const f = passFacts(report, t);
  return `${f.setup}: ${f.parts.join(' · ')}`;
}

/** The `count` slowest timed layers, slowest first (ties keep execution order): the Hotspots view and the CLI. */
export function slowestLayers(report: ArchitectureReport, count: number): LayerReport[] {
  return report.layers
    .map((l, i) => ({ l, i, ms: layerMedianMs(l) }))
    .filter((x): x is { l: LayerReport; i: number; ms: number } => x.ms != null)
    .sort((a, b) => b.ms - a.ms || a.i - b.i)
    .slice(0, count)
    .map((x) => x.l);
}

/** A layer's share of the pass, formatted (`12.3 %`); `-` until the layer is timed. */
export function layerShareText(report: ArchitectureReport, layer: LayerReport): string {
  return layer.timing ? formatShare(layerMedianMs(layer), passMs(report)) : '-';
}

/** The compute count a one-number view shows for a layer under `convention` (`734.5M`). */
export function layerCountText(layer: LayerReport, convention: FlopsConvention): string {
  return formatCount(layerCount(layer, convention));
}

/** `node 20.18.0 (modules 115, napi 9), electron 30.1.2`: the runtime a native engine must match. */
export function runtimeText(r: RuntimeVersions): string {
  return `node ${r.node} (NODE_MODULE_VERSION ${r.modules}${r.napi ? `, napi ${r.napi}` : ''})${r.electron ? `, electron ${r.electron}` : ''}`;
}

/** One line for people: `wasm (2 threads, SIMD)`, plus why the faster engines were skipped (whole errors) and the runtime. */
export function describeEngine(info: EngineInfo): string {
  const details = [
    info.threads > 1 ? `${info.threads} threads` : '1 thread',
    info.simd ? 'SIMD' : undefined,
    info.gpu ? 'GPU' : undefined,
    info.name === 'onnxruntime' ? info.backend.replace(/^onnxruntime-/, '') + ' provider' : undefined,
  ].filter(Boolean);
  const wrong = info.correctness?.mismatches.length
    ? ` [WRONG RESULTS on ${info.correctness.mismatches.map((m) => m.kind).join('; ')}]`
    : info.correctness
      ? ` [${info.correctness.checkedKinds} layer kinds checked against the plain-JS backend]`
      : '';
  const head = `${info.name} (${details.join(', ')})${wrong} via ${info.package} ${info.version}: ${info.why}`;
  const runtime = info.runtime ? [`  runtime: ${runtimeText(info.runtime)}`] : [];
  return [head, ...info.skipped.map((s) => `  skipped ${s.name}: ${s.reason}`), ...runtime].join('\n');
}
