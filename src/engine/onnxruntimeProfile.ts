/**
 * Profiling on ONNX Runtime, reported exactly as the TF.js engines report (`PassSample`,
 * `summarize`): plain and profiled passes interleaved, per-layer times, live mode, cancel.
 *
 * Two sessions on the same exported model with the same options (full graph optimisation): a
 * plain one and one with ORT's profiler on (`enableProfiling`). ORT keeps the profiled session's
 * events in memory and writes them as Chrome-trace JSON only when profiling ends, which also ends
 * it for that session: timed passes are collected after the last one, live passes in chunks of
 * `LIVE_CHUNK`, each chunk on a new profiled session. Per-node times (`<node>_kernel_time`
 * events, microseconds) are mapped to Keras layers by `mapFusions` from the optimised graph ORT
 * saves at the first profiled session; a fused node's time goes to the layer that owns it and
 * the layers folded into it say so (`foldedInto`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OnnxExport } from '../onnx/export';
import { mapFusions, nodeLabel, type FusionMap } from '../onnx/fusion';
import { decodeModel, type onnx } from '../onnx/proto';
import { summarize, yieldToEventLoop, type PassSample, type ProfileOptions, type ProfileResult } from '../profiler/profile';
import type { LiveControl, LiveOptions } from '../profiler/live';
import { feeds, sessionOptions, type OrtRuntime, type OrtSession, type OrtTensor } from './onnxruntime';

/** Live passes per profiled session (ORT writes a profile only when it ends profiling for good). */
export const LIVE_CHUNK = 5;

/** One event of ORT's profile (Chrome trace format; ts and dur in microseconds). */
export interface OrtProfileEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; provider?: string };
}

/** One run found in a profile: its `model_run` duration and each node's kernel time, ms. */
export interface ProfiledRun {
  runMs: number;
  nodes: { node: string; ms: number; provider?: string }[];
}

/**
 * Splits a profile into runs: each `model_run` session event and the `<node>_kernel_time` node
 * events that lie inside it, in order.
 * @throws Error when `events` is not a list of events.
 */
export function splitRuns(events: unknown): ProfiledRun[] {
  if (!Array.isArray(events)) throw new Error('ONNX Runtime profile is not a list of events');
  const list = events as OrtProfileEvent[];
  const runs = list.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const nodes = list.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time')).sort((a, b) => a.ts - b.ts);
  return runs.map((r) => ({
    runMs: r.dur / 1000,
    nodes: nodes
      .filter((n) => n.ts >= r.ts && n.ts <= r.ts + r.dur)
      .map((n) => ({ node: n.name.slice(0, -'_kernel_time'.length), ms: n.dur / 1000, provider: n.args?.provider })),
  }));
}

/**
 * Per-layer times of one run: each node's time on the layer that owns it (`fusion`), each node
 * as a kernel of that layer, labelled with its operator and the roles it computes.
 */
export function runToLayers(run: ProfiledRun, fusion: FusionMap): Pick<PassSample, 'layerMs' | 'kernels'> & { unmapped: string[] } {
  const layerMs: Record<string, number> = {};
  const kernels: PassSample['kernels'] = {};
  const unmapped: string[] = [];
  for (const { node, ms } of run.nodes) {
    const n = fusion.nodes.get(node);
    if (!n) {
      unmapped.push(node);
      continue;
    }
    layerMs[n.owner] = (layerMs[n.owner] ?? 0) + ms;
    const label = nodeLabel(n);
    const list = (kernels[n.owner] ??= []);
    const k = list.find((x) => x.name === label);
    if (k) {
      k.ms += ms;
      k.calls++;
    } else list.push({ name: label, ms, calls: 1 });
  }
  return { layerMs, kernels, unmapped };
}

/** Random uniform [0, 1) NHWC inputs of the given shapes (batch first). */
export function randomInputs(shapes: number[][]): { data: Float32Array; shape: number[] }[] {
  return shapes.map((shape) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => Math.random()) }));
}

/** What the runner keeps of the export: everything but its bytes (ORT reads them from `OnnxRunner.modelPath`). */
export type ExportedGraph = Omit<OnnxExport, 'bytes'>;

/**
 * ORT session config entries that make a saved optimised model keep its initializers in a side
 * file (`optimized.data`), so the `.onnx` read back for the fusion map is the graph alone (~0.1 MB
 * instead of the weights' size).
 */
const OPTIMIZED_WEIGHTS_APART = { optimized_model_external_initializers_file_name: 'optimized.data', optimized_model_external_initializers_min_size_in_bytes: '1024' };

/** The two sessions of an ONNX Runtime profile and the node -> layer map. Call `dispose` when done. */
export class OnnxRunner {
  private profiled: OrtSession | undefined;
  private constructor(
    readonly runtime: OrtRuntime,
    readonly exported: ExportedGraph,
    readonly plain: OrtSession,
    readonly fusion: FusionMap,
    private readonly dir: string,
    profiled: OrtSession,
    /** Providers the profiled nodes ran on, with node counts (from the first collected profile). */
    readonly nodeProviders: Map<string, number> = new Map(),
  ) {
    this.profiled = profiled;
  }

  /** The exported model's file in the runner's temporary folder, which every session is created from. */
  get modelPath(): string {
    return path.join(this.dir, 'model.onnx');
  }

  /**
   * Creates the plain and the profiled session (the latter saves the optimised graph, from which
   * the node -> layer map is built). Memory: the export's bytes are written to a temporary file
   * and sessions are created from it, so the bytes are not held while ORT loads the model (twice):
   * pass the export inline (`create(rt, exportOnnx(model), ...)`) and nothing else keeps them.
   * @param macs MACs per layer (from the analysis), to pick each fused node's owner.
   * @throws errors of ONNX Runtime (a model it cannot load, a provider that fails).
   */
  static create(runtime: OrtRuntime, exported: OnnxExport, macs: (layer: string) => number): Promise<OnnxRunner> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xception-profiler-ort-'));
    try {
      writeFileSync(path.join(dir, 'model.onnx'), exported.bytes);
      // Only the nodes: the decoded graph's initializers would keep the bytes alive.
      const nodes = decodeModel(exported.bytes).graph?.node ?? [];
      const { bytes: _bytes, ...graph } = exported;
      // Not async up to here, so that this frame (and `exported`) is gone once `open` waits on ORT.
      return OnnxRunner.open(runtime, graph, nodes, dir, macs);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      return Promise.reject(error);
    }
  }

  private static async open(runtime: OrtRuntime, exported: ExportedGraph, nodes: onnx.INodeProto[], dir: string, macs: (layer: string) => number): Promise<OnnxRunner> {
    const modelPath = path.join(dir, 'model.onnx');
    let plain: OrtSession | undefined;
    try {
      plain = await runtime.ort.InferenceSession.create(modelPath, sessionOptions(runtime));
      const optimizedPath = path.join(dir, 'optimized.onnx');
      const options = sessionOptions(runtime, { enableProfiling: true, profileFilePrefix: path.join(dir, 'profile'), optimizedModelFilePath: optimizedPath });
      options.extra = { ...options.extra, session: { ...options.extra?.session, ...OPTIMIZED_WEIGHTS_APART } };
      const profiled = await runtime.ort.InferenceSession.create(modelPath, options);
      const fusion = mapFusions({ node: nodes }, decodeModel(readFileSync(optimizedPath)).graph!, exported, macs);
      rmSync(optimizedPath);
      rmSync(path.join(dir, 'optimized.data'), { force: true });
      return new OnnxRunner(runtime, exported, plain, fusion, dir, profiled);
    } catch (error) {
      await plain?.release();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Feeds for `inputs` (NHWC, as the Keras model takes them). */
  feeds(inputs: { data: Float32Array; shape: number[] }[]): Record<string, OrtTensor> {
    return feeds(this.runtime, this.exported.inputNames, inputs);
  }

  /** One plain run; wall ms (outputs are in JS memory when `run` resolves). */
  async plainPass(input: Record<string, OrtTensor>): Promise<number> {
    const t0 = performance.now();
    await this.plain.run(input);
    return performance.now() - t0;
  }

  /** One profiled run; wall ms. */
  async profiledPass(input: Record<string, OrtTensor>): Promise<number> {
    if (!this.profiled) this.profiled = await this.runtime.ort.InferenceSession.create(this.modelPath, sessionOptions(this.runtime, { enableProfiling: true, profileFilePrefix: path.join(this.dir, 'profile') }));
    const t0 = performance.now();
    await this.profiled.run(input);
    return performance.now() - t0;
  }

  /**
   * Ends profiling on the current profiled session, reads its profile and releases the session
   * (the next profiled pass opens a new one).
   * @returns the runs in the profile, in order.
   */
  async collect(): Promise<ProfiledRun[]> {
    const session = this.profiled;
    if (!session) return [];
    this.profiled = undefined;
    session.endProfiling();
    await session.release();
    const files = readdirSync(this.dir).filter((f) => f.startsWith('profile') && f.endsWith('.json'));
    const runs: ProfiledRun[] = [];
    for (const f of files) {
      const file = path.join(this.dir, f);
      runs.push(...splitRuns(JSON.parse(readFileSync(file, 'utf8'))));
      rmSync(file, { force: true });
    }
    if (!this.nodeProviders.size) for (const n of runs[0]?.nodes ?? []) this.nodeProviders.set(n.provider ?? 'unknown', (this.nodeProviders.get(n.provider ?? 'unknown') ?? 0) + 1);
    return runs;
  }

  /** Releases both sessions and removes the temporary folder. */
  async dispose(): Promise<void> {
    try {
      await this.plain.release();
      if (this.profiled) await this.profiled.release();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function abortIfRequested(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const e = new Error('profiling cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

/** Samples of collected runs, given the wall times measured around them. */
function samplesOf(runner: OnnxRunner, runs: ProfiledRun[], walls: { passMs: number; predictMs: number | null }[]): PassSample[] {
  if (runs.length !== walls.length) throw new Error(`ONNX Runtime's profile has ${runs.length} runs; ${walls.length} were made`);
  return runs.map((run, i) => {
    const { layerMs, kernels } = runToLayers(run, runner.fusion);
    return { passMs: walls[i].passMs, readbackMs: 0, predictMs: walls[i].predictMs, layerMs, kernels };
  });
}

/**
 * Pass `index` of an interleaved series: a plain run (when `comparePredict`) and a profiled run,
 * in alternating order (plain first on even passes, profiled first on odd ones). The two sessions
 * have their own thread pools and weights; whichever runs second finds the other's threads just
 * gone to sleep and the caches holding the other's weights, so a fixed order would put a
 * position effect into profiled/plain. Alternating cancels it over an even number of passes.
 */
async function interleavedPass(runner: OnnxRunner, input: Record<string, OrtTensor>, index: number, comparePredict: boolean): Promise<{ passMs: number; predictMs: number | null }> {
  if (!comparePredict) return { passMs: await runner.profiledPass(input), predictMs: null };
  if (index % 2 === 0) {
    const predictMs = await runner.plainPass(input);
    return { predictMs, passMs: await runner.profiledPass(input) };
  }
  const passMs = await runner.profiledPass(input);
  return { passMs, predictMs: await runner.plainPass(input) };
}

/**
 * Profiles the exported model in ONNX Runtime: warm-up passes, then `runs` timed passes, each a
 * plain run (when `comparePredict`) and a profiled run in alternating order (`interleavedPass`),
 * on input `inputShapes` (NHWC). `onPass` is called for every pass once the profile has been read
 * (after the last pass).
 * @throws Error named `AbortError` when `options.signal` is aborted; errors of ONNX Runtime.
 */
export async function profileOnnx(runner: OnnxRunner, inputShapes: number[][], options: ProfileOptions & { onRun?: (index: number, warmup: boolean) => void } = {}): Promise<ProfileResult> {
  const warmupRuns = options.warmupRuns ?? 2;
  const runs = options.runs ?? 10;
  const comparePredict = options.comparePredict ?? true;
  const input = runner.feeds(randomInputs(inputShapes));
  const walls: { passMs: number; predictMs: number | null }[] = [];
  for (let i = 0; i < warmupRuns + runs; i++) {
    abortIfRequested(options.signal);
    walls.push(await interleavedPass(runner, input, i, comparePredict));
    options.onRun?.(i < warmupRuns ? i : i - warmupRuns, i < warmupRuns);
    await yieldToEventLoop();
  }
  const samples = samplesOf(runner, await runner.collect(), walls);
  samples.forEach((s, i) => options.onPass?.(s, i < warmupRuns ? i : i - warmupRuns, i < warmupRuns));
  return summarize(samples.slice(warmupRuns), warmupRuns, inputShapes[0]?.[0] ?? 1);
}

/**
 * Live mode on ONNX Runtime: profiled passes (each after a plain one when `comparePredict`)
 * every `intervalMs`, read back and reported in chunks of `LIVE_CHUNK`, until `control` stops.
 * @returns the number of passes run.
 */
export async function runLiveOnnx(runner: OnnxRunner, inputShapes: number[][], control: LiveControl, options: LiveOptions): Promise<number> {
  const input = runner.feeds(randomInputs(inputShapes));
  let run = 0;
  let reported = 0;
  let walls: { passMs: number; predictMs: number | null }[] = [];
  const flush = async (): Promise<void> => {
    if (!walls.length) return;
    const samples = samplesOf(runner, await runner.collect(), walls);
    walls = [];
    for (const s of samples) options.onPass(s, ++reported);
  };
  while ((options.maxRuns === undefined || run < options.maxRuns) && (await control.next(run === 0 ? 0 : options.intervalMs))) {
    walls.push(await interleavedPass(runner, input, run, !!options.comparePredict));
    run++;
    control.runs = run;
    if (walls.length >= LIVE_CHUNK) await flush();
  }
  await flush();
  return run;
}
