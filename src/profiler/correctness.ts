/**
 * "Correct before fast": before an engine is timed, run each kind of layer the model uses once
 * on a small input and compare its output with TF.js's plain-JS `cpu` backend, the reference.
 * A timing of a wrong computation must not be presented as good: TF.js's WASM backend returns
 * zeros for some depthwise configurations (e.g. a 1x3 kernel, stride 2, `same` padding, on an
 * even-sized input).
 */
import type * as tfTypes from '@tensorflow/tfjs';

import { shortReason } from '../report/guards';
type Tf = typeof tfTypes;
type Tensor = tfTypes.Tensor;

/** Relative tolerance of the comparison (float32 sums in a different order stay far below it). */
export const CORRECTNESS_RTOL = 1e-4;

/** Result for one kind of layer. */
export interface KernelCheck {
  /** The layer that was run (the first of its kind). */
  layer: string;
  /** Every layer of this kind in the model (they share the verdict). */
  layers: string[];
  /** Its kind: class and the config that selects a kernel path (kernel, strides, padding...). */
  kind: string;
  /** Largest |engine - cpu| over the output, and that divided by the largest |cpu| value. */
  maxAbsError: number;
  maxRelError: number;
  ok: boolean;
  /** Why the layer failed on the engine, or why it could not be checked (then `ok` is true). */
  error?: string;
}

export interface CorrectnessResult {
  /** Engine backend checked (`wasm`, `tensorflow`...). */
  backend: string;
  checks: KernelCheck[];
}

const KIND_KEYS = ['kernelSize', 'strides', 'padding', 'dilationRate', 'depthMultiplier', 'poolSize', 'activation', 'useBias', 'groups'];

/** Kind of a layer: what decides which kernel code path runs. */
export function layerKind(layer: tfTypes.layers.Layer): string {
  const config = layer.getConfig() as Record<string, unknown>;
  const parts = KIND_KEYS.filter((k) => config[k] !== undefined).map((k) => `${k}=${JSON.stringify(config[k])}`);
  return `${layer.getClassName()}(${parts.join(', ')})`;
}

function pair(v: unknown, fallback: number): [number, number] {
  if (Array.isArray(v)) return [Number(v[0] ?? fallback), Number(v[1] ?? v[0] ?? fallback)];
  return typeof v === 'number' ? [v, v] : [fallback, fallback];
}

/**
 * A small spatial size that takes the same kernel code path as `size`: at least 2 x kernel +
 * stride, and congruent to `size` modulo 2 x stride (padding and edge handling depend on it).
 */
export function reducedSize(size: number, kernel: number, stride: number): number {
  const period = 2 * stride;
  const min = 2 * kernel + stride;
  if (size <= min + period) return size;
  let s = min;
  while (s % period !== size % period) s++;
  return s;
}

/**
 * Layers whose output at each position depends only on a bounded window of the input, so that a
 * smaller H x W runs the same code path. Anything else (Flatten + Dense, Reshape, Cropping,
 * nested models...) runs at its real shape: a reduced one could be invalid for it.
 */
const SPATIALLY_LOCAL = new Set([
  'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D',
  'BatchNormalization', 'LayerNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax',
  'Add', 'Multiply', 'Subtract', 'Maximum', 'Minimum', 'Average', 'Concatenate', 'ZeroPadding2D', 'UpSampling2D',
  'Dropout', 'SpatialDropout2D',
]);

/**
 * Input shapes of the layer's first call, batch 1, with H and W reduced (see `reducedSize`) for
 * spatially local layers.
 */
export function testShapes(layer: tfTypes.layers.Layer): number[][] {
  const node = layer.inboundNodes[0];
  const shapes = (Array.isArray(node.inputShapes[0]) ? node.inputShapes : [node.inputShapes]) as (number | null)[][];
  const config = layer.getConfig() as Record<string, unknown>;
  const [kh, kw] = pair(config.kernelSize ?? config.poolSize, 1);
  const [sh, sw] = pair(config.strides, 1);
  const reduce = SPATIALLY_LOCAL.has(layer.getClassName());
  return shapes.map((s) =>
    reduce && s.length === 4 ? [1, reducedSize(s[1] ?? 1, kh, sh), reducedSize(s[2] ?? 1, kw, sw), s[3] ?? 1] : [1, ...s.slice(1).map((d) => d ?? 1)],
  );
}

export function maxErrors(a: ArrayLike<number>, b: ArrayLike<number>): { abs: number; rel: number } {
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  if (a.length !== b.length) abs = Infinity;
  return { abs, rel: scale > 0 ? abs / scale : abs };
}

/**
 * Runs the first layer of each kind in `model` on the active backend and on `cpu`, on the same
 * random input, and compares the outputs (relative tolerance `CORRECTNESS_RTOL`).
 * Leaves the active backend and `tf.memory().numTensors` as it found them.
 * @returns an empty check list when the active backend is `cpu` itself (it is the reference).
 */
export async function checkAgainstCpu(tf: Tf, model: tfTypes.LayersModel): Promise<CorrectnessResult> {
  const backend = tf.getBackend();
  const result: CorrectnessResult = { backend, checks: [] };
  if (backend === 'cpu') return result;
  const byKind = new Map<string, tfTypes.layers.Layer[]>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const kind = layerKind(layer);
    byKind.set(kind, [...(byKind.get(kind) ?? []), layer]);
  }
  try {
    for (const [kind, layers] of byKind) {
      const layer = layers[0];
      const names = layers.map((l) => l.name);
      const inputs = testShapes(layer).map((s) => tf.randomUniform(s, -1, 1, 'float32', 7));
      const run = (): Float32Array => {
        const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as Tensor | Tensor[];
        const first = Array.isArray(out) ? out[0] : out;
        const data = first.dataSync() as Float32Array;
        tf.dispose(out);
        return data;
      };
      try {
        let onEngine: Float32Array;
        try {
          onEngine = run();
        } catch (error) {
          // The reference decides whose fault it is: if cpu runs the layer, the engine is wrong.
          await tf.setBackend('cpu');
          run();
          result.checks.push({ layer: layer.name, layers: names, kind, maxAbsError: Infinity, maxRelError: Infinity, ok: false, error: `fails on ${backend}: ${shortReason(error)}` });
          continue;
        }
        await tf.setBackend('cpu');
        const onCpu = run();
        const { abs, rel } = maxErrors(onEngine, onCpu);
        result.checks.push({ layer: layer.name, layers: names, kind, maxAbsError: abs, maxRelError: rel, ok: rel <= CORRECTNESS_RTOL });
      } catch (error) {
        // Neither backend runs this layer on the test input: not a verdict on the engine.
        result.checks.push({ layer: layer.name, layers: names, kind, maxAbsError: NaN, maxRelError: NaN, ok: true, error: `not checked: ${shortReason(error)}` });
      } finally {
        if (tf.getBackend() !== backend) await tf.setBackend(backend);
        tf.dispose(inputs);
      }
    }
  } finally {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  }
  return result;
}
