/**
 * Chrome trace event export (the "Trace Event Format" of Chrome's about://tracing, read by
 * Perfetto's UI too): JSON Object Format `{ traceEvents, displayTimeUnit, otherData }` with
 * complete events (`ph: 'X'`, `ts` and `dur` in microseconds) and metadata events (`ph: 'M'`)
 * naming the process and the thread.
 *
 * A report holds per-layer and per-kernel medians, not the individual runs, so the trace shows one
 * synthetic "median run": the layers back to back in execution order, each lasting its median,
 * and inside each layer its kernels back to back, each lasting its median. The run event, the
 * metadata and `otherData` say so. Nesting on the one thread: run > layer > kernel.
 *
 * A layer's kernel medians may add up to more than the layer's median (medians do not add); the
 * kernels are then scaled down to fit inside the layer, and the layer's args say by how much.
 */
import { formatKerasShape } from '../report/format';
import { describeFlopsConvention, layerFlops, type FlopsConvention } from '../report/flopsConvention';
import type { ArchitectureReport, LayerReport, LayerTiming } from '../report/schema';
import { batchOf, MACS_NOTE, timeNote, timingNaReason, untimedKernelsText } from '../report/viewModel';

/** One trace event. `ts` and `dur` in microseconds. */
export interface TraceEvent {
  name: string;
  /** Comma-separated categories (`run`, `layer`, `kernel`, `__metadata`). */
  cat: string;
  /** `X`: complete event (has `dur`); `M`: metadata. */
  ph: 'X' | 'M';
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args: Record<string, unknown>;
}

/** The JSON Object Format of a trace file. */
export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
}

/** Process and thread ids used in the trace. */
export const TRACE_PID = 1;
export const TRACE_TID = 1;

const SYNTHETIC_NOTE =
  'Synthetic median run: the report holds medians over the timed runs, not the runs themselves. ' +
  'Layers are laid out back to back in execution order, each lasting its median; kernels back to back inside their layer, each lasting its median.';

/** ms -> integer nanoseconds (the layout is computed in integers so that nesting is exact). */
function ns(ms: number): number {
  return Math.max(0, Math.round(ms * 1e6));
}

/** Integer nanoseconds -> microseconds (the trace's unit). */
function us(nanoseconds: number): number {
  return nanoseconds / 1000;
}

/**
 * The trace's labels of what was counted and measured (the view-model's words): MACs per image
 * (and per batch), the FLOPs convention, wall time on the engine for the whole batch.
 */
function labels(report: ArchitectureReport, convention: FlopsConvention): Record<string, string> {
  const batch = batchOf(report);
  return {
    counts: `per image${batch > 1 ? ` (x ${batch} per batch)` : ''}; MACs: ${MACS_NOTE}; ${describeFlopsConvention(convention === 'macs' ? 'flops' : convention)}`,
    times: `median ${timeNote(report)}, ms for the whole batch of ${batch} image${batch === 1 ? '' : 's'}`,
  };
}

/** The args of a timed layer's event: what it is, what it counts, and its times. */
function layerArgs(report: ArchitectureReport, layer: LayerReport, t: LayerTiming, convention: FlopsConvention): Record<string, unknown> {
  return {
    class: layer.className,
    flow: layer.flow,
    block: layer.block,
    inputShapes: layer.inputShapes.map(formatKerasShape),
    outputShape: formatKerasShape(layer.outputShape),
    paramsTrainable: layer.params.trainable,
    paramsNonTrainable: layer.params.nonTrainable,
    macs: layer.macs,
    [convention === 'tf-profiler' ? 'flopsTfProfiler' : 'flops']: layerFlops(layer, convention),
    engine: report.engine?.name ?? null,
    medianMs: t.medianMs,
    p90Ms: t.p90Ms,
    minMs: t.minMs,
    runs: t.runs,
  };
}

/**
 * The report's timings as a Chrome trace (see the module docstring for the layout).
 * Layers without a median (not timed, or "n/a") are left out of the run and listed in the run's
 * `args.untimedLayers` (with their reasons in `args.untimedReasons`); kernels without a median are
 * left out and listed in the layer's args (`kernelsWithoutTime`, and `kernelsNote`: how many, why,
 * and the timed kernels' total).
 * @throws Error when no layer of the report has a median time (a static-only report).
 */
export function reportToTrace(report: ArchitectureReport, convention: FlopsConvention = 'flops'): TraceFile {
  const timed = report.layers.filter((l) => l.timing?.medianMs != null && Number.isFinite(l.timing.medianMs));
  if (timed.length === 0) {
    throw new Error('the report has no layer timings to lay out as a trace (it is a static analysis); profile the model first');
  }
  const engine = report.engine;
  const engineLabel = engine ? `${engine.name}${engine.threads > 1 ? ` x${engine.threads}` : ''}` : 'unknown engine';
  const events: TraceEvent[] = [
    { name: 'process_name', cat: '__metadata', ph: 'M', ts: 0, pid: TRACE_PID, tid: TRACE_TID, args: { name: `Xception Profiler: ${report.model.name}` } },
    { name: 'process_labels', cat: '__metadata', ph: 'M', ts: 0, pid: TRACE_PID, tid: TRACE_TID, args: { labels: `${engineLabel}, median wall time, batch of ${batchOf(report)}, synthetic median run` } },
    { name: 'thread_name', cat: '__metadata', ph: 'M', ts: 0, pid: TRACE_PID, tid: TRACE_TID, args: { name: `${engineLabel} · median run (synthetic)` } },
  ];
  const runEvent: TraceEvent = {
    name: 'median run (synthetic)',
    cat: 'run',
    ph: 'X',
    ts: 0,
    dur: 0,
    pid: TRACE_PID,
    tid: TRACE_TID,
    args: {
      synthetic: true,
      note: SYNTHETIC_NOTE,
      ...labels(report, convention),
      timedRuns: report.timing?.timedRuns ?? Math.max(...timed.map((l) => l.timing!.runs)),
      warmupRuns: report.timing?.warmupRuns ?? null,
      batchSize: report.timing?.batchSize ?? null,
      profiledMedianMs: report.timing?.profiledMedianMs ?? null,
      predictMedianMs: report.timing?.predictMedianMs ?? null,
      untimedLayers: report.layers.filter((l) => !timed.includes(l)).map((l) => l.name),
      // Why each is n/a (the card's words); a layer without a timing at all was not timed.
      untimedReasons: Object.fromEntries(report.layers.filter((l) => !timed.includes(l)).map((l) => [l.name, l.timing ? (timingNaReason(l.timing) ?? 'no valid sample') : 'not timed'])),
    },
  };
  events.push(runEvent);

  let clock = 0; // ns
  for (const layer of timed) {
    const timing = layer.timing!;
    const layerNs = ns(timing.medianMs!);
    const kernels = timing.kernels.filter((k) => k.medianMs != null && Number.isFinite(k.medianMs));
    const kernelNs = kernels.map((k) => ns(k.medianMs!));
    const kernelSum = kernelNs.reduce((a, b) => a + b, 0);
    const scale = kernelSum > layerNs ? layerNs / kernelSum : 1;
    const args = layerArgs(report, layer, timing, convention);
    if (scale < 1) args.kernelsScaledBy = Number(scale.toFixed(6));
    const untimedKernels = timing.kernels.filter((k) => !kernels.includes(k)).map((k) => k.name);
    if (untimedKernels.length) {
      args.kernelsWithoutTime = untimedKernels;
      args.kernelsNote = untimedKernelsText(timing);
    }
    events.push({ name: layer.name, cat: `layer,${layer.className}`, ph: 'X', ts: us(clock), dur: us(layerNs), pid: TRACE_PID, tid: TRACE_TID, args });

    let k0 = clock;
    const layerEnd = clock + layerNs;
    kernels.forEach((k, i) => {
      const dur = Math.min(Math.floor(kernelNs[i] * scale), layerEnd - k0);
      events.push({
        name: k.name,
        cat: 'kernel',
        ph: 'X',
        ts: us(k0),
        dur: us(dur),
        pid: TRACE_PID,
        tid: TRACE_TID,
        args: { layer: layer.name, calls: k.calls, medianMs: k.medianMs, outputShape: formatKerasShape(layer.outputShape) },
      });
      k0 += dur;
    });
    clock = layerEnd;
  }
  runEvent.dur = us(clock);

  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      generator: 'xception-profiler',
      schemaVersion: report.schemaVersion,
      model: report.model.name,
      source: report.model.source,
      engine: engine ? { name: engine.name, backend: engine.backend, package: engine.package, version: engine.version, threads: engine.threads, why: engine.why, skipped: engine.skipped, runtime: engine.runtime ?? null } : null,
      flopsConvention: convention,
      ...labels(report, convention),
      synthetic: true,
      note: SYNTHETIC_NOTE,
      createdAt: report.createdAt,
    },
  };
}
