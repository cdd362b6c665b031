/**
 * Scaling sweeps: the same model and engine profiled at several batch sizes (latency against
 * throughput) or input sizes (how measured time follows the MAC count). Each point is a full
 * profile (per-layer medians, plain `predict` median); `summarizeSweep` turns the points into the
 * findings: where time per image stops falling with batch, and how close time tracks MACs per
 * flow and for separable against regular convolutions.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../engine/resolve';
import type { ArchitectureReport, MacTracking, SweepGroupCost, SweepPoint, SweepReport } from '../report/schema';
import { attachTimings } from './attach';
import { profileModel } from './profile';

/** What to sweep: `batch=1,2,4,8` or `input=71,150,224,299`. */
export interface SweepSpec {
  axis: 'batch' | 'input';
  /** Batch sizes or input sizes, ascending, without repeats. */
  values: number[];
  runs: number;
  warmupRuns: number;
}

/** Time per image must fall by at least this much per batch step to count as still falling. */
export const PLATEAU_GAIN = 0.05;

/** Group keys besides the flows. */
export const SEPARABLE_GROUP = 'separable convs';
export const REGULAR_GROUP = 'regular convs';
export const WHOLE_GROUP = 'whole model';

/**
 * Parses `batch=1,2,4,8` / `input=71,150,224,299`.
 * @throws Error naming what is wrong (axis, a value that is not an integer >= the minimum, repeats).
 */
export function parseSweep(text: string, minInputSize: number): Pick<SweepSpec, 'axis' | 'values'> {
  const m = /^\s*(batch|input)\s*=\s*([\d\s,]+)$/.exec(text);
  if (!m) throw new Error(`--sweep expects batch=N,N,... or input=N,N,... (got "${text}")`);
  const axis = m[1] as SweepSpec['axis'];
  const min = axis === 'batch' ? 1 : minInputSize;
  const values = m[2].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const bad = values.find((v) => !Number.isInteger(v) || v < min);
  if (bad !== undefined) throw new Error(`--sweep ${axis}: ${bad} is not an integer >= ${min}`);
  if (values.length < 2) throw new Error(`--sweep ${axis}: give at least two values`);
  if (new Set(values).size !== values.length) throw new Error(`--sweep ${axis}: a value is repeated`);
  return { axis, values: [...values].sort((a, b) => a - b) };
}

/** MACs and summed medians of the layers `pick` selects, for `batch` images per pass. */
function groupCost(report: ArchitectureReport, batch: number, pick: (l: ArchitectureReport['layers'][number]) => boolean): SweepGroupCost {
  let macs = 0;
  let ms = 0;
  let timed = false;
  for (const l of report.layers.filter(pick)) {
    macs += l.macs * batch;
    const m = l.timing?.medianMs;
    if (m != null && Number.isFinite(m)) {
      ms += m;
      timed = true;
    }
  }
  return { macs, ms: timed ? ms : null };
}

/** One sweep point from a profiled report (per-image MACs of the report x its batch). */
export function sweepPoint(report: ArchitectureReport, inputSize: number): SweepPoint {
  const batch = report.timing?.batchSize ?? 1;
  const latencyMs = report.timing?.predictMedianMs ?? null;
  const groups: Record<string, SweepGroupCost> = {};
  for (const f of report.flows) groups[f.name] = groupCost(report, batch, (l) => l.flow === f.name);
  groups[SEPARABLE_GROUP] = groupCost(report, batch, (l) => l.className === 'SeparableConv2D');
  groups[REGULAR_GROUP] = groupCost(report, batch, (l) => l.className === 'Conv2D');
  return {
    batchSize: batch,
    inputSize,
    latencyMs,
    msPerImage: latencyMs != null ? latencyMs / batch : null,
    imagesPerSecond: latencyMs != null && latencyMs > 0 ? (1000 * batch) / latencyMs : null,
    macs: report.totals.macs * batch,
    groups,
  };
}

const ms = (x: number | null): string => (x == null ? 'n/a' : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
const ratio = (x: number): string => `${x.toFixed(x >= 10 ? 1 : 2)}x`;

/**
 * The batch at which time per image stops falling: the first point whose next point is not at
 * least `PLATEAU_GAIN` (5 %) faster per image; null when it falls at every step (or is unknown).
 */
export function plateauBatch(points: SweepPoint[]): number | null {
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i].msPerImage;
    const b = points[i + 1].msPerImage;
    if (a == null || b == null) return null;
    if (b > a * (1 - PLATEAU_GAIN)) return points[i].batchSize;
  }
  return null;
}

/** Per group: MAC growth and time growth from the smallest to the largest input. */
export function macTracking(points: SweepPoint[]): MacTracking[] {
  const first = points[0];
  const last = points[points.length - 1];
  const rows: MacTracking[] = [];
  const add = (group: string, a: SweepGroupCost | undefined, b: SweepGroupCost | undefined): void => {
    if (!a || !b || a.macs <= 0) return;
    const macRatio = b.macs / a.macs;
    const timeRatio = a.ms != null && b.ms != null && a.ms > 0 ? b.ms / a.ms : null;
    rows.push({ group, macRatio, timeRatio, tracking: timeRatio != null ? timeRatio / macRatio : null });
  };
  for (const group of Object.keys(first.groups)) add(group, first.groups[group], last.groups[group]);
  add(WHOLE_GROUP, { macs: first.macs, ms: first.latencyMs }, { macs: last.macs, ms: last.latencyMs });
  return rows;
}

/** The sweep's summary (plateau or MAC tracking) and its findings in words. */
export function summarizeSweep(axis: SweepSpec['axis'], engine: string, runs: { warmupRuns: number; timedRuns: number }, points: SweepPoint[]): SweepReport {
  const report: SweepReport = { axis, engine, ...runs, points, findings: [] };
  const first = points[0];
  const last = points[points.length - 1];
  if (axis === 'batch') {
    const plateau = plateauBatch(points);
    report.plateauBatch = plateau;
    const at = points.find((p) => p.batchSize === plateau);
    const next = points[points.indexOf(at!) + 1];
    // The first point, the plateau and the point after it; the first is the plateau when batch 2 already gains nothing.
    const said = [first, at, next].filter((p, i, all): p is SweepPoint => p !== undefined && all.indexOf(p) === i);
    report.findings.push(
      plateau == null
        ? `Time per image keeps falling up to batch ${last.batchSize}: ${ms(first.msPerImage)} at batch ${first.batchSize}, ${ms(last.msPerImage)} at batch ${last.batchSize}.`
        : `Time per image stops falling at batch ${plateau}: ${said.map((p) => `${ms(p.msPerImage)} at batch ${p.batchSize}`).join(', ')} (less than ${100 * PLATEAU_GAIN} % lower).`,
    );
    const best = points.reduce((a, b) => ((b.imagesPerSecond ?? 0) > (a.imagesPerSecond ?? 0) ? b : a));
    report.findings.push(
      `Highest throughput ${best.imagesPerSecond?.toFixed(2) ?? 'n/a'} images/s at batch ${best.batchSize}; latency of one batch grows from ${ms(first.latencyMs)} to ${ms(last.latencyMs)}.`,
    );
  } else {
    report.macTracking = macTracking(points);
    report.findings.push(`From ${first.inputSize}x${first.inputSize} to ${last.inputSize}x${last.inputSize} input (time growth / MAC growth; 1.00 = time proportional to MACs):`);
    for (const t of report.macTracking) {
      report.findings.push(
        `${t.group}: MACs ${ratio(t.macRatio)}, time ${t.timeRatio == null ? 'n/a' : ratio(t.timeRatio)}` +
          (t.tracking == null ? '' : ` (${t.tracking.toFixed(2)} of proportional)`),
      );
    }
  }
  return report;
}

/** What `runSweep` needs from the job: how to get the model of a point, and the profile settings. */
export interface SweepContext {
  tf: Tf;
  /** Engine label for the report. */
  engine: string;
  /** The job's batch size and input size (the axis not swept keeps its value). */
  batchSize: number;
  inputSize: number;
  /** The job's model (batch sweep). */
  model: LayersModel;
  /** Static report of a model (the analysis). */
  analyze(model: LayersModel): ArchitectureReport;
  /** Builds the model at another input size (input sweep); throws when the model cannot be rebuilt. */
  buildAtInputSize(inputSize: number): LayersModel;
  syncEachLayer?: boolean;
  signal?: AbortSignal;
  /**
   * Profiles `model` at `batchSize` images per pass and returns its report with timings. Default:
   * TF.js's `profileModel` on `tf`; the `onnxruntime` engine gives its own (export at that batch,
   * ORT's profile), so that every point runs on the job's engine.
   */
  profile?(model: LayersModel, batchSize: number, runs: Pick<SweepSpec, 'runs' | 'warmupRuns'>): Promise<ArchitectureReport>;
  /** Called before each point. */
  onPoint?(index: number, count: number, label: string): void;
}

/**
 * Profiles every point of `spec` on the context's engine, one after the other (models of an input
 * sweep are built and disposed one at a time), and summarises them.
 * @throws what profiling and building throw; an Error named `AbortError` when aborted.
 */
export async function runSweep(spec: SweepSpec, ctx: SweepContext): Promise<SweepReport> {
  const points: SweepPoint[] = [];
  for (const [i, value] of spec.values.entries()) {
    const batchSize = spec.axis === 'batch' ? value : ctx.batchSize;
    const inputSize = spec.axis === 'input' ? value : ctx.inputSize;
    ctx.onPoint?.(i, spec.values.length, `batch ${batchSize}, input ${inputSize}x${inputSize}`);
    const model = spec.axis === 'input' ? ctx.buildAtInputSize(inputSize) : ctx.model;
    try {
      const report = ctx.profile
        ? await ctx.profile(model, batchSize, spec)
        : attachTimings(ctx.analyze(model), await profileModel(ctx.tf, model, { runs: spec.runs, warmupRuns: spec.warmupRuns, batchSize, syncEachLayer: ctx.syncEachLayer, signal: ctx.signal }));
      points.push(sweepPoint(report, inputSize));
    } finally {
      if (model !== ctx.model) model.dispose();
    }
  }
  return summarizeSweep(spec.axis, ctx.engine, { warmupRuns: spec.warmupRuns, timedRuns: spec.runs }, points);
}
