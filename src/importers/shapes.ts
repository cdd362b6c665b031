/**
 * Static checks of a normalised topology before TF.js sees it: each layer's config values, its
 * output shapes (inferred call by call, NHWC, batch excluded internally) and its weight count, so
 * that impossible or absurd models fail fast with a message naming the layer and the field instead
 * of hanging, crashing or exhausting memory inside TF.js.
 *
 * Rules (each violation throws `ModelFileError` naming the layer and the field):
 * - sizes (`filters`, `units`, `kernel_size`, `strides`, `pool_size`, `depth_multiplier`, `groups`,
 *   `size`, `target_shape`...) are positive integers; `dilation_rate` is at least 1; paddings and
 *   croppings are non-negative; `strides` > 1 and `dilation_rate` > 1 are not combined (Keras's rule);
 * - with `padding: "valid"` a (dilated) kernel or pool window fits inside its input, which may have
 *   been padded by a ZeroPadding2D before it; a crop leaves at least one row and column;
 * - element-wise merges get broadcast-compatible shapes, Concatenate equal shapes off its axis,
 *   Reshape the same number of values;
 * - no tensor (activation for one image, or weight) exceeds MAX_TENSOR_VALUES values and the model
 *   does not exceed MAX_MODEL_WEIGHTS weights (they would exhaust memory);
 * - data is channels_last (NHWC).
 * Layers of classes without a rule here pass through: their outputs are unknown, and the layers
 * after them are checked only by TF.js (and by the output-shape check after building).
 *
 * Shape formulas follow Keras (`conv_utils.conv_output_length`, `deconv_output_length`, pooling,
 * merge broadcasting in `_Merge._compute_elemwise_op_output_shape`).
 */
import { formatBytes, formatInt } from '../report/format';
import type { Shape } from '../report/schema';
import { ModelFileError, preview, type ModelFileLocation } from './errors';
import { checkTopology, type Topology, type TopologyLayer } from './topology';

/** Largest tensor (one activation for batch 1, or one weight) accepted: 2^28 values = 1 GiB of float32. */
export const MAX_TENSOR_VALUES = 2 ** 28;
/** Largest total weight count accepted: 2^30 values = 4 GiB of float32. */
export const MAX_MODEL_WEIGHTS = 2 ** 30;

/** Dimensions of a tensor without the batch; undefined when unknown (after a layer without a rule). */
type Dims = number[] | undefined;

/** What the checks found for one layer (shared layers: one entry per call). */
export interface InferredLayer {
  /** Qualified name: `outer/inner` for layers of nested models. */
  path: string;
  className: string;
  /** Output shapes per call (NHWC, batch null); undefined where unknown. */
  outputs: (Shape | undefined)[][];
  /** Weight count (trainable + non-trainable); undefined when unknown (no rule, or unknown input). */
  params: number | undefined;
}

/** Result of `checkShapes`. */
export interface ShapeCheck {
  /** By qualified layer name. */
  layers: Map<string, InferredLayer>;
  /** Sum of the known weight counts. */
  knownParams: number;
  /** Output shapes of the model (undefined where unknown). */
  outputShapes: (Shape | undefined)[];
  /** Qualified names of layers without a rule here (their outputs are unknown). */
  unchecked: string[];
}

interface Ctx {
  file?: string;
  layers: Map<string, InferredLayer>;
  unchecked: string[];
  totalParams: { n: number };
}

/**
 * Checks every layer of `topology` (and of nested models) and infers its output shapes.
 * @throws ModelFileError for the first violated rule (see the module docstring).
 */
export function checkShapes(topology: Topology, file?: string): ShapeCheck {
  const ctx: Ctx = { file, layers: new Map(), unchecked: [], totalParams: { n: 0 } };
  const outputs = inferTopology(topology, undefined, '', ctx);
  return { layers: ctx.layers, knownParams: ctx.totalParams.n, outputShapes: outputs.map(toShape), unchecked: ctx.unchecked };
}

const toShape = (dims: Dims): Shape | undefined => (dims ? [null, ...dims] : undefined);

/** Infers a (nested) topology; `inputOverride` gives the shapes it is called with. Returns its output dims. */
function inferTopology(topology: Topology, inputOverride: Dims[] | undefined, prefix: string, ctx: Ctx): Dims[] {
  const order = checkTopology(topology, { file: ctx.file, prefix: prefix || undefined });
  const values = new Map<string, Dims[]>();
  const key = (layer: string, call: number): string => `${layer}\u0000${call}`;
  const inputIndex = new Map(topology.inputs.map((r, i) => [r.layer, i]));
  for (const { layer, call } of order) {
    const path = prefix ? `${prefix}/${layer.name}` : layer.name;
    const at = (field?: string): ModelFileLocation => ({ file: ctx.file, layer: path, className: layer.className, field });
    let outs: Dims[];
    let params: number | undefined = 0;
    if (layer.className === 'InputLayer') {
      const declared = (layer.config.batch_input_shape as (number | null)[]).slice(1) as number[];
      const override = inputOverride?.[inputIndex.get(layer.name) ?? -1];
      outs = [override ?? declared];
    } else {
      const ins = layer.calls[call].inputs.map((r) => values.get(key(r.layer, r.call))?.[r.tensor]);
      if (layer.model) {
        outs = inferTopology(layer.model, ins, path, ctx);
        params = undefined; // counted inside
      } else {
        const rule = RULES[layer.className];
        if (!rule) {
          if (!ctx.unchecked.includes(path)) ctx.unchecked.push(path);
          outs = [undefined];
          params = undefined;
        } else if (ins.some((d) => d === undefined)) {
          outs = [undefined];
          params = undefined;
        } else {
          const result = rule(layer.config, ins as number[][], at);
          outs = [result.out];
          params = result.params ?? 0;
        }
      }
    }
    const previous = ctx.layers.get(path);
    if (!previous && params !== undefined) checkWeights(params, layer, at, ctx);
    for (const dims of outs) if (dims) checkSize(dims, () => at(layer.className === 'InputLayer' ? 'batch_input_shape' : 'output shape'));
    if (previous) previous.outputs.push(outs.map(toShape));
    else ctx.layers.set(path, { path, className: layer.model ? 'Functional' : layer.className, outputs: [outs.map(toShape)], params });
    values.set(key(layer.name, call), outs);
  }
  return topology.outputs.map((r) => values.get(key(r.layer, r.call))?.[r.tensor]);
}

function product(dims: number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** An activation must have positive sizes and fit in memory. */
function checkSize(dims: number[], at: () => ModelFileLocation): void {
  const bad = dims.findIndex((d) => !(d >= 1));
  if (bad >= 0) throw new ModelFileError(`the output shape [null, ${dims.join(', ')}] has a dimension of ${dims[bad]}; sizes must be positive`, at());
  const values = product(dims);
  if (values > MAX_TENSOR_VALUES) {
    throw new ModelFileError(
      `the output [null, ${dims.join(', ')}] holds ${formatInt(values)} values per image (${formatBytes(values * 4)} as float32), more than the ${formatInt(MAX_TENSOR_VALUES)} a tensor may hold here; the sizes are absurd or the model is far too large to profile`,
      at(),
    );
  }
}

function checkWeights(params: number, layer: TopologyLayer, at: (field?: string) => ModelFileLocation, ctx: Ctx): void {
  if (params > MAX_TENSOR_VALUES) {
    throw new ModelFileError(
      `needs ${formatInt(params)} weights (${formatBytes(params * 4)} as float32), more than the ${formatInt(MAX_TENSOR_VALUES)} a tensor may hold here; the sizes are absurd`,
      at(layer.className === 'Dense' ? 'units' : 'filters'),
    );
  }
  ctx.totalParams.n += params;
  if (ctx.totalParams.n > MAX_MODEL_WEIGHTS) {
    throw new ModelFileError(`the model needs more than ${formatInt(MAX_MODEL_WEIGHTS)} weights (${formatBytes(MAX_MODEL_WEIGHTS * 4)} as float32) by this layer; too large to profile`, at());
  }
}

// ---------------------------------------------------------------------------------------------
// Config readers

type At = (field?: string) => ModelFileLocation;
type Config = Record<string, unknown>;

function positiveInt(config: Config, field: string, at: At, fallback?: number): number {
  const v = config[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ModelFileError(`expected a positive integer, got ${preview(v)}`, at(field));
  if (v <= 0) throw new ModelFileError(`must be positive, got ${v}`, at(field));
  return v;
}

/** An int or a list of one or two ints (height, width), each >= min. */
function pair(config: Config, field: string, at: At, fallback: number | undefined, min = 1): [number, number] {
  const v = config[field] ?? fallback;
  const list = typeof v === 'number' ? [v, v] : Array.isArray(v) && (v.length === 1 || v.length === 2) ? [v[0], v[v.length - 1]] : undefined;
  if (!list || list.some((x) => typeof x !== 'number' || !Number.isInteger(x))) {
    throw new ModelFileError(`expected an integer or a pair of integers, got ${preview(v)}`, at(field));
  }
  const [a, b] = list as [number, number];
  if (a < min || b < min) {
    if (field === 'dilation_rate') throw new ModelFileError(`a dilation rate of ${preview(v)} is not allowed; it must be at least 1 (1 = no dilation)`, at(field));
    throw new ModelFileError(min >= 1 ? `must be positive, got ${preview(v)}` : `must not be negative, got ${preview(v)}`, at(field));
  }
  return [a, b];
}

function paddingMode(config: Config, at: At): 'valid' | 'same' {
  const v = typeof config.padding === 'string' ? config.padding.toLowerCase() : config.padding ?? 'valid';
  if (v !== 'valid' && v !== 'same') throw new ModelFileError(`expected "valid" or "same", got ${preview(config.padding)}`, at('padding'));
  return v;
}

function channelsLast(config: Config, at: At): void {
  const f = config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') {
    throw new ModelFileError(`data_format ${preview(f)} is not supported; the analysis and profiling use NHWC (channels_last)`, at('data_format'));
  }
}

function rank(dims: number[], expected: number, at: At, what = 'input'): void {
  if (dims.length !== expected - 1) {
    throw new ModelFileError(`expects a ${expected}-D ${expected === 4 ? 'NHWC ' : ''}${what}, got [null, ${dims.join(', ')}]`, at('input'));
  }
}

function bool(config: Config, field: string, fallback: boolean): boolean {
  return typeof config[field] === 'boolean' ? (config[field] as boolean) : fallback;
}

/** Keras `conv_output_length`; throws when a valid-padded window does not fit. */
function windowOutput(input: [number, number], window: [number, number], strides: [number, number], dilation: [number, number], padding: 'valid' | 'same', field: string, at: At): [number, number] {
  const effective: [number, number] = [(window[0] - 1) * dilation[0] + 1, (window[1] - 1) * dilation[1] + 1];
  if (padding === 'same') return [Math.ceil(input[0] / strides[0]), Math.ceil(input[1] / strides[1])];
  if (input[0] < effective[0] || input[1] < effective[1]) {
    const dilated = dilation[0] > 1 || dilation[1] > 1 ? ` (${effective[0]}x${effective[1]} with dilation)` : '';
    throw new ModelFileError(
      `${field} ${window[0]}x${window[1]}${dilated} is larger than its input ${input[0]}x${input[1]} with padding "valid"; pad the input or use padding "same"`,
      at(field),
    );
  }
  return [Math.floor((input[0] - effective[0]) / strides[0]) + 1, Math.floor((input[1] - effective[1]) / strides[1]) + 1];
}

/** Reads strides and dilation of a conv and applies Keras's rule that they are not both > 1. */
function stridesAndDilation(config: Config, at: At): { strides: [number, number]; dilation: [number, number] } {
  const strides = pair(config, 'strides', at, 1);
  const dilation = pair(config, 'dilation_rate', at, 1);
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new ModelFileError(`strides ${preview(config.strides)} > 1 cannot be combined with dilation_rate ${preview(config.dilation_rate)} > 1 (Keras's rule)`, at('strides'));
  }
  return { strides, dilation };
}

/** `[[top, bottom], [left, right]]` from an int, a pair, or a pair of pairs (ZeroPadding2D, Cropping2D). */
function sides(config: Config, field: string, at: At, fallback: number): [[number, number], [number, number]] {
  const v = config[field] ?? fallback;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
  let result: [[number, number], [number, number]] | undefined;
  if (ok(v)) result = [[v, v], [v, v]];
  else if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) result = [[v[0], v[0]], [v[1], v[1]]];
  else if (Array.isArray(v) && v.length === 2 && v.every((p) => Array.isArray(p) && p.length === 2 && ok(p[0]) && ok(p[1]))) {
    result = [[v[0][0], v[0][1]], [v[1][0], v[1][1]]] as [[number, number], [number, number]];
  }
  if (!result) throw new ModelFileError(`expected an integer, [rows, columns] or [[top, bottom], [left, right]], got ${preview(v)}`, at(field));
  if (result.flat().some((x) => x < 0)) throw new ModelFileError(`must not be negative, got ${preview(v)}`, at(field));
  return result;
}

/** Normalises an axis (negative counts from the end) of a shape of rank `rank` (batch included). */
function axisOf(value: unknown, rankWithBatch: number, field: string, at: At): number {
  const axis = typeof value === 'number' ? value : Array.isArray(value) && value.length === 1 && typeof value[0] === 'number' ? value[0] : undefined;
  if (axis === undefined || !Number.isInteger(axis)) throw new ModelFileError(`expected an axis (an integer), got ${preview(value)}`, at(field));
  const a = axis < 0 ? axis + rankWithBatch : axis;
  if (a < 1 || a >= rankWithBatch) throw new ModelFileError(`axis ${axis} is out of range for a ${rankWithBatch}-D input (the batch axis 0 is not allowed)`, at(field));
  return a;
}

// ---------------------------------------------------------------------------------------------
// Rules: output dims (batch excluded) and weight count from the config and the input dims.

type Rule = (config: Config, inputs: number[][], at: At) => { out: number[]; params?: number };

const identity: Rule = (_config, inputs) => ({ out: inputs[0] });

function elementwise(min: number, max = Infinity): Rule {
  return (_config, inputs, at) => {
    if (inputs.length < min || inputs.length > max) {
      throw new ModelFileError(`takes ${max === min ? min : `at least ${min}`} inputs, got ${inputs.length}`, at('inbound_nodes'));
    }
    let out = inputs[0];
    for (const next of inputs.slice(1)) {
      const [long, short] = out.length >= next.length ? [out, next] : [next, out];
      const head = long.slice(0, long.length - short.length);
      const tail = long.slice(long.length - short.length).map((d, i) => {
        const e = short[i];
        if (d === e || e === 1) return d;
        if (d === 1) return e;
        throw new ModelFileError(`cannot combine inputs of shapes [null, ${out.join(', ')}] and [null, ${next.join(', ')}] element-wise`, at('inbound_nodes'));
      });
      out = [...head, ...tail];
    }
    return { out };
  };
}

function conv2d(config: Config, [input]: number[][], at: At): { out: number[]; params: number } {
  channelsLast(config, at);
  rank(input, 4, at);
  const filters = positiveInt(config, 'filters', at);
  const kernel = pair(config, 'kernel_size', at, undefined);
  const { strides, dilation } = stridesAndDilation(config, at);
  const groups = positiveInt(config, 'groups', at, 1);
  const cin = input[2];
  if (cin % groups !== 0 || filters % groups !== 0) {
    throw new ModelFileError(`groups ${groups} must divide both the input channels (${cin}) and filters (${filters})`, at('groups'));
  }
  const [h, w] = windowOutput([input[0], input[1]], kernel, strides, dilation, paddingMode(config, at), 'kernel_size', at);
  const bias = bool(config, 'use_bias', true) ? filters : 0;
  return { out: [h, w, filters], params: kernel[0] * kernel[1] * (cin / groups) * filters + bias };
}

function depthwise(config: Config, [input]: number[][], at: At): { out: number[]; params: number } {
  channelsLast(config, at);
  rank(input, 4, at);
  const dm = positiveInt(config, 'depth_multiplier', at, 1);
  const kernel = pair(config, 'kernel_size', at, undefined);
  const { strides, dilation } = stridesAndDilation(config, at);
  const [h, w] = windowOutput([input[0], input[1]], kernel, strides, dilation, paddingMode(config, at), 'kernel_size', at);
  const cout = input[2] * dm;
  return { out: [h, w, cout], params: kernel[0] * kernel[1] * cout + (bool(config, 'use_bias', true) ? cout : 0) };
}

function separable(config: Config, inputs: number[][], at: At): { out: number[]; params: number } {
  const dw = depthwise(config, inputs, at);
  const filters = positiveInt(config, 'filters', at);
  const cin = inputs[0][2];
  const dm = positiveInt(config, 'depth_multiplier', at, 1);
  const kernel = pair(config, 'kernel_size', at, undefined);
  const bias = bool(config, 'use_bias', true) ? filters : 0;
  return { out: [dw.out[0], dw.out[1], filters], params: kernel[0] * kernel[1] * cin * dm + cin * dm * filters + bias };
}

function pooling(config: Config, [input]: number[][], at: At): { out: number[] } {
  channelsLast(config, at);
  rank(input, 4, at);
  const pool = pair(config, 'pool_size', at, 2);
  const strides = config.strides === null || config.strides === undefined ? pool : pair(config, 'strides', at, undefined);
  const [h, w] = windowOutput([input[0], input[1]], pool, strides, [1, 1], paddingMode(config, at), 'pool_size', at);
  return { out: [h, w, input[2]] };
}

function globalPooling(config: Config, [input]: number[][], at: At): { out: number[] } {
  channelsLast(config, at);
  rank(input, 4, at);
  return { out: bool(config, 'keepdims', false) ? [1, 1, input[2]] : [input[2]] };
}

const RULES: Record<string, Rule> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwise,
  SeparableConv2D: separable,
  Conv2DTranspose: (config, [input], at) => {
    channelsLast(config, at);
    rank(input, 4, at);
    const filters = positiveInt(config, 'filters', at);
    const kernel = pair(config, 'kernel_size', at, undefined);
    const { strides } = stridesAndDilation(config, at);
    const padding = paddingMode(config, at);
    // Keras `deconv_output_length` (and TF.js's deconvLength) without output_padding.
    const length = (n: number, k: number, s: number): number => (padding === 'same' ? n * s : n * s + Math.max(k - s, 0));
    const bias = bool(config, 'use_bias', true) ? filters : 0;
    return { out: [length(input[0], kernel[0], strides[0]), length(input[1], kernel[1], strides[1]), filters], params: kernel[0] * kernel[1] * filters * input[2] + bias };
  },
  Dense: (config, [input], at) => {
    const units = positiveInt(config, 'units', at);
    const cin = input[input.length - 1];
    return { out: [...input.slice(0, -1), units], params: cin * units + (bool(config, 'use_bias', true) ? units : 0) };
  },
  BatchNormalization: (config, [input], at) => {
    const axis = axisOf(config.axis ?? -1, input.length + 1, 'axis', at);
    const c = input[axis - 1];
    return { out: input, params: c * ((bool(config, 'scale', true) ? 1 : 0) + (bool(config, 'center', true) ? 1 : 0) + 2) };
  },
  LayerNormalization: (config, [input], at) => {
    const axes = Array.isArray(config.axis) ? config.axis : [config.axis ?? -1];
    const size = axes.reduce<number>((n, a) => n * input[axisOf(a, input.length + 1, 'axis', at) - 1], 1);
    return { out: input, params: size * ((bool(config, 'scale', true) ? 1 : 0) + (bool(config, 'center', true) ? 1 : 0)) };
  },
  ZeroPadding2D: (config, [input], at) => {
    channelsLast(config, at);
    rank(input, 4, at);
    const [[t, b], [l, r]] = sides(config, 'padding', at, 1);
    return { out: [input[0] + t + b, input[1] + l + r, input[2]] };
  },
  Cropping2D: (config, [input], at) => {
    channelsLast(config, at);
    rank(input, 4, at);
    const [[t, b], [l, r]] = sides(config, 'cropping', at, 0);
    const out = [input[0] - t - b, input[1] - l - r, input[2]];
    if (out[0] < 1 || out[1] < 1) throw new ModelFileError(`cropping ${preview(config.cropping)} removes all of its ${input[0]}x${input[1]} input`, at('cropping'));
    return { out };
  },
  MaxPooling2D: pooling,
  AveragePooling2D: pooling,
  GlobalMaxPooling2D: globalPooling,
  GlobalAveragePooling2D: globalPooling,
  UpSampling2D: (config, [input], at) => {
    channelsLast(config, at);
    rank(input, 4, at);
    const [sh, sw] = pair(config, 'size', at, 2);
    return { out: [input[0] * sh, input[1] * sw, input[2]] };
  },
  Flatten: (_config, [input]) => ({ out: [product(input)] }),
  Reshape: (config, [input], at) => {
    const target = config.target_shape;
    if (!Array.isArray(target) || target.length === 0 || target.some((d) => typeof d !== 'number' || !Number.isInteger(d))) {
      throw new ModelFileError(`expected a list of integers, got ${preview(target)}`, at('target_shape'));
    }
    const dims = target as number[];
    const unknown = dims.filter((d) => d === -1).length;
    if (unknown > 1 || dims.some((d) => d === 0 || d < -1)) throw new ModelFileError(`sizes must be positive (one -1 is allowed), got ${preview(target)}`, at('target_shape'));
    const known = product(dims.filter((d) => d !== -1));
    const values = product(input);
    if (unknown ? values % known !== 0 : values !== known) {
      throw new ModelFileError(`cannot reshape [null, ${input.join(', ')}] (${formatInt(values)} values) into ${preview(target)}`, at('target_shape'));
    }
    return { out: dims.map((d) => (d === -1 ? values / known : d)) };
  },
  Permute: (config, [input], at) => {
    const dims = config.dims;
    const sorted = Array.isArray(dims) ? [...(dims as number[])].sort((a, b) => a - b) : [];
    if (!Array.isArray(dims) || dims.length !== input.length || sorted.some((d, i) => d !== i + 1)) {
      throw new ModelFileError(`expected a permutation of 1..${input.length}, got ${preview(dims)}`, at('dims'));
    }
    return { out: (dims as number[]).map((d) => input[d - 1]) };
  },
  RepeatVector: (config, [input], at) => {
    rank(input, 2, at);
    return { out: [positiveInt(config, 'n', at), input[0]] };
  },
  Concatenate: (config, inputs, at) => {
    if (inputs.length < 2) throw new ModelFileError(`takes at least 2 inputs, got ${inputs.length}`, at('inbound_nodes'));
    const axis = axisOf(config.axis ?? -1, inputs[0].length + 1, 'axis', at) - 1;
    const out = [...inputs[0]];
    for (const next of inputs.slice(1)) {
      if (next.length !== out.length || next.some((d, i) => i !== axis && d !== out[i])) {
        throw new ModelFileError(`cannot concatenate [null, ${inputs[0].join(', ')}] and [null, ${next.join(', ')}] along axis ${String(config.axis ?? -1)}`, at('inbound_nodes'));
      }
      out[axis] += next[axis];
    }
    return { out };
  },
  Add: elementwise(2),
  Multiply: elementwise(2),
  Average: elementwise(2),
  Maximum: elementwise(2),
  Minimum: elementwise(2),
  Subtract: elementwise(2, 2),
  PReLU: (config, [input]) => {
    const shared = Array.isArray(config.shared_axes) ? (config.shared_axes as number[]) : typeof config.shared_axes === 'number' ? [config.shared_axes] : [];
    return { out: input, params: product(input.map((d, i) => (shared.includes(i + 1) ? 1 : d))) };
  },
  Activation: identity,
  ReLU: identity,
  LeakyReLU: identity,
  ELU: identity,
  ThresholdedReLU: identity,
  Softmax: identity,
  Dropout: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Rescaling: identity,
};

