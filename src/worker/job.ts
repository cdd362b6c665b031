/**
 * One profiling job from start to end: resolve the engine, build the model, analyse it (sent at
 * once), then profile it (each pass streamed), and send the report with timings. Runs inside the
 * worker process, and in-process for the CLI; free of VS Code.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import type { OnnxRunner } from '../engine/onnxruntimeProfile';
import { exportOnnx, OnnxExportError } from '../onnx/export';
import { measureOnnx, profileOnnxPoint, runLiveOnnxMode, type OnnxJobContext } from './onnxJob';
import { compareEngines } from '../profiler/engineComparison';
import { shortReason } from '../report/guards';
import { analyzeModel } from '../analysis/analyze';
import { resolveEngine, type Tf } from '../engine/resolve';
import type { GraphModelFile } from '../importers/graphModel';
import { buildGraphModel } from '../importers/graphModelLoad';
import type { OnnxModelFile } from '../importers/onnxModel';
import { buildOnnxModel } from '../importers/onnxLoad';
import { profileOnnxFile } from '../importers/onnxRun';
import type { OrtRuntime } from '../engine/onnxruntime';
import { profileGraphModel } from '../importers/graphModelRun';
import { buildCheckedModel, modelDisplayName, readModelFile, type ModelFile } from '../importers/modelFile';
import { buildXception, type XceptionOptions } from '../model/xception';
import { attachTimings } from '../profiler/attach';
import { compareWithTwin } from '../profiler/compare';
import { checkAgainstCpu, type CorrectnessResult } from '../profiler/correctness';
import { LiveControl, runLive } from '../profiler/live';
import { profileModel } from '../profiler/profile';
import { withIntensity } from '../profiler/roofline';
import { cachedRoofs, engineLabel, tfRoofProbe, withRoofs, type RoofProbe } from '../profiler/roofs';
import { ortRoofProbe } from '../engine/onnxruntimeRoofs';
import { runSweep, type SweepSpec } from '../profiler/sweep';
import type { SweepReport } from '../report/schema';
import type { ArchitectureReport, Diagnostic, EngineInfo } from '../report/schema';
import { PROTOCOL_VERSION, type FromWorker, type JobEvent, type ProfileJob, type XceptionSource } from './protocol';

/** Builder options of the job's Xception (fixed seed: reproducible weights). */
function xceptionOptions(source: XceptionSource): XceptionOptions {
  return { inputSize: source.inputSize, includeTop: source.includeTop, classes: source.classes, seed: 1 };
}

/** Records the correctness check in the engine info, with an error diagnostic per affected layer. */
function withCorrectness(report: ArchitectureReport, check: CorrectnessResult): ArchitectureReport {
  const mismatches = check.checks.filter((c) => !c.ok).map(({ layer, kind, maxRelError, layers, error }) => ({ layer, kind, maxRelError, layers, error }));
  const affected = mismatches.flatMap((m) => m.layers.map((layer) => [layer, `${m.kind}: ${m.error ?? `max relative error ${m.maxRelError.toPrecision(3)}`}`] as const));
  const unchecked = check.checks.filter((c) => c.ok && c.error);
  return {
    ...report,
    engine: report.engine && { ...report.engine, correctness: { checkedKinds: check.checks.length, mismatches } },
    diagnostics: [
      ...report.diagnostics,
      ...affected.map(([layer, detail]) => ({
        severity: 'error' as const,
        code: 'engine-mismatch' as const,
        layer,
        message: `engine ${check.backend} computes layer "${layer}" wrong compared with the plain-JS backend (${detail}); its timing measures a wrong computation`,
      })),
      ...unchecked.map((c) => ({ severity: 'info' as const, layer: c.layer, message: `correctness: ${c.kind} ${c.error}` })),
    ],
  };
}

/** What the steps of a job share. */
interface JobContext {
  job: ProfileJob;
  tf: Tf;
  info: EngineInfo;
  send: (event: JobEvent) => void;
  signal?: AbortSignal;
  /** Engines that queue work asynchronously need each layer's output read before its clock stops. */
  syncEachLayer: boolean;
}

/** Builds the job's model (a checked model file, or Xception) and its static report. */
async function buildJobModel(ctx: JobContext, checked: Exclude<ModelFile, GraphModelFile | OnnxModelFile> | undefined): Promise<{ model: LayersModel; report: ArchitectureReport }> {
  const { tf, send } = ctx;
  if (checked) {
    send({ type: 'progress', stage: 'building', message: `building ${modelDisplayName(checked.file)} (${checked.formatDescription})`, fraction: 0.05 });
    // Weight values are read only when they will run: a static analysis of a large file stays cheap.
    return buildCheckedModel(tf, checked, { loadWeights: ctx.job.timing });
  }
  const xception = ctx.job.model as XceptionSource;
  send({ type: 'progress', stage: 'building', message: `building Xception ${xception.inputSize}x${xception.inputSize}`, fraction: 0.05 });
  const model = buildXception(tf, xceptionOptions(xception));
  send({ type: 'progress', stage: 'analysing', message: 'analysing the layers', fraction: 0.06 });
  return { model, report: analyzeModel(model, { name: 'Xception', source: 'builtin:xception' }) };
}

/** Checks the engine against the plain-JS backend, then times the model (and the twin, if asked). */
async function measure(ctx: JobContext, model: LayersModel, report: ArchitectureReport): Promise<ArchitectureReport> {
  const { job, tf, info, send, signal, syncEachLayer } = ctx;
  if (info.name !== 'cpu') {
    send({ type: 'progress', stage: 'timing', message: `checking ${info.name} against the plain-JS backend`, fraction: 0.07 });
    report = withCorrectness(report, await checkAgainstCpu(tf, model));
    send({ type: 'engine', engine: report.engine! });
  }
  report = await roofsOf(ctx, report);
  const total = job.warmupRuns + job.runs;
  const result = await profileModel(tf, model, {
    warmupRuns: job.warmupRuns,
    runs: job.runs,
    batchSize: job.batchSize,
    syncEachLayer,
    signal,
    onPass: (sample, index, warmup) => {
      const done = (warmup ? index + 1 : job.warmupRuns + index + 1) / total;
      send({ type: 'progress', stage: 'timing', message: warmup ? `warm-up ${index + 1}/${job.warmupRuns}` : `timed run ${index + 1}/${job.runs}`, fraction: 0.1 + 0.9 * done });
      if (!warmup) send({ type: 'pass', run: index + 1, runs: job.runs, live: false, passMs: sample.passMs, readbackMs: sample.readbackMs, predictMs: sample.predictMs, layerMs: sample.layerMs, kernels: sample.kernels });
    },
  });
  report = attachTimings(report, result);
  const source = job.model;
  if (job.compareRegular && source.kind === 'xception') {
    send({ type: 'progress', stage: 'timing', message: `profiling the regular-convolution twin (${job.compareRegular.runs} runs)`, fraction: 1 });
    const twin = buildXception(tf, { ...xceptionOptions(source), separable: false });
    try {
      const twinTiming = await profileModel(tf, twin, { ...job.compareRegular, batchSize: job.batchSize, signal, syncEachLayer });
      const twinReport = attachTimings(analyzeModel(twin, { name: 'Xception regular-convolution twin' }), twinTiming);
      report = { ...report, regularComparison: compareWithTwin(report, twinReport) };
    } finally {
      twin.dispose();
    }
  }
  return report;
}

/** The engine's roofs (cached per engine and machine; measured on first use with `probe`) put into the report. */
async function roofsOf(ctx: JobContext, report: ArchitectureReport, probe: () => RoofProbe = () => tfRoofProbe(ctx.tf)): Promise<ArchitectureReport> {
  const { job, info, send } = ctx;
  send({ type: 'progress', message: `roofline: reading or measuring the roofs of ${info.name}`, fraction: 0.08 });
  try {
    const { roofs, note } = await cachedRoofs(info, probe, { cacheDir: job.roofCacheDir, remeasure: job.remeasureRoofs });
    const withNote = note ? { ...report, diagnostics: [...report.diagnostics, { severity: 'info' as const, message: note }] } : report;
    return withRoofs(withNote, roofs);
  } catch (error) {
    return { ...report, diagnostics: [...report.diagnostics, { severity: 'warning', message: `roofline: the roofs of ${info.name} could not be measured: ${(error as Error).message}` }] };
  }
}

/**
 * The job's scaling sweep on the same engine (on `onnxruntime`, each point exported and profiled
 * in ONNX Runtime); an input sweep rebuilds the built-in Xception only.
 */
async function sweepOf(ctx: JobContext, spec: SweepSpec, model: LayersModel, ort?: OrtRuntime): Promise<SweepReport> {
  const { job, tf, info, send } = ctx;
  const source = job.model;
  return runSweep(spec, {
    tf,
    engine: engineLabel(info),
    batchSize: job.batchSize,
    inputSize: source.kind === 'xception' ? source.inputSize : (model.inputs[0].shape[1] ?? 0),
    model,
    analyze: (m) => analyzeModel(m),
    buildAtInputSize: (inputSize) => {
      if (source.kind !== 'xception') throw new Error('an input-size sweep rebuilds the built-in Xception; a model file has its own input size (sweep its batch instead)');
      return buildXception(tf, { ...xceptionOptions(source), inputSize });
    },
    syncEachLayer: ctx.syncEachLayer,
    signal: ctx.signal,
    profile: ort && ((m, batch, runs) => profileOnnxPoint(ort, m, analyzeModel(m), batch, { ...runs, signal: ctx.signal })),
    onPoint: (i, n, label) => send({ type: 'progress', message: `sweep ${i + 1}/${n}: ${label}`, fraction: i / n }),
  });
}

/** Live mode: profiled passes in the background, each one sent, until `control` stops them. */
async function runLiveMode(ctx: JobContext, model: LayersModel, live: NonNullable<ProfileJob['live']>, control: LiveControl): Promise<void> {
  const { send } = ctx;
  send({ type: 'live', state: control.state, runs: 0 });
  const runs = await runLive(ctx.tf, model, control, {
    intervalMs: live.intervalMs,
    maxRuns: live.maxRuns,
    batchSize: ctx.job.batchSize,
    syncEachLayer: ctx.syncEachLayer,
    comparePredict: true,
    onPass: (sample, run) =>
      send({ type: 'pass', run, runs: live.maxRuns ?? 0, live: true, passMs: sample.passMs, readbackMs: sample.readbackMs, predictMs: sample.predictMs, layerMs: sample.layerMs, kernels: sample.kernels }),
  });
  send({ type: 'live', state: 'stopped', runs });
}

/**
 * A TF.js graph model: loaded and run once for its shapes (the analysis is sent), then timed per
 * node group, or as a whole model for control-flow graphs; not timed when an op TF.js lacks keeps
 * it from running. Live profiling and the correctness check are for layers models only.
 */
async function runGraphModelJob(ctx: JobContext, graph: GraphModelFile): Promise<ArchitectureReport> {
  const { job, tf, info, send, signal } = ctx;
  send({ type: 'progress', message: `loading ${modelDisplayName(graph.file)} (${graph.formatDescription})`, fraction: 0.05 });
  const loaded = await buildGraphModel(tf, graph, { loadWeights: job.timing });
  try {
    let report: ArchitectureReport = { ...loaded.report, engine: info };
    send({ type: 'analysis', report });
    const notes: Diagnostic[] = [];
    if (job.timing && loaded.runnable) {
      const total = job.warmupRuns + job.runs;
      const result = await profileGraphModel(tf, loaded.model, loaded.groupOf, {
        warmupRuns: job.warmupRuns,
        runs: job.runs,
        batchSize: job.batchSize,
        signal,
        async: loaded.async,
        onPass: (sample, index, warmup) => {
          const done = (warmup ? index + 1 : job.warmupRuns + index + 1) / total;
          send({ type: 'progress', message: warmup ? `warm-up ${index + 1}/${job.warmupRuns}` : `timed run ${index + 1}/${job.runs}`, fraction: 0.1 + 0.9 * done });
        },
      });
      report = attachTimings(report, result);
      if (loaded.async) notes.push({ severity: 'info', message: 'timing: control flow (executeAsync) interleaves the nodes, so only whole passes are timed' });
    } else if (job.timing) notes.push({ severity: 'warning', message: 'timing: not timed, the graph has an op TF.js does not implement (see above)' });
    if (job.timing && job.live) notes.push({ severity: 'info', message: 'live profiling: layers models only; this graph model was timed once' });
    report = { ...report, diagnostics: [...report.diagnostics, ...notes] };
    send({ type: 'result', report });
    endLiveAtOnce(ctx);
    return report;
  } finally {
    loaded.model.dispose();
  }
}

/**
 * An ONNX file on ONNX Runtime: analysed with shapes from one run (sent at once), then timed per
 * node group with ORT's profiler. Without ORT (it did not load) it is analysed, not timed.
 */
async function runOnnxFileJob(ctx: JobContext, file: OnnxModelFile, ort: OrtRuntime | undefined): Promise<ArchitectureReport> {
  const { job, info, send, signal } = ctx;
  send({ type: 'progress', message: `loading ${modelDisplayName(file.file)} (${file.formatDescription})`, fraction: 0.05 });
  const loaded = await buildOnnxModel(ort, file);
  let report: ArchitectureReport = { ...loaded.report, engine: info };
  send({ type: 'analysis', report });
  const notes: Diagnostic[] = [];
  if (job.timing && ort && loaded.runnable) {
    const total = job.warmupRuns + job.runs;
    const result = await profileOnnxFile(ort, file, loaded.groupOf, {
      warmupRuns: job.warmupRuns,
      runs: job.runs,
      batchSize: job.batchSize,
      signal,
      onPass: (_sample, index, warmup) => {
        const done = (warmup ? index + 1 : job.warmupRuns + index + 1) / total;
        send({ type: 'progress', message: warmup ? `warm-up ${index + 1}/${job.warmupRuns}` : `timed run ${index + 1}/${job.runs}`, fraction: 0.1 + 0.9 * done });
      },
    });
    report = attachTimings(report, result);
    notes.push({ severity: 'info', message: "timing: ONNX Runtime's graph optimisations are off, so that each node of the file runs as its own kernel and is timed exactly; an optimised session fuses nodes and can be faster" });
  } else if (job.timing) notes.push({ severity: 'warning', message: 'timing: not timed (ONNX Runtime did not load or could not run the model; see above)' });
  if (job.timing && job.live) notes.push({ severity: 'info', message: 'live profiling: layers models only; this ONNX model was timed once' });
  report = { ...report, diagnostics: [...report.diagnostics, ...notes] };
  send({ type: 'result', report });
  endLiveAtOnce(ctx);
  return report;
}

/**
 * A job that asked for live profiling on a model that has none (graph models, ONNX files): says
 * live profiling stopped right after the result. The session moves to live profiling on a result
 * of a live job, and would otherwise take the worker's exit for a lost worker.
 */
function endLiveAtOnce({ job, send }: JobContext): void {
  if (job.timing && job.live) send({ type: 'live', state: 'stopped', runs: 0, unsupported: true });
}

/**
 * Runs `job`, reporting through `emit`; resolves with the final report. With `job.live`, keeps
 * profiling after the result (each pass emitted) until `live` is stopped, then resolves.
 * @throws errors of engine loading (when no engine loads), of the model file (ModelFileError),
 *   of the model builder (bad options) and of TF.js; an Error named `AbortError` when `signal`
 *   is aborted.
 */
export async function runJob(
  job: ProfileJob,
  emit: (event: FromWorker) => void,
  options: { signal?: AbortSignal; live?: LiveControl } = {},
): Promise<ArchitectureReport> {
  const send = (event: JobEvent): void => emit({ protocol: PROTOCOL_VERSION, ...event } as FromWorker);
  // A model file is read and checked before the engine loads: a bad file fails at once, and
  // nothing unchecked reaches TF.js.
  const checked = job.model.kind === 'file' ? await readModelFile(job.model.path, { inputSize: job.model.inputSize }) : undefined;
  if (checked && 'report' in checked) {
    // The registry's analysis needs no engine: on screen before TF.js loads, and all there is
    // without timing (no model built, no weights allocated).
    send({ type: 'analysis', report: checked.report });
    // An ONNX export needs the model built (with its weights), timed or not.
    if (!job.timing && !job.onnxFile) {
      send({ type: 'result', report: checked.report });
      return checked.report;
    }
  }
  send({ type: 'progress', stage: 'building', message: `loading engine (${job.engine})`, fraction: 0 });
  if (job.compareEngines?.length) return runEngineComparison(job, emit, options.signal);
  // An ONNX file runs on ONNX Runtime whatever engine was asked for (TF.js cannot run ONNX).
  const engine = checked?.format === 'onnx' ? 'onnxruntime' : job.engine;
  const resolveOptions = { searchPaths: job.searchPaths, threads: job.threads, wasmDir: job.wasmDir, fallback: job.engineFallback };
  let resolved = await resolveEngine({ engine, ...resolveOptions });
  if (checked?.format === 'tfjs-graph-model' && resolved.info.name === 'onnxruntime') {
    // ONNX Runtime cannot run a TF.js graph model: the next engine (WASM, then plain JS) does.
    resolved = await resolveEngine({ engine: 'wasm', ...resolveOptions });
    resolved.info.skipped = [...resolved.info.skipped, { name: 'onnxruntime', reason: 'ONNX Runtime does not run TF.js graph models' }];
    resolved.info.why = resolved.info.why.replace('requested by the user', 'the fastest engine that runs TF.js graph models');
  }
  if (checked?.format === 'onnx' && job.engine !== 'onnxruntime') resolved.info.why = resolved.info.why.replace('requested by the user', 'the engine that runs ONNX files');
  const { tf, info, ort } = resolved;
  send({ type: 'engine', engine: info });
  const ctx: JobContext = { job, tf, info, send, signal: options.signal, syncEachLayer: info.name === 'tensorflow-gpu' };

  if (checked?.format === 'tfjs-graph-model') return runGraphModelJob(ctx, checked);
  if (checked?.format === 'onnx') return runOnnxFileJob(ctx, checked, ort);
  try {
    return await runLayersJob(ctx, checked, ort, options.live);
  } catch (error) {
    // ONNX Runtime runs the model's ONNX export, which fails before any timing on a layer it cannot
    // translate: the run moves to the next engine, as when an engine fails to load. Not when the
    // user asked for the ONNX file itself, or for this engine alone.
    if (!(error instanceof OnnxExportError) || !ort || job.onnxFile || job.engineFallback === false) throw error;
    const next = await resolveEngine({ engine: 'wasm', ...resolveOptions });
    next.info.skipped = [...next.info.skipped, { name: 'onnxruntime', reason: error.message }];
    next.info.why = next.info.why.replace('requested by the user', 'the fastest engine that runs this model');
    send({ type: 'engine', engine: next.info });
    return runLayersJob({ ...ctx, tf: next.tf, info: next.info, syncEachLayer: false }, checked, undefined, options.live);
  }
}

/** A layers model (Xception or a Keras / TF.js layers file): built, analysed, timed, then live. */
async function runLayersJob(ctx: JobContext, checked: Exclude<ModelFile, GraphModelFile | OnnxModelFile> | undefined, ort: OrtRuntime | undefined, live: LiveControl | undefined): Promise<ArchitectureReport> {
  const { job, tf, info, send } = ctx;
  const { model, report: staticReport } = await buildJobModel(ctx, checked);
  let runner: OnnxRunner | undefined;
  try {
    let report: ArchitectureReport = withIntensity({ ...staticReport, engine: info }, job.batchSize);
    send({ type: 'analysis', report });
    if (job.onnxFile) {
      send({ type: 'progress', message: `writing the ONNX export to ${job.onnxFile}`, fraction: 0.06 });
      writeFileSync(job.onnxFile, exportOnnx(model, { docString: `${report.model.name} (${report.model.source}), exported by Xception Profiler` }).bytes);
    }
    const onnxCtx: OnnxJobContext | undefined = ort && { job, tf, ort, send, signal: ctx.signal, withCorrectness };
    if (job.timing && onnxCtx) {
      report = await roofsOf(ctx, report, () => ortRoofProbe(onnxCtx.ort));
      ({ report, runner } = await measureOnnx(onnxCtx, model, report));
    }
    else if (job.timing) report = await measure(ctx, model, report);
    if (job.timing && job.sweep) report = { ...report, sweep: await sweepOf(ctx, job.sweep, model, ort) };
    send({ type: 'result', report });
    if (job.timing && job.live) {
      const control = live ?? new LiveControl();
      if (onnxCtx && runner) await runLiveOnnxMode(onnxCtx, runner, model, job.live, control);
      else await runLiveMode(ctx, model, job.live, control);
    }
    return report;
  } finally {
    await runner?.dispose();
    model.dispose();
  }
}

/**
 * "Compare Engines": runs `job` on each engine of `job.compareEngines` in turn (in this process,
 * one after the other, never a fallback engine in its place) and sends one report: the first
 * engine's, with `engineComparison` beside it. Progress is prefixed with the engine's name.
 * @throws Error when no engine ran (each one's reason listed); `AbortError` on cancel.
 */
export async function runEngineComparison(job: ProfileJob, emit: (event: FromWorker) => void, signal?: AbortSignal): Promise<ArchitectureReport> {
  const engines = job.compareEngines ?? [];
  const reports: ArchitectureReport[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const [i, name] of engines.entries()) {
    const inner: ProfileJob = { ...job, engine: name, engineFallback: false, compareEngines: undefined, live: undefined, onnxFile: i === 0 ? job.onnxFile : undefined };
    try {
      const report = await runJob(inner, (m) => {
        if (m.type === 'progress') emit({ ...m, message: `${name}: ${m.message}`, fraction: (i + (m.fraction ?? 0)) / engines.length });
      }, { signal });
      reports.push(report);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      skipped.push({ name, reason: shortReason(error) });
    }
  }
  if (!reports.length) throw new Error(`no engine of the comparison ran: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
  const report: ArchitectureReport = { ...reports[0], engineComparison: compareEngines(reports, skipped) };
  const send = (event: JobEvent): void => emit({ protocol: PROTOCOL_VERSION, ...event } as FromWorker);
  send({ type: 'engine', engine: report.engine! });
  send({ type: 'analysis', report });
  send({ type: 'result', report });
  return report;
}
