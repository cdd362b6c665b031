/**
 * Measures a TF.js LayersModel layer by layer.
 *
 * Each profiled pass runs the model's graph itself, node by node in the order TF.js's own
 * executor uses (`model.nodesByDepth`, deepest first), inside one `tf.profile`; the engine's
 * kernel list is read before and after each layer call, so each kernel is attributed to exactly
 * the layer whose call ran it (no guessing by order). Plain `model.predict` passes are interleaved with the profiled ones on the same
 * engine so that the profiling overhead is measured, not assumed. Warm-up runs are never counted.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { LayerTiming, PassTiming } from '../report/schema';
import { median, minimum, percentile } from './stats';
import { DEFAULTS } from '../report/defaults';

type Tf = typeof tfTypes;
type Tensor = tfTypes.Tensor;

/** Per-layer measurements of one profiled pass. */
export interface PassSample {
  /** Wall time of the whole profiled pass, ms. */
  passMs: number;
  /** Part of `passMs` spent reading the model's outputs back (after the last layer), ms. */
  readbackMs: number;
  /** Wall time of `model.predict` in the same run, ms (null when not measured). */
  predictMs: number | null;
  /** Wall time of each layer's call, ms, by layer name. */
  layerMs: Record<string, number>;
  /**
   * Kernel times per layer, ms, summed per kernel name over all of the layer's calls in the pass
   * (a shared layer is called more than once), with `calls` the number of runs; NaN when unknown,
   * with `error` saying why (the backend's timer error, or "kernel time not recorded").
   */
  kernels: Record<string, { name: string; ms: number; calls: number; error?: string }[]>;
}

export interface ProfileOptions {
  /** Untimed passes (profiled and plain) run first to compile kernels and warm caches. Default `DEFAULTS.warmupRuns`. */
  warmupRuns?: number;
  /** Timed passes. Default `DEFAULTS.timedRuns`. */
  runs?: number;
  /** Images per pass (the batch dimension N of the NHWC input). Default `DEFAULTS.batchSize`. */
  batchSize?: number;
  /** Also time plain `model.predict`, interleaved with the profiled passes. Default true. */
  comparePredict?: boolean;
  /**
   * Read each layer's output back before stopping its clock. Needed on engines that queue work
   * asynchronously (GPU); the synchronous CPU, WASM and native-CPU engines do not need it.
   */
  syncEachLayer?: boolean;
  /** Called after each pass (warm-up passes have `warmup: true`). */
  onPass?: (sample: PassSample, index: number, warmup: boolean) => void;
  /** Checked between layers; an aborted run rejects with an Error named `AbortError`. */
  signal?: AbortSignal;
}

/** Timings of a profile: per layer, and for the whole pass. */
export interface ProfileResult {
  layers: Record<string, LayerTiming>;
  pass: PassTiming;
  samples: PassSample[];
  /** Layers whose kernel times were missing or not numbers in some pass. */
  missingKernelTimes: string[];
}

const now = (): number => performance.now();

/** Resolves after pending I/O callbacks have run (not counted in any timing). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function abortIfRequested(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const e = new Error('profiling cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

/**
 * Runs one profiled pass over the graph of `model` with input(s) `inputs` (NHWC, one per model
 * input). Intermediate tensors are disposed as soon as their last consumer has run; the model's
 * outputs are disposed before returning (nothing leaks).
 * @throws Error named `AbortError` when `options.signal` is aborted (checked before the pass);
 *   errors of the layers' kernels (after disposing what the pass created).
 */
export async function profiledPass(
  tf: Tf,
  model: tfTypes.LayersModel,
  inputs: Tensor[],
  options: ProfileOptions,
): Promise<Omit<PassSample, 'predictMs'>> {
  // Symbolic tensor id -> its value, and how many ids hold each value (a layer may return its
  // input itself, e.g. Dropout at inference, so one value can stand for several ids).
  const values = new Map<number, Tensor>();
  const holders = new Map<Tensor, number>();
  const bind = (id: number, value: Tensor): void => {
    values.set(id, value);
    holders.set(value, (holders.get(value) ?? 0) + 1);
  };
  model.inputs.forEach((t, i) => bind(t.id, inputs[i]));
  const uses = new Map<number, number>();
  const depths = Object.keys(model.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  const nodes = depths.flatMap((d) => model.nodesByDepth[d]);
  for (const node of nodes) for (const t of node.inputTensors) uses.set(t.id, (uses.get(t.id) ?? 0) + 1);
  for (const t of model.outputs) uses.set(t.id, (uses.get(t.id) ?? 0) + 1);
  const keep = new Set<Tensor>(inputs);

  const layerMs: Record<string, number> = {};
  const kernels: PassSample['kernels'] = {};
  // Kernels [from, to) of tf.profile's list belong to the layer call between them.
  const spans: { layer: string; from: number; to: number }[] = [];
  const recorded = (): number => tf.engine().state.activeProfile.kernels.length;
  let failure: unknown;
  abortIfRequested(options.signal);
  const start = now();
  // One tf.profile around the whole pass (one per layer would cost ~45 us a layer): the engine
  // appends each kernel it runs to its active profile, so the list's length before and after a
  // layer call attributes kernels to layers exactly.
  const profile = await tf.profile(() => {
    try {
      for (const node of nodes) {
        const layer = node.outboundLayer;
        if (layer.getClassName() === 'InputLayer') continue;
        const xs = node.inputTensors.map((t) => values.get(t.id)!);
        const from = recorded();
        const t0 = now();
        const out = layer.apply(xs.length === 1 ? xs[0] : xs, {}) as Tensor | Tensor[];
        const outs = Array.isArray(out) ? out : [out];
        if (options.syncEachLayer) outs.forEach((o) => o.dataSync());
        layerMs[layer.name] = (layerMs[layer.name] ?? 0) + (now() - t0);
        spans.push({ layer: layer.name, from, to: recorded() });
        node.outputTensors.forEach((t, i) => bind(t.id, outs[i]));
        releaseInputs(node.inputTensors);
      }
    } catch (error) {
      // Thrown out of tf.profile, the error would leave the engine in profiling mode.
      failure = error;
    }
    return [];
  });
  if (failure !== undefined) {
    for (const t of new Set(values.values())) if (!keep.has(t)) t.dispose();
    throw failure;
  }
  // A shared layer (or nested model) is called more than once per pass: its kernels are summed
  // over all its calls, per kernel name, with the real number of calls.
  type KernelEntry = PassSample['kernels'][string][number];
  const perLayer = new Map<string, Map<string, KernelEntry>>();
  for (const { layer, from, to } of spans) {
    const perKernel = perLayer.get(layer) ?? new Map<string, KernelEntry>();
    perLayer.set(layer, perKernel);
    for (const k of profile.kernels.slice(from, to)) {
      // `<op>__op` entries wrap a customGrad op whose real kernel is recorded too: skip the wrapper.
      if (k.name.endsWith('__op')) continue;
      const time: unknown = k.kernelTimeMs;
      const ms = typeof time === 'number' ? time : NaN;
      const entry: KernelEntry = perKernel.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls += 1;
      if (!Number.isFinite(ms)) entry.error ??= kernelTimeError(time);
      perKernel.set(k.name, entry);
    }
  }
  for (const [layer, perKernel] of perLayer) kernels[layer] = [...perKernel.values()];

  /** Disposes inputs no later layer needs (a layer may return its input itself, e.g. Dropout). */
  function releaseInputs(inputTensors: tfTypes.SymbolicTensor[]): void {
    for (const t of inputTensors) {
      const left = (uses.get(t.id) ?? 1) - 1;
      uses.set(t.id, left);
      if (left > 0) continue;
      const tensor = values.get(t.id);
      if (!tensor) continue;
      values.delete(t.id);
      const held = (holders.get(tensor) ?? 1) - 1;
      holders.set(tensor, held);
      if (held === 0 && !keep.has(tensor)) tensor.dispose();
    }
  }
  const outputs = model.outputs.map((t) => values.get(t.id)!);
  const readStart = now();
  await Promise.all(outputs.map((o) => o.data()));
  const passMs = now() - start;
  const readbackMs = now() - readStart;
  for (const t of new Set(values.values())) if (!keep.has(t)) t.dispose();
  return { passMs, readbackMs, layerMs, kernels };
}

/**
 * Why a kernel has no time: the backend's own error (`{ error }`, e.g. WebGL's "WebGL query timers
 * are not supported in this environment."), or "kernel time not recorded".
 */
export function kernelTimeError(time: unknown): string {
  if (typeof time === 'object' && time !== null && 'error' in time && typeof time.error === 'string') return time.error;
  return typeof time === 'number' ? 'kernel time not a finite number' : 'kernel time not recorded';
}

/**
 * Random uniform [0, 1) inputs for `model`: one tensor of shape `[batchSize, ...inputShape]`
 * per model input (unknown dims become 1). The caller disposes them.
 */
export function createInputs(tf: Tf, model: tfTypes.LayersModel, batchSize: number): Tensor[] {
  return model.inputs.map((t) => tf.randomUniform([batchSize, ...t.shape.slice(1).map((d) => d ?? 1)], 0, 1, 'float32'));
}

/** Runs plain `model.predict` once and returns its wall time in ms (outputs read back). */
export async function predictPass(tf: Tf, model: tfTypes.LayersModel, inputs: Tensor[]): Promise<number> {
  const start = now();
  const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  const outs = Array.isArray(out) ? out : [out];
  await Promise.all(outs.map((o) => o.data()));
  const ms = now() - start;
  tf.dispose(outs);
  return ms;
}

/**
 * Whether pair `index` (0-based) of plain `predict` and profiled pass times plain predict first:
 * on even pairs; odd pairs time the profiled pass first.
 *
 * Why alternate: the first pass of a pair runs in a different position from the second (after the
 * previous pair's garbage, and in VS Code while the views handle the previous pair's timings, posted
 * right after it: the extension host, the tree, the webview's repaint, and whatever a user or a test
 * does when the numbers change). Measured in code-server at 71x71 on WASM x2 over 40 alternating
 * pairs (load average 12-14): plain-first pairs read profiled/plain 0.887, profiled-first pairs
 * 1.011, so whichever pass went first was about 7 % slower. With plain always first, that cost
 * went to plain alone. Alternating puts it on both kinds of pass in turn.
 */
export function plainFirst(index: number): boolean {
  return index % 2 === 0;
}

/**
 * One pair `index`: plain `model.predict` and a profiled pass, in the order `plainFirst(index)`
 * gives; the sample is returned (and so posted) only after both have run. Without
 * `comparePredict`, the profiled pass alone (`predictMs: null`).
 */
export async function passPair(tf: Tf, model: tfTypes.LayersModel, inputs: Tensor[], index: number, options: ProfileOptions): Promise<PassSample> {
  const comparePredict = options.comparePredict ?? true;
  if (!comparePredict) return { ...(await profiledPass(tf, model, inputs, options)), predictMs: null };
  if (plainFirst(index)) {
    const predictMs = await predictPass(tf, model, inputs);
    return { ...(await profiledPass(tf, model, inputs, options)), predictMs };
  }
  const sample = await profiledPass(tf, model, inputs, options);
  return { ...sample, predictMs: await predictPass(tf, model, inputs) };
}

/**
 * Profiles `model` on the engine whose namespace is `tf`: warm-up passes, then `runs` timed
 * passes, each a pair of plain `predict` (when `comparePredict`) and a profiled pass, in
 * alternating order (`passPair`).
 *
 * Input: random uniform values of shape `[batchSize, ...model.inputs[i].shape.slice(1)]`.
 * Returns per-layer median / min / p90 wall times (ms) and per-kernel medians, the whole-pass
 * medians (profiled and plain) and the sum of the layer medians.
 *
 * Leaves `tf.memory().numTensors` as it found it.
 * @throws Error named `AbortError` when `options.signal` is aborted; errors from TF.js kernels.
 */
export async function profileModel(tf: Tf, model: tfTypes.LayersModel, options: ProfileOptions = {}): Promise<ProfileResult> {
  const warmupRuns = options.warmupRuns ?? DEFAULTS.warmupRuns;
  const runs = options.runs ?? DEFAULTS.timedRuns;
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer; got ${runs}`);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new RangeError(`warmupRuns must be >= 0; got ${warmupRuns}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer; got ${batchSize}`);

  const inputs = createInputs(tf, model, batchSize);
  const samples: PassSample[] = [];
  try {
    for (let i = 0; i < warmupRuns + runs; i++) {
      const warmup = i < warmupRuns;
      abortIfRequested(options.signal);
      // Warm-up and timed pairs each alternate from plain first (an even number of timed pairs is balanced).
      const sample = await passPair(tf, model, inputs, warmup ? i : i - warmupRuns, options);
      if (!warmup) samples.push(sample);
      options.onPass?.(sample, warmup ? i : i - warmupRuns, warmup);
      // A pass on a synchronous engine only ever awaits settled promises (microtasks): yield to
      // the event loop between passes so that I/O (IPC messages, a closed channel) is handled.
      await yieldToEventLoop();
    }
  } finally {
    tf.dispose(inputs);
  }
  return summarize(samples, warmupRuns, batchSize);
}

/**
 * Reduces timed passes to per-layer statistics and whole-pass timing.
 * Kernel samples that are not finite numbers are left out of the medians, and the layer is
 * listed in `missingKernelTimes`.
 */
export function summarize(samples: PassSample[], warmupRuns: number, batchSize: number): ProfileResult {
  const layers: Record<string, LayerTiming> = {};
  const missing = new Set<string>();
  const names = samples.length ? Object.keys(samples[0].layerMs) : [];
  for (const name of names) {
    const ms = samples.map((s) => s.layerMs[name]);
    const kernelOrder: string[] = [];
    const kernelSamples = new Map<string, { ms: number[]; calls: number; error?: string }>();
    for (const s of samples) {
      for (const k of s.kernels[name] ?? []) {
        if (!kernelSamples.has(k.name)) {
          kernelOrder.push(k.name);
          kernelSamples.set(k.name, { ms: [], calls: k.calls });
        }
        const entry = kernelSamples.get(k.name)!;
        if (!Number.isFinite(k.ms)) {
          missing.add(name);
          entry.error ??= k.error ?? 'kernel time not a finite number';
        }
        entry.ms.push(k.ms);
      }
    }
    const layerMedian = median(ms);
    layers[name] = {
      medianMs: layerMedian,
      minMs: minimum(ms),
      p90Ms: percentile(ms, 90),
      runs: ms.filter(Number.isFinite).length,
      kernels: kernelOrder.map((k) => {
        const entry = kernelSamples.get(k)!;
        const kernelMedian = median(entry.ms);
        return kernelMedian == null
          ? { name: k, medianMs: null, naReason: entry.error ?? 'kernel time not recorded', calls: entry.calls }
          : { name: k, medianMs: kernelMedian, calls: entry.calls };
      }),
    };
    if (layerMedian == null) layers[name].naReason = 'no valid wall-time sample';
  }
  const predictMedianMs = median(samples.map((s) => s.predictMs ?? NaN));
  const profiledMedianMs = median(samples.map((s) => s.passMs));
  const medians = Object.values(layers).map((l) => l.medianMs);
  const layerSumMs = medians.length ? medians.reduce<number>((a, m) => a + (m ?? 0), 0) : null;
  return {
    layers,
    samples,
    missingKernelTimes: [...missing],
    pass: {
      warmupRuns,
      timedRuns: samples.length,
      batchSize,
      predictMedianMs,
      profiledMedianMs,
      layerSumMs,
      readbackMedianMs: median(samples.map((s) => s.readbackMs)),
      overheadRatio: predictMedianMs && profiledMedianMs ? profiledMedianMs / predictMedianMs : null,
    },
  };
}
