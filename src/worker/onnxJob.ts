/**
 * The steps of a job on the `onnxruntime` engine: export the built model to ONNX, check ORT
 * against TF.js's plain-JS backend, profile (plain and profiled passes interleaved), say which
 * layers ORT folded into which, and live mode. The TF.js engines' steps are in job.ts.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import type { OrtRuntime } from '../engine/onnxruntime';
import { checkOnnxAgainstCpu } from '../engine/onnxruntimeCheck';
import { OnnxRunner, profileOnnx, runLiveOnnx } from '../engine/onnxruntimeProfile';
import { exportOnnx } from '../onnx/export';
import type { FusionMap } from '../onnx/fusion';
import { attachTimings } from '../profiler/attach';
import type { CorrectnessResult } from '../profiler/correctness';
import type { LiveControl } from '../profiler/live';
import type { ArchitectureReport, Diagnostic } from '../report/schema';
import type { JobEvent, ProfileJob } from './protocol';

/** What the ORT steps need from the job. */
export interface OnnxJobContext {
  job: ProfileJob;
  tf: typeof import('@tensorflow/tfjs');
  ort: OrtRuntime;
  send: (event: JobEvent) => void;
  signal?: AbortSignal;
  withCorrectness: (report: ArchitectureReport, check: CorrectnessResult) => ArchitectureReport;
}

/** NHWC input shapes of `model` at `batch` (unknown dimensions become 1). */
function inputShapes(model: LayersModel, batch: number): number[][] {
  return model.inputs.map((t) => [batch, ...t.shape.slice(1).map((d) => d ?? 1)]);
}

/**
 * Marks the layers ORT computed inside another layer's node (`timing.foldedInto`, statistics
 * null), and says in one diagnostic which layers were folded into which; a warning lists
 * exported nodes the mapping could not place.
 */
export function attachFusions(report: ArchitectureReport, fusion: FusionMap): ArchitectureReport {
  const layers = report.layers.map((l) => {
    const into = fusion.foldedInto.get(l.name);
    return into ? { ...l, timing: { medianMs: null, minMs: null, p90Ms: null, runs: 0, kernels: [], foldedInto: into } } : l;
  });
  const diagnostics: Diagnostic[] = [...report.diagnostics];
  if (fusion.foldedInto.size) {
    const byOwner = new Map<string, string[]>();
    for (const [layer, owner] of fusion.foldedInto) byOwner.set(owner, [...(byOwner.get(owner) ?? []), layer]);
    const list = [...byOwner].map(([owner, folded]) => `${folded.join(', ')} -> ${owner}`).join('; ');
    diagnostics.push({ severity: 'info', message: `ONNX Runtime folded ${fusion.foldedInto.size} layers into the node of another layer (their time is in that layer's row): ${list}` });
  }
  if (fusion.unplaced.length) {
    diagnostics.push({ severity: 'warning', message: `ONNX Runtime: ${fusion.unplaced.length} exported nodes could not be mapped to one optimised node (${fusion.unplaced.slice(0, 5).join(', ')}); their time may be missing` });
  }
  return { ...report, layers, diagnostics };
}

/** Exports `model` at `batch` images per pass and opens its plain and profiled sessions (`report` gives each layer's MACs). */
async function createRunner(ort: OrtRuntime, model: LayersModel, report: ArchitectureReport, batch: number): Promise<OnnxRunner> {
  const macs = new Map(report.layers.map((l) => [l.name, l.macs]));
  // The export inline: the runner writes its bytes to a file and nothing holds them while ORT loads it.
  return OnnxRunner.create(ort, exportOnnx(model, { batch }), (l) => macs.get(l) ?? 0);
}

/**
 * One point of a scaling sweep on ONNX Runtime: `model` exported at `batch` images per pass and
 * profiled as the engine's main run is (plain and profiled sessions interleaved), with its
 * sessions released afterwards. `report` is the model's static report.
 * @throws errors of ONNX Runtime; an Error named `AbortError` when `signal` is aborted.
 */
export async function profileOnnxPoint(
  ort: OrtRuntime,
  model: LayersModel,
  report: ArchitectureReport,
  batch: number,
  options: { runs: number; warmupRuns: number; signal?: AbortSignal },
): Promise<ArchitectureReport> {
  const runner = await createRunner(ort, model, report, batch);
  try {
    const result = await profileOnnx(runner, inputShapes(model, batch), options);
    return attachFusions(attachTimings(report, result), runner.fusion);
  } finally {
    await runner.dispose();
  }
}

/** Exports, checks and profiles `model` on ONNX Runtime; returns the runner (for live mode) and the report. */
export async function measureOnnx(ctx: OnnxJobContext, model: LayersModel, report: ArchitectureReport): Promise<{ report: ArchitectureReport; runner: OnnxRunner }> {
  const { job, tf, ort, send, signal } = ctx;
  send({ type: 'progress', stage: 'timing', message: 'checking onnxruntime against the plain-JS backend', fraction: 0.06 });
  report = ctx.withCorrectness(report, await checkOnnxAgainstCpu(tf, ort, model));
  send({ type: 'engine', engine: report.engine! });
  send({ type: 'progress', stage: 'timing', message: 'exporting the model to ONNX and optimising it in ONNX Runtime', fraction: 0.08 });
  const runner = await createRunner(ort, model, report, job.batchSize);
  try {
    const total = job.warmupRuns + job.runs;
    const result = await profileOnnx(runner, inputShapes(model, job.batchSize), {
      warmupRuns: job.warmupRuns,
      runs: job.runs,
      signal,
      onRun: (index, warmup) => {
        const done = (warmup ? index + 1 : job.warmupRuns + index + 1) / total;
        send({ type: 'progress', stage: 'timing', message: warmup ? `warm-up ${index + 1}/${job.warmupRuns}` : `timed run ${index + 1}/${job.runs}`, fraction: 0.1 + 0.9 * done });
      },
      onPass: (sample, index, warmup) => {
        if (!warmup) send({ type: 'pass', run: index + 1, runs: job.runs, live: false, passMs: sample.passMs, readbackMs: sample.readbackMs, predictMs: sample.predictMs, layerMs: sample.layerMs, kernels: sample.kernels });
      },
    });
    report = attachFusions(attachTimings(report, result), runner.fusion);
    const onCpu = runner.nodeProviders.get('CPUExecutionProvider') ?? 0;
    if (ort.gpuProvider && onCpu) {
      const all = [...runner.nodeProviders.values()].reduce((a, n) => a + n, 0);
      report.diagnostics.push({ severity: 'warning', message: `ONNX Runtime ran ${onCpu} of ${all} nodes on the CPU provider, not on ${ort.gpuProvider}` });
    }
    if (job.compareRegular) report.diagnostics.push({ severity: 'info', message: 'the regular-convolution twin is profiled on the TF.js engines only; not run on onnxruntime' });
    return { report, runner };
  } catch (error) {
    await runner.dispose();
    throw error;
  }
}

/** Live mode on ORT: passes read back in chunks and sent one by one, until `control` stops. */
export async function runLiveOnnxMode(ctx: OnnxJobContext, runner: OnnxRunner, model: LayersModel, live: NonNullable<ProfileJob['live']>, control: LiveControl): Promise<void> {
  const { send } = ctx;
  send({ type: 'live', state: control.state, runs: 0 });
  const runs = await runLiveOnnx(runner, inputShapes(model, ctx.job.batchSize), control, {
    intervalMs: live.intervalMs,
    maxRuns: live.maxRuns,
    batchSize: ctx.job.batchSize,
    comparePredict: true,
    onPass: (sample, run) =>
      send({ type: 'pass', run, runs: live.maxRuns ?? 0, live: true, passMs: sample.passMs, readbackMs: sample.readbackMs, predictMs: sample.predictMs, layerMs: sample.layerMs, kernels: sample.kernels }),
  });
  send({ type: 'live', state: 'stopped', runs });
}
