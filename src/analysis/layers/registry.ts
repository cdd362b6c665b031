/**
 * The layer registry: everything the product knows about each Keras layer class, in one table.
 * For a class, given its Keras config (snake_case, as Keras 2, Keras 3 and the TF.js converter
 * write it; Keras's defaults applied here) and the dims of its inputs (batch excluded), an entry
 * gives its output dims, its weights (names and shapes as Keras creates them), its MACs and
 * element-wise ops, its kind, and the short label the views show. Shape inference runs on the config alone,
 * before and without TF.js; what an engine builds is checked against it (analysis/engineCheck.ts).
 *
 * Counting conventions (README, "Counting conventions"): per image; 1 MAC = 2 FLOPs; MACs count
 * Conv2D, the depthwise and pointwise parts of SeparableConv2D, DepthwiseConv2D, Conv2DTranspose
 * and Dense only; bias adds, normalisation, activations, merges and pooling are element-wise ops.
 * K = kh x kw, Hout x Wout the output's spatial size, Cin / Cout channels:
 * - Conv2D: Hout*Wout*Cout * K*Cin/groups (Keras `Conv2D`; dilation does not change the count).
 * - DepthwiseConv2D: Hout*Wout*Cin*dm * K.
 * - SeparableConv2D (Xception paper, section 2): depthwise Hout*Wout*Cin*dm*K, then pointwise
 *   Hout*Wout*Cin*dm*Cout; its regular-conv twin costs Hout*Wout*Cout*K*Cin.
 * - Conv2DTranspose: Hin*Win*Cin * K*Cout (each input value is scattered through the kernel).
 * - Dense: input values * units.
 * Element-wise ops per output value: bias add 1; BatchNormalization 2 (inference BN is one
 * multiply and one add); LayerNormalization 6 + 1 per gamma / beta; activations as
 * activations.ts; Add / Multiply / Subtract / Maximum / Minimum inputs - 1, Average inputs;
 * MaxPooling2D K - 1 comparisons, AveragePooling2D K; global pooling one op per input value
 * (average: plus one divide per channel); UpSampling2D taps^2 multiplies and taps^2 - 1 adds
 * (nearest and area 0, bilinear 7, bicubic 31: resampling.ts); Rescaling 2.
 * Data movement (padding, cropping, reshapes, concatenation, dropout at inference) costs nothing.
 *
 * Shapes follow Keras: `conv_utils.conv_output_length`, `deconv_output_length` (with
 * `output_padding`), pooling, `_Merge._compute_elemwise_op_output_shape` broadcasting.
 */
import { formatInt } from '../../report/format';
import type { LayerKind } from '../../report/schema';
import { ModelFileError, preview } from '../../importers/errors';
import { activationName, activationOps, canonicalActivation } from './activations';
import { isInterpolation, resamplingOpsPerValue, UPSAMPLING_INTERPOLATIONS } from './resampling';
import {
  axisOf,
  bool,
  nhwcInput,
  pair,
  paddingMode,
  positiveInt,
  product,
  rank,
  sides,
  stridesAndDilation,
  windowOutput,
  type At,
  type Config,
} from './configReaders';


/** One weight tensor as Keras creates it (`kernel`, `bias`, `moving_mean`...). */
export interface WeightShape {
  name: string;
  shape: number[];
  /** False for weights training never updates (BN moving statistics). */
  trainable: boolean;
}

/** What one call of a layer produces and costs, per image. */
export interface CallResult {
  /** Output dims per output tensor, batch excluded. */
  outputs: number[][];
  /** The layer's weights (the same for every call). */
  weights: WeightShape[];
  macs: number;
  elementwiseOps: number;
  /** SeparableConv2D: the pointwise (1x1) part of `macs`. */
  pointwiseMacs?: number;
  /** SeparableConv2D: MACs of the regular Conv2D with the same input, kernel and output. */
  regularConvMacs?: number;
  /**
   * FLOPs as `tf.profiler`'s `float_ops` counts them, when not 2 x MACs: MaxPooling2D adds
   * K x output values (TensorFlow's `flops_registry.py`, `_pool_flops`).
   */
  tfProfilerFlops?: number;
}

/** One Keras layer class. */
export interface LayerSpec {
  kind: LayerKind;
  /** Config fields that change the output shape or the weights (named when an engine disagrees). */
  shapeFields: readonly string[];
  /**
   * One call: output dims, weights and cost from the config and the input dims (batch excluded).
   * @throws ModelFileError naming the field when the config or the inputs break Keras's rules.
   */
  call(config: Config, inputs: number[][], at: At): CallResult;
  /** Short label for the diagram (`SepConv 3x3, 728`, `MaxPool 3x3/2`, `BN`). */
  label(config: Config): string;
}

const values = (dims: number[]): number => product(dims);

/** `3x3` from a kernel or pool size field; `/2` for strides other than 1. */
function sizeLabel(config: Config, field: string): string {
  const v = config[field];
  const [h, w] = typeof v === 'number' ? [v, v] : Array.isArray(v) ? [v[0], v[v.length - 1]] : [undefined, undefined];
  const size = h === undefined ? '' : `${String(h)}x${String(w)}`;
  const s = config.strides;
  const sh = typeof s === 'number' ? s : Array.isArray(s) ? s[0] : undefined;
  return `${size}${typeof sh === 'number' && sh !== 1 ? `/${sh}` : ''}`;
}

/** Bias add and fused activation of a layer with `use_bias` and `activation`. */
function biasAndActivation(config: Config, outValues: number, biasDefault = true): number {
  return (bool(config, 'use_bias', biasDefault) ? outValues : 0) + activationOps(config.activation, outValues);
}

const bias = (config: Config, n: number): WeightShape[] => (bool(config, 'use_bias', true) ? [{ name: 'bias', shape: [n], trainable: true }] : []);

/** UpSampling2D's `interpolation` (default nearest), one of the names Keras accepts. */
function interpolationOf(config: Config, at: At): string {
  const v = config.interpolation ?? 'nearest';
  if (!isInterpolation(v)) throw new ModelFileError(`expected one of ${UPSAMPLING_INTERPOLATIONS.map((n) => `"${n}"`).join(', ')}, got ${preview(v)}`, at('interpolation'));
  return v;
}

function noWeights(outputs: number[][], elementwiseOps = 0): CallResult {
  return { outputs, weights: [], macs: 0, elementwiseOps };
}

/** A layer whose output is its first input (dropout at inference, identities). */
const identity = (kind: LayerKind, label: string): LayerSpec => ({
  kind,
  shapeFields: [],
  call: (_c, [input]) => noWeights([input]),
  label: () => label,
});

/** An element-wise activation layer whose ops per value are fixed. */
const activationLayer = (opsPerValue: (c: Config) => number, label: string): LayerSpec => ({
  kind: 'activation',
  shapeFields: [],
  call: (c, [input]) => noWeights([input], opsPerValue(c) * values(input)),
  label: () => label,
});

const relu = activationLayer((c) => (c.max_value != null ? 2 : 1), 'ReLU');

/** Element-wise merge with Keras's broadcasting; `opsPerInput` 1 for Average (sum, divide), else inputs - 1. */
function merge(label: string, min: number, max = Infinity, average = false): LayerSpec {
  return {
    kind: 'merge',
    shapeFields: [],
    call: (_c, inputs, at) => {
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
      return noWeights([out], (average ? inputs.length : inputs.length - 1) * values(out));
    },
    label: () => label,
  };
}

function conv2d(config: Config, [input]: number[][], at: At): CallResult {
  nhwcInput(config, input, at);
  const filters = positiveInt(config, 'filters', at);
  const kernel = pair(config, 'kernel_size', at, undefined);
  const { strides, dilation } = stridesAndDilation(config, at);
  const groups = positiveInt(config, 'groups', at, 1);
  const cin = input[2];
  if (cin % groups !== 0 || filters % groups !== 0) {
    throw new ModelFileError(`groups ${groups} must divide both the input channels (${cin}) and filters (${filters})`, at('groups'));
  }
  const [h, w] = windowOutput([input[0], input[1]], kernel, strides, dilation, paddingMode(config, at), 'kernel_size', at);
  const out = [h, w, filters];
  return {
    outputs: [out],
    weights: [{ name: 'kernel', shape: [kernel[0], kernel[1], cin / groups, filters], trainable: true }, ...bias(config, filters)],
    macs: h * w * filters * kernel[0] * kernel[1] * (cin / groups),
    elementwiseOps: biasAndActivation(config, values(out)),
  };
}

/** The depthwise part shared by DepthwiseConv2D and SeparableConv2D. */
function depthwisePart(config: Config, input: number[], at: At): { out: number[]; kernel: [number, number]; dm: number } {
  nhwcInput(config, input, at);
  const dm = positiveInt(config, 'depth_multiplier', at, 1);
  const kernel = pair(config, 'kernel_size', at, undefined);
  const { strides, dilation } = stridesAndDilation(config, at);
  const [h, w] = windowOutput([input[0], input[1]], kernel, strides, dilation, paddingMode(config, at), 'kernel_size', at);
  return { out: [h, w, input[2] * dm], kernel, dm };
}

function depthwise(config: Config, [input]: number[][], at: At): CallResult {
  const { out, kernel, dm } = depthwisePart(config, input, at);
  const cout = out[2];
  return {
    outputs: [out],
    weights: [{ name: 'depthwise_kernel', shape: [kernel[0], kernel[1], input[2], dm], trainable: true }, ...bias(config, cout)],
    macs: out[0] * out[1] * cout * kernel[0] * kernel[1],
    elementwiseOps: biasAndActivation(config, values(out)),
  };
}

function separable(config: Config, [input]: number[][], at: At): CallResult {
  const { out: dw, kernel, dm } = depthwisePart(config, input, at);
  const filters = positiveInt(config, 'filters', at);
  const cin = input[2];
  const spatial = dw[0] * dw[1];
  const k = kernel[0] * kernel[1];
  const depthwiseMacs = spatial * cin * dm * k;
  const pointwiseMacs = spatial * cin * dm * filters;
  const out = [dw[0], dw[1], filters];
  return {
    outputs: [out],
    weights: [
      { name: 'depthwise_kernel', shape: [kernel[0], kernel[1], cin, dm], trainable: true },
      { name: 'pointwise_kernel', shape: [1, 1, cin * dm, filters], trainable: true },
      ...bias(config, filters),
    ],
    macs: depthwiseMacs + pointwiseMacs,
    pointwiseMacs,
    regularConvMacs: spatial * filters * k * cin,
    elementwiseOps: biasAndActivation(config, values(out)),
  };
}

/** Keras `conv_utils.deconv_output_length`, with `output_padding` when given. */
function deconvLength(n: number, kernel: number, stride: number, padding: 'valid' | 'same', dilation: number, outputPadding: number | undefined): number {
  const k = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === undefined) return padding === 'same' ? n * stride : n * stride + Math.max(k - stride, 0);
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (n - 1) * stride + k - 2 * pad + outputPadding;
}

function conv2dTranspose(config: Config, [input]: number[][], at: At): CallResult {
  nhwcInput(config, input, at);
  const filters = positiveInt(config, 'filters', at);
  const kernel = pair(config, 'kernel_size', at, undefined);
  const { strides, dilation } = stridesAndDilation(config, at);
  const padding = paddingMode(config, at);
  const op = config.output_padding === null || config.output_padding === undefined ? undefined : pair(config, 'output_padding', at, undefined, 0);
  if (op && (op[0] >= strides[0] || op[1] >= strides[1])) {
    throw new ModelFileError(`output_padding ${preview(config.output_padding)} must be smaller than strides ${preview(config.strides ?? 1)} (Keras's rule)`, at('output_padding'));
  }
  const h = deconvLength(input[0], kernel[0], strides[0], padding, dilation[0], op?.[0]);
  const w = deconvLength(input[1], kernel[1], strides[1], padding, dilation[1], op?.[1]);
  const out = [h, w, filters];
  return {
    outputs: [out],
    weights: [{ name: 'kernel', shape: [kernel[0], kernel[1], filters, input[2]], trainable: true }, ...bias(config, filters)],
    macs: input[0] * input[1] * input[2] * kernel[0] * kernel[1] * filters,
    elementwiseOps: biasAndActivation(config, values(out)),
  };
}

function dense(config: Config, [input]: number[][], at: At): CallResult {
  const units = positiveInt(config, 'units', at);
  const cin = input[input.length - 1];
  const out = [...input.slice(0, -1), units];
  return {
    outputs: [out],
    weights: [{ name: 'kernel', shape: [cin, units], trainable: true }, ...bias(config, units)],
    macs: values(input) * units,
    elementwiseOps: biasAndActivation(config, values(out)),
  };
}

function pooling(max: boolean): LayerSpec {
  return {
    kind: 'pooling',
    shapeFields: ['pool_size', 'strides', 'padding'],
    call: (config, [input], at) => {
      nhwcInput(config, input, at);
      const pool = pair(config, 'pool_size', at, 2);
      const strides = config.strides === null || config.strides === undefined ? pool : pair(config, 'strides', at, undefined);
      const [h, w] = windowOutput([input[0], input[1]], pool, strides, [1, 1], paddingMode(config, at), 'pool_size', at);
      const out = [h, w, input[2]];
      const k = pool[0] * pool[1];
      const n = values(out);
      // Max: K - 1 comparisons per output value; average: K - 1 adds and a divide.
      return { ...noWeights([out], (max ? k - 1 : k) * n), ...(max ? { tfProfilerFlops: k * n } : {}) };
    },
    label: (c) => `${max ? 'MaxPool' : 'AvgPool'} ${sizeLabel({ ...c, pool_size: c.pool_size ?? 2 }, 'pool_size')}`,
  };
}

function globalPooling(max: boolean): LayerSpec {
  return {
    kind: 'pooling',
    shapeFields: ['keepdims'],
    call: (config, [input], at) => {
      nhwcInput(config, input, at);
      const c = input[2];
      // Average: one add per input value and one divide per channel; max: comparisons.
      return noWeights([bool(config, 'keepdims', false) ? [1, 1, c] : [c]], max ? values(input) - c : values(input) + c);
    },
    label: () => (max ? 'GlobalMaxPool' : 'GlobalAvgPool'),
  };
}

function batchNorm(config: Config, [input]: number[][], at: At): CallResult {
  const axis = axisOf(config.axis ?? -1, input.length + 1, 'axis', at);
  const c = input[axis - 1];
  const weights: WeightShape[] = [];
  if (bool(config, 'scale', true)) weights.push({ name: 'gamma', shape: [c], trainable: true });
  if (bool(config, 'center', true)) weights.push({ name: 'beta', shape: [c], trainable: true });
  weights.push({ name: 'moving_mean', shape: [c], trainable: false }, { name: 'moving_variance', shape: [c], trainable: false });
  return { outputs: [input], weights, macs: 0, elementwiseOps: 2 * values(input) };
}

function layerNorm(config: Config, [input]: number[][], at: At): CallResult {
  const axes = Array.isArray(config.axis) ? config.axis : [config.axis ?? -1];
  const size = axes.map((a) => input[axisOf(a, input.length + 1, 'axis', at) - 1]);
  const weights: WeightShape[] = [];
  // Keras's rms_scaling (Keras 3, tf.keras 2.13+): x / sqrt(var(x) + epsilon) x gamma, with gamma and no beta.
  const rms = bool(config, 'rms_scaling', false);
  if (bool(config, 'scale', true) || rms) weights.push({ name: 'gamma', shape: size, trainable: true });
  if (bool(config, 'center', true) && !rms) weights.push({ name: 'beta', shape: size, trainable: true });
  return { outputs: [input], weights, macs: 0, elementwiseOps: (6 + weights.length) * values(input) };
}

function reshape(config: Config, [input]: number[][], at: At): CallResult {
  const target = config.target_shape;
  if (!Array.isArray(target) || target.length === 0 || target.some((d) => typeof d !== 'number' || !Number.isInteger(d))) {
    throw new ModelFileError(`expected a list of integers, got ${preview(target)}`, at('target_shape'));
  }
  const dims = target as number[];
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1 || dims.some((d) => d === 0 || d < -1)) throw new ModelFileError(`sizes must be positive (one -1 is allowed), got ${preview(target)}`, at('target_shape'));
  const known = product(dims.filter((d) => d !== -1));
  const n = values(input);
  if (unknown ? n % known !== 0 : n !== known) {
    throw new ModelFileError(`cannot reshape [null, ${input.join(', ')}] (${formatInt(n)} values) into ${preview(target)}`, at('target_shape'));
  }
  return noWeights([dims.map((d) => (d === -1 ? n / known : d))]);
}

function concatenate(config: Config, inputs: number[][], at: At): CallResult {
  if (inputs.length < 2) throw new ModelFileError(`takes at least 2 inputs, got ${inputs.length}`, at('inbound_nodes'));
  const axis = axisOf(config.axis ?? -1, inputs[0].length + 1, 'axis', at) - 1;
  const out = [...inputs[0]];
  for (const next of inputs.slice(1)) {
    if (next.length !== out.length || next.some((d, i) => i !== axis && d !== out[i])) {
      throw new ModelFileError(`cannot concatenate [null, ${inputs[0].join(', ')}] and [null, ${next.join(', ')}] along axis ${String(config.axis ?? -1)}`, at('inbound_nodes'));
    }
    out[axis] += next[axis];
  }
  return noWeights([out]);
}

const CONV_FIELDS = ['filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', 'groups', 'use_bias'] as const;
const DEPTHWISE_FIELDS = ['kernel_size', 'strides', 'padding', 'dilation_rate', 'depth_multiplier', 'use_bias'] as const;

/**
 * TimeDistributed: its inner layer (`config.layer`, a `{class_name, config}`) applied to every step
 * of axis 1; costs the inner layer's cost once per step (Keras `TimeDistributed`).
 */
const timeDistributed: LayerSpec = {
  kind: 'wrapper',
  shapeFields: ['layer'],
  call: (config, [input], at) => {
    const inner = config.layer as { class_name?: unknown; config?: unknown } | undefined;
    const spec = typeof inner?.class_name === 'string' ? LAYERS[inner.class_name] : undefined;
    if (!spec || typeof inner?.config !== 'object' || inner.config === null) {
      throw new ModelFileError(`wraps ${preview(inner?.class_name)}, a layer class the analysis does not know`, at('layer'));
    }
    if (input.length < 2) throw new ModelFileError(`expects an input with a time axis, got [null, ${input.join(', ')}]`, at('input'));
    const steps = input[0];
    const one = spec.call(inner.config as Config, [input.slice(1)], (field) => at(field === undefined ? 'layer' : `layer.config.${field}`));
    return {
      ...one,
      outputs: one.outputs.map((o) => [steps, ...o]),
      macs: one.macs * steps,
      elementwiseOps: one.elementwiseOps * steps,
      ...(one.pointwiseMacs !== undefined ? { pointwiseMacs: one.pointwiseMacs * steps } : {}),
      ...(one.regularConvMacs !== undefined ? { regularConvMacs: one.regularConvMacs * steps } : {}),
      ...(one.tfProfilerFlops !== undefined ? { tfProfilerFlops: one.tfProfilerFlops * steps } : {}),
    };
  },
  label: (c) => {
    const inner = c.layer as { class_name?: unknown; config?: unknown } | undefined;
    const spec = typeof inner?.class_name === 'string' ? LAYERS[inner.class_name] : undefined;
    return spec ? `TimeDistributed(${spec.label(inner!.config as Config)})` : 'TimeDistributed';
  },
};

/** Human label of an activation for the diagram (`relu` -> `ReLU`). */
function activationLabel(c: Config): string {
  const name = activationName(c.activation);
  if (name === undefined) return 'Linear';
  const canonical = canonicalActivation(name);
  return canonical === 'relu' ? 'ReLU' : canonical;
}

/** The registry: one entry per Keras layer class (Keras 2 and 3 class names). */
export const LAYERS: Record<string, LayerSpec> = {
  InputLayer: { kind: 'input', shapeFields: ['batch_input_shape'], call: (_c, inputs) => noWeights(inputs), label: () => 'Input' },
  Conv2D: { kind: 'conv', shapeFields: CONV_FIELDS, call: conv2d, label: (c) => `Conv ${sizeLabel(c, 'kernel_size')}, ${String(c.filters)}${Number(c.groups ?? 1) > 1 ? `, groups ${String(c.groups)}` : ''}` },
  DepthwiseConv2D: { kind: 'depthwise', shapeFields: DEPTHWISE_FIELDS, call: depthwise, label: (c) => `DWConv ${sizeLabel(c, 'kernel_size')}` },
  SeparableConv2D: { kind: 'separable', shapeFields: [...DEPTHWISE_FIELDS, 'filters'], call: separable, label: (c) => `SepConv ${sizeLabel(c, 'kernel_size')}, ${String(c.filters)}` },
  Conv2DTranspose: {
    kind: 'transposed-conv',
    shapeFields: [...CONV_FIELDS, 'output_padding'],
    call: conv2dTranspose,
    label: (c) => `ConvT ${sizeLabel(c, 'kernel_size')}, ${String(c.filters)}`,
  },
  Dense: { kind: 'dense', shapeFields: ['units', 'use_bias'], call: dense, label: (c) => `Dense ${String(c.units)}` },
  BatchNormalization: { kind: 'normalization', shapeFields: ['axis', 'center', 'scale'], call: batchNorm, label: () => 'BN' },
  LayerNormalization: { kind: 'normalization', shapeFields: ['axis', 'center', 'scale', 'rms_scaling'], call: layerNorm, label: (c) => (c.rms_scaling === true ? 'LayerNorm (RMS)' : 'LayerNorm') },
  MaxPooling2D: pooling(true),
  AveragePooling2D: pooling(false),
  GlobalMaxPooling2D: globalPooling(true),
  GlobalAveragePooling2D: globalPooling(false),
  ZeroPadding2D: {
    kind: 'data-movement',
    shapeFields: ['padding'],
    call: (config, [input], at) => {
      nhwcInput(config, input, at);
      const [[t, b], [l, r]] = sides(config, 'padding', at, 1);
      return noWeights([[input[0] + t + b, input[1] + l + r, input[2]]]);
    },
    label: () => 'ZeroPad',
  },
  Cropping2D: {
    kind: 'data-movement',
    shapeFields: ['cropping'],
    call: (config, [input], at) => {
      nhwcInput(config, input, at);
      const [[t, b], [l, r]] = sides(config, 'cropping', at, 0);
      const out = [input[0] - t - b, input[1] - l - r, input[2]];
      if (out[0] < 1 || out[1] < 1) throw new ModelFileError(`cropping ${preview(config.cropping)} removes all of its ${input[0]}x${input[1]} input`, at('cropping'));
      return noWeights([out]);
    },
    label: () => 'Crop',
  },
  UpSampling2D: {
    kind: 'data-movement',
    shapeFields: ['size'],
    call: (config, [input], at) => {
      nhwcInput(config, input, at);
      const [sh, sw] = pair(config, 'size', at, 2);
      const out = [input[0] * sh, input[1] * sw, input[2]];
      return noWeights([out], resamplingOpsPerValue(interpolationOf(config, at)) * values(out));
    },
    label: (c) => `UpSample ${sizeLabel({ size: c.size ?? 2 }, 'size')}`,
  },
  Flatten: { kind: 'data-movement', shapeFields: [], call: (_c, [input]) => noWeights([[values(input)]]), label: () => 'Flatten' },
  Reshape: { kind: 'data-movement', shapeFields: ['target_shape'], call: reshape, label: () => 'Reshape' },
  Permute: {
    kind: 'data-movement',
    shapeFields: ['dims'],
    call: (config, [input], at) => {
      const dims = config.dims;
      const sorted = Array.isArray(dims) ? [...(dims as number[])].sort((a, b) => a - b) : [];
      if (!Array.isArray(dims) || dims.length !== input.length || sorted.some((d, i) => d !== i + 1)) {
        throw new ModelFileError(`expected a permutation of 1..${input.length}, got ${preview(dims)}`, at('dims'));
      }
      return noWeights([(dims as number[]).map((d) => input[d - 1])]);
    },
    label: () => 'Permute',
  },
  RepeatVector: {
    kind: 'data-movement',
    shapeFields: ['n'],
    call: (config, [input], at) => {
      rank(input, 2, at);
      return noWeights([[positiveInt(config, 'n', at), input[0]]]);
    },
    label: () => 'Repeat',
  },
  Concatenate: { kind: 'data-movement', shapeFields: ['axis'], call: concatenate, label: () => 'Concat' },
  Add: merge('+', 2),
  Multiply: merge('×', 2),
  Average: merge('Avg', 2, Infinity, true),
  Maximum: merge('Max', 2),
  Minimum: merge('Min', 2),
  Subtract: merge('−', 2, 2),
  Activation: { kind: 'activation', shapeFields: [], call: (c, [input]) => noWeights([input], activationOps(c.activation, values(input))), label: activationLabel },
  ReLU: {
    ...relu,
    call: (config, inputs, at) => {
      // Keras's ReLU.__init__ refuses negative values of these, and None but for max_value (TF.js
      // would fail at run time, in clip, or compute something else).
      for (const field of ['max_value', 'negative_slope', 'threshold']) {
        const v = config[field];
        if (v === undefined || (v === null && field === 'max_value')) continue;
        if (!(typeof v === 'number' && v >= 0)) throw new ModelFileError(`must be a number of at least 0 (Keras's ReLU), got ${preview(v)}`, at(field));
      }
      return relu.call(config, inputs, at);
    },
  },
  LeakyReLU: activationLayer(() => 2, 'LeakyReLU'),
  ELU: activationLayer(() => 3, 'ELU'),
  ThresholdedReLU: activationLayer(() => 2, 'ThresholdedReLU'),
  Softmax: activationLayer(() => 3, 'Softmax'),
  PReLU: {
    kind: 'activation',
    shapeFields: ['shared_axes'],
    call: (config, [input]) => {
      const shared = Array.isArray(config.shared_axes) ? (config.shared_axes as number[]) : typeof config.shared_axes === 'number' ? [config.shared_axes] : [];
      return { outputs: [input], weights: [{ name: 'alpha', shape: input.map((d, i) => (shared.includes(i + 1) ? 1 : d)), trainable: true }], macs: 0, elementwiseOps: 2 * values(input) };
    },
    label: () => 'PReLU',
  },
  Rescaling: activationLayer(() => 2, 'Rescale'),
  Dropout: identity('data-movement', 'Dropout'),
  SpatialDropout1D: identity('data-movement', 'Dropout'),
  SpatialDropout2D: identity('data-movement', 'Dropout'),
  GaussianNoise: identity('data-movement', 'Noise'),
  GaussianDropout: identity('data-movement', 'Dropout'),
  AlphaDropout: identity('data-movement', 'Dropout'),
  ActivityRegularization: identity('data-movement', 'Identity'),
  Identity: identity('data-movement', 'Identity'),
  TimeDistributed: timeDistributed,
};

/** The registry entry of a Keras class, or undefined when the class is not known. */
export function layerSpec(className: string): LayerSpec | undefined {
  return Object.prototype.hasOwnProperty.call(LAYERS, className) ? LAYERS[className] : undefined;
}
