/**
 * "Correct before fast": before an engine is timed, run each kind of layer the model uses once
 * on a small input and compare its output with TF.js's plain-JS `cpu` backend, the reference.
 * A timing of a wrong computation must not be presented as good: TF.js's WASM backend returns
 * zeros for some depthwise configurations (e.g. a 1x3 kernel, stride 2, `same` padding, on an
 * even-sized input).
 */
import type * as tfTypes from '@tensorflow/tfjs';

import { pair } from '../importers/faithful/layers';
import {
  ACTIVATION_REFERENCE,
  addBiasReference,
  conv2dReference,
  conv2dTransposeReference,
  globalPoolReference,
  kerasReluReference,
  mapReference,
  rmsScalingReference,
  upsampleReference,
  type HostTensor,
} from '../importers/faithful/reference';
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
  const [dh, dw] = pair(config.dilationRate, 1);
  // The effective (dilated) kernel decides the smallest valid input.
  const [kh, kw] = pair(config.kernelSize ?? config.poolSize, 1).map((k, i) => (k - 1) * [dh, dw][i] + 1);
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

/** Result of checking one faithful replacement against its independent reference. */
export interface FaithfulCheck {
  /** Layer path (nested models' layers as `model/layer`). */
  layer: string;
  className: string;
  maxAbsError: number;
  maxRelError: number;
  ok: boolean;
  /** Why the layer could not be checked (then `ok` is true and the errors are NaN). */
  error?: string;
}

/** The layer at `path` (`model/layer` for nested models) of a built model. */
function layerAtPath(model: tfTypes.LayersModel, path: string, prefix = ''): tfTypes.layers.Layer | undefined {
  for (const layer of model.layers) {
    const own = prefix ? `${prefix}/${layer.name}` : layer.name;
    if (own === path) return layer;
    if ('nodesByDepth' in layer && path.startsWith(`${own}/`)) {
      const found = layerAtPath(layer as unknown as tfTypes.LayersModel, path, own);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The reference output of a replaced layer for input `x` (see importers/faithful/reference.ts),
 * from its weights and config. `linear` is the layer's own output before its activation, for
 * the classes whose only replaced part is the activation.
 */
function referenceOutput(layer: tfTypes.layers.Layer, x: HostTensor, linear: () => HostTensor): HostTensor {
  const config = layer.getConfig() as Record<string, unknown>;
  const className = layer.getClassName();
  const weights = layer.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync() as Float32Array }));
  const [sh, sw] = pair(config.strides, 1);
  const [dh, dw] = pair(config.dilationRate, 1);
  const geometry = { strides: [sh, sw] as [number, number], padding: String(config.padding), dilation: [dh, dw] as [number, number] };
  const activation = ACTIVATION_REFERENCE[String(config.activation ?? 'linear')];
  const finish = (y: HostTensor): HostTensor => {
    const biased = weights[1] ? addBiasReference(y, weights[1].data) : y;
    if (!activation) throw new Error(`no reference for activation "${String(config.activation)}"`);
    return mapReference(biased, activation);
  };
  switch (className) {
    case 'DepthwiseConv2D': {
      const [kh, kw, cin, m] = weights[0].shape;
      return finish(conv2dReference(x, { shape: [kh, kw, 1, cin * m], data: weights[0].data }, { ...geometry, groups: cin }));
    }
    case 'Conv2D':
      return finish(conv2dReference(x, weights[0], { ...geometry, groups: Number(config.groups ?? 1) }));
    case 'Conv2DTranspose': {
      const op = config.outputPadding;
      return finish(conv2dTransposeReference(x, weights[0], { ...geometry, outputPadding: op === null || op === undefined ? null : pair(op, 0) }));
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D':
      return globalPoolReference(x, 'average');
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
      return globalPoolReference(x, 'max');
    case 'UpSampling2D':
      return upsampleReference(x, pair(config.size, 2), String(config.interpolation));
    case 'LayerNormalization':
      return rmsScalingReference(x, config.axis as number[], Number(config.epsilon), weights[0].data);
    case 'ReLU': {
      const max = config.maxValue;
      return mapReference(x, (v) => kerasReluReference(v, Number(config.negativeSlope ?? 0), typeof max === 'number' ? max : null, Number(config.threshold ?? 0)));
    }
    default: {
      if (!activation) throw new Error(`no reference for activation "${String(config.activation)}"`);
      return mapReference(linear(), activation);
    }
  }
}

/**
 * "Executed as Keras computes it": runs each layer that runs a faithful replacement on the `cpu`
 * backend, on a small random input (height and width reduced as in `checkAgainstCpu`), and
 * compares its output with an independent plain-JavaScript reference (relative tolerance
 * `CORRECTNESS_RTOL`). Leaves the active backend and `tf.memory().numTensors` as it found them.
 * @param executions `BuiltModel.executions`: only `faithful-replacement` entries are checked.
 */
export async function checkFaithful(tf: Tf, model: tfTypes.LayersModel, executions: Map<string, { kind: string }>): Promise<FaithfulCheck[]> {
  const backend = tf.getBackend();
  const checks: FaithfulCheck[] = [];
  const paths = [...executions].filter(([, e]) => e.kind === 'faithful-replacement').map(([p]) => p);
  if (paths.length === 0) return checks;
  try {
    if (backend !== 'cpu') await tf.setBackend('cpu');
    for (const path of paths) {
      const layer = layerAtPath(model, path);
      if (!layer) continue;
      const className = layer.getClassName();
      const shape = testShapes(layer)[0];
      const input = tf.randomUniform(shape, -4, 4, 'float32', 11);
      try {
        const x: HostTensor = { shape, data: input.dataSync() as Float32Array };
        const run = (): HostTensor => {
          const out = layer.apply(input) as Tensor;
          const result = { shape: out.shape, data: out.dataSync() as Float32Array };
          out.dispose();
          return result;
        };
        const linear = (): HostTensor => {
          const holder = layer as unknown as { activation: unknown };
          const saved = holder.activation;
          holder.activation = { apply: (t: Tensor) => t.clone(), getClassName: () => 'linear', getConfig: () => ({}) };
          try {
            return run();
          } finally {
            holder.activation = saved;
          }
        };
        const actual = run();
        const expected = referenceOutput(layer, x, linear);
        const { abs, rel } = maxErrors(actual.data, expected.data);
        const sameShape = actual.shape.join(',') === expected.shape.join(',');
        checks.push({ layer: path, className, maxAbsError: sameShape ? abs : Infinity, maxRelError: sameShape ? rel : Infinity, ok: sameShape && rel <= CORRECTNESS_RTOL });
      } catch (error) {
        checks.push({ layer: path, className, maxAbsError: NaN, maxRelError: NaN, ok: true, error: `not checked: ${shortReason(error)}` });
      } finally {
        input.dispose();
      }
    }
  } finally {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  }
  return checks;
}
