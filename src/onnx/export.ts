/**
 * ONNX export of a built TF.js LayersModel (Xception, or any model file the analysis supports),
 * weights included, for ONNX Runtime.
 *
 * Layout: Keras / TF.js tensors are NHWC; ONNX's Conv, pooling and BatchNormalization are NCHW.
 * As tf2onnx does, the graph transposes each 4-D model input NHWC -> NCHW once, computes in NCHW
 * inside, and transposes each 4-D model output back to NHWC, so the exported model takes and
 * returns exactly what the Keras model does. Layers whose meaning depends on the memory order
 * (Flatten, Reshape, Dense on 4-D input) transpose to NHWC around themselves.
 *
 * Names: every ONNX node is named after the Keras layer it computes: the layer name itself for a
 * layer of one node (`block1_conv1`), `<layer>/<part>` for a layer of several (`block4_sepconv2/
 * depthwise`, `block4_sepconv2/pointwise`), `<layer>#<k>` for the k-th call of a shared layer.
 * `nodeLayers` gives the layer of every node (the top-level layer for nodes of a nested model), so
 * nothing needs to parse names. Each node's doc_string names the Keras layer and class.
 *
 * Operators (ONNX opset 17, https://onnx.ai/onnx/operators/): SeparableConv2D = a grouped Conv
 * (group = input channels, the depthwise part) followed by a 1x1 Conv (the pointwise part), as
 * in the Xception paper and Keras; `same` padding becomes explicit pads computed as TensorFlow
 * does (total = max((ceil(in / s) - 1) * s + (k - 1) * d + 1 - in, 0), the smaller half before).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { isInterpolation, resamplingMatrix } from '../analysis/layers/resampling';
import { floatTensor, int64Tensor, IR_VERSION, node, OPSET_VERSION, encodeModel, valueInfo, type AttributeValue, type onnx } from './proto';

type LayersModel = tfTypes.LayersModel;
type Layer = tfTypes.layers.Layer;
type SymbolicTensor = tfTypes.SymbolicTensor;
type Node = Layer['inboundNodes'][number];

/** A layer the exporter has no ONNX translation for, or a config it cannot express. */
export class OnnxExportError extends Error {
  constructor(message: string, readonly layer?: string) {
    super(layer ? `ONNX export: layer "${layer}": ${message}` : `ONNX export: ${message}`);
    this.name = 'OnnxExportError';
  }
}

/** The exported model and how its nodes map back to Keras layers. */
export interface OnnxExport {
  /** Serialised ModelProto (a `.onnx` file's bytes). */
  bytes: Uint8Array;
  /** ONNX node name -> Keras layer name (the top-level layer for nodes of a nested model). */
  nodeLayers: Map<string, string>;
  /** ONNX node name -> what part of its layer the node computes (`conv`, `depthwise`, `pointwise`, `bn`, `activation`...). */
  nodeRoles: Map<string, string>;
  /** Graph input names (the Keras input layer names), NHWC, batch dimension `N`. */
  inputNames: string[];
  /** Graph output names (the Keras output layer names), NHWC like the Keras model's outputs. */
  outputNames: string[];
}

/** A value in the graph: its ONNX name and rank; rank-4 values are NCHW inside the graph. */
interface Value {
  name: string;
  rank: number;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** NHWC axis -> NCHW axis for rank-4 values. */
const NHWC_AXIS_IN_NCHW = [0, 2, 3, 1];

/** A row-major [rows, columns] matrix as [columns, rows]. */
function transposed(m: Float64Array, rows: number, columns: number): Float64Array {
  const t = new Float64Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) t[c * rows + r] = m[r * columns + c];
  return t;
}

function pair(v: unknown, name: string, layer: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length >= 1) return [Number(v[0]), Number(v[1] ?? v[0])];
  throw new OnnxExportError(`${name} ${JSON.stringify(v)} is not a number or a pair`, layer);
}

/** Per-side pads of TensorFlow's `same` padding along one axis (TF `GetWindowedOutputSize`). */
export function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Weights of a layer by their short name (`kernel`, `bias`, `gamma`, `moving_mean`...), with shapes. */
function weightsOf(layer: Layer): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  const values = layer.getWeights();
  layer.weights.forEach((w, i) => {
    const short = (w.originalName ?? w.name).split('/').pop()!.replace(/:\d+$/, '').replace(/_\d+$/, '');
    out.set(short, { shape: w.shape as number[], values: values[i].dataSync() as Float32Array });
  });
  return out;
}

/** Reorders a row-major array of `shape` by `perm` (numpy `transpose`). */
export function transposeArray(values: Float32Array, shape: number[], perm: number[]): { shape: number[]; values: Float32Array } {
  const outShape = perm.map((p) => shape[p]);
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const stridesInOutOrder = perm.map((p) => inStrides[p]);
  const out = new Float32Array(values.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * stridesInOutOrder[d];
    out[o] = values[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return { shape: outShape, values: out };
}

/** Builds the graph: nodes, initializers, the node -> layer maps. */
class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly nodeLayers = new Map<string, string>();
  readonly nodeRoles = new Map<string, string>();
  private readonly usedNames = new Set<string>();

  /** A name not used yet (`base`, else `base_1`, `base_2`...). */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  add(opType: string, inputs: string[], output: string, name: string, layer: { name: string; className: string }, role: string, attrs: Record<string, AttributeValue | undefined> = {}): string {
    const nodeName = this.unique(name);
    this.nodes.push(node(opType, inputs, [output], nodeName, attrs, `Keras layer ${layer.name} (${layer.className}): ${role}`));
    this.nodeLayers.set(nodeName, layer.name);
    this.nodeRoles.set(nodeName, role);
    return output;
  }

  weight(name: string, dims: number[], values: Float32Array): string {
    const unique = this.unique(name);
    this.initializers.push(floatTensor(unique, dims, values));
    return unique;
  }

  ints(name: string, values: number[]): string {
    const unique = this.unique(name);
    this.initializers.push(int64Tensor(unique, values));
    return unique;
  }
}

/** One Keras layer call being translated: its builder, names and helpers. */
class LayerCall {
  private parts = 0;
  constructor(
    readonly g: GraphBuilder,
    readonly layer: Layer,
    /** Base name of this call's nodes (`<layer>` or `<layer>#2`). */
    readonly base: string,
    /** Keras layer that the report times (the top-level one for nested models). */
    readonly reportLayer: { name: string; className: string },
    readonly config: Record<string, unknown>,
  ) {}

  fail(message: string): never {
    throw new OnnxExportError(message, this.layer.name);
  }

  /** Adds a node; the first node of the call is named `base` when it is the only one (see `finish`). */
  op(opType: string, inputs: string[], role: string, attrs: Record<string, AttributeValue | undefined> = {}): string {
    const name = `${this.base}/${role}`;
    this.parts++;
    return this.g.add(opType, inputs, this.g.unique(`${name}:0`), name, this.reportLayer, role, attrs);
  }

  /** Renames the only node of a one-node call to the plain layer name (the common case). */
  finish(firstNode: number): void {
    if (this.parts !== 1) return;
    const n = this.g.nodes[firstNode];
    const role = this.g.nodeRoles.get(n.name!)!;
    this.g.nodeLayers.delete(n.name!);
    this.g.nodeRoles.delete(n.name!);
    const name = this.g.unique(this.base);
    n.name = name;
    this.g.nodeLayers.set(name, this.reportLayer.name);
    this.g.nodeRoles.set(name, role);
  }

  weight(part: string, dims: number[], values: Float32Array): string {
    return this.g.weight(`${this.layer.name}/${part}`, dims, values);
  }

  /** Applies the Keras `activation` of the layer config (linear = nothing). */
  activation(x: Value, activation = this.config.activation as string | undefined): Value {
    const a = activation ?? 'linear';
    const softmaxAxis = x.rank === 4 ? 1 : -1; // Keras applies softmax on the last (channel) axis.
    switch (a) {
      case 'linear':
        return x;
      case 'relu':
        return { ...x, name: this.op('Relu', [x.name], 'activation') };
      case 'relu6':
        return { ...x, name: this.op('Clip', [x.name, this.scalar('min', 0), this.scalar('max', 6)], 'activation') };
      case 'sigmoid':
        return { ...x, name: this.op('Sigmoid', [x.name], 'activation') };
      case 'tanh':
        return { ...x, name: this.op('Tanh', [x.name], 'activation') };
      case 'softmax':
        return { ...x, name: this.op('Softmax', [x.name], 'activation', { axis: softmaxAxis }) };
      case 'elu':
        return { ...x, name: this.op('Elu', [x.name], 'activation', { alpha: { float: 1 } }) };
      case 'selu':
        return { ...x, name: this.op('Selu', [x.name], 'activation') };
      case 'softplus':
        return { ...x, name: this.op('Softplus', [x.name], 'activation') };
      case 'softsign':
        return { ...x, name: this.op('Softsign', [x.name], 'activation') };
      case 'hardSigmoid':
      case 'hard_sigmoid':
        // Keras / TF.js: clip(0.2 x + 0.5, 0, 1) = ONNX HardSigmoid's defaults.
        return { ...x, name: this.op('HardSigmoid', [x.name], 'activation', { alpha: { float: 0.2 }, beta: { float: 0.5 } }) };
      case 'swish':
      case 'silu': {
        const s = this.op('Sigmoid', [x.name], 'activation_sigmoid');
        return { ...x, name: this.op('Mul', [x.name, s], 'activation') };
      }
      default:
        return this.fail(`activation "${a}" has no ONNX translation here`);
    }
  }

  scalar(part: string, v: number): string {
    return this.g.weight(`${this.layer.name}/${part}`, [], Float32Array.of(v));
  }

  toNhwc(x: Value): Value {
    return x.rank === 4 ? { ...x, name: this.op('Transpose', [x.name], 'to_nhwc', { perm: TO_NHWC }) } : x;
  }

  toNchw(x: Value): Value {
    return x.rank === 4 ? { ...x, name: this.op('Transpose', [x.name], 'to_nchw', { perm: TO_NCHW }) } : x;
  }
}

function spatialAttrs(call: LayerCall, inputShape: (number | null)[], kernel: [number, number], strides: [number, number], dilations: [number, number]): Record<string, AttributeValue> {
  const padding = call.config.padding ?? 'valid';
  let pads = [0, 0, 0, 0];
  if (padding === 'same') {
    const [h, w] = [inputShape[1], inputShape[2]];
    if (h == null || w == null) call.fail('`same` padding needs a known input height and width');
    const [top, bottom] = samePads(h, kernel[0], strides[0], dilations[0]);
    const [left, right] = samePads(w, kernel[1], strides[1], dilations[1]);
    pads = [top, left, bottom, right];
  } else if (padding !== 'valid') {
    call.fail(`padding "${String(padding)}" is not supported (only "valid" and "same")`);
  }
  return { kernel_shape: kernel, strides: { ints: strides }, pads: { ints: pads } };
}

function checkChannelsLast(call: LayerCall): void {
  const f = call.config.dataFormat;
  if (f !== undefined && f !== 'channelsLast') call.fail(`data format "${String(f)}" is not supported (only channels last, NHWC)`);
}

/** Keras axis of a rank-`rank` NHWC value -> the axis of the same value inside the graph. */
function graphAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 4 ? NHWC_AXIS_IN_NCHW[a] : a;
}

/** Conv2D / DepthwiseConv2D / SeparableConv2D. */
function convLayer(call: LayerCall, x: Value, inputShape: (number | null)[]): Value {
  checkChannelsLast(call);
  const { config } = call;
  const className = call.layer.getClassName();
  const weights = weightsOf(call.layer);
  const kernel = pair(config.kernelSize, 'kernel size', call.layer.name);
  const strides = pair(config.strides ?? 1, 'strides', call.layer.name);
  const dilations = pair(config.dilationRate ?? 1, 'dilation rate', call.layer.name);
  const attrs = { ...spatialAttrs(call, inputShape, kernel, strides, dilations), dilations: { ints: dilations } };
  const cin = inputShape[3];
  if (cin == null) call.fail('the input channel count is unknown');
  const bias = weights.get('bias');
  const biasName = bias ? [call.weight('bias', [bias.shape[0]], bias.values)] : [];
  let y: string;
  if (className === 'Conv2D') {
    const k = weights.get('kernel')!;
    const groups = Number(config.groups ?? 1);
    // Keras [kh, kw, cin / groups, cout] -> ONNX [cout, cin / groups, kh, kw].
    const w = transposeArray(k.values, k.shape, [3, 2, 0, 1]);
    y = call.op('Conv', [x.name, call.weight('kernel', w.shape, w.values), ...biasName], 'conv', { ...attrs, group: groups });
  } else {
    const dk = weights.get('depthwise_kernel')!;
    const mult = dk.shape[3];
    // Keras [kh, kw, cin, m] -> ONNX [cin * m, 1, kh, kw]: output channel c * m + j, as TF orders them.
    const w = transposeArray(dk.values, dk.shape, [2, 3, 0, 1]);
    const dwShape = [cin * mult, 1, kernel[0], kernel[1]];
    const separable = className === 'SeparableConv2D';
    y = call.op('Conv', [x.name, call.weight('depthwise_kernel', dwShape, w.values), ...(separable ? [] : biasName)], 'depthwise', { ...attrs, group: cin });
    if (separable) {
      const pk = weights.get('pointwise_kernel')!;
      const pw = transposeArray(pk.values, pk.shape, [3, 2, 0, 1]);
      y = call.op('Conv', [y, call.weight('pointwise_kernel', pw.shape, pw.values), ...biasName], 'pointwise', { kernel_shape: [1, 1] });
    }
  }
  return call.activation({ name: y, rank: 4 });
}

/**
 * Conv2DTranspose: ONNX ConvTranspose with the pads of the forward convolution it is the gradient
 * of (TF's `conv2d_transpose`), and `output_padding` where stride > kernel leaves a remainder.
 */
function convTranspose(call: LayerCall, x: Value, inputShape: (number | null)[], outputShape: (number | null)[]): Value {
  checkChannelsLast(call);
  const { config } = call;
  const kernel = pair(config.kernelSize, 'kernel size', call.layer.name);
  const strides = pair(config.strides ?? 1, 'strides', call.layer.name);
  const dilations = pair(config.dilationRate ?? 1, 'dilation rate', call.layer.name);
  const [hIn, wIn, hOut, wOut] = [inputShape[1], inputShape[2], outputShape[1], outputShape[2]];
  if (hIn == null || wIn == null || hOut == null || wOut == null) call.fail('Conv2DTranspose needs known input and output heights and widths');
  const same = config.padding === 'same';
  const [top, bottom] = same ? samePads(hOut, kernel[0], strides[0], dilations[0]) : [0, 0];
  const [left, right] = same ? samePads(wOut, kernel[1], strides[1], dilations[1]) : [0, 0];
  const size = (n: number, i: number, before: number, after: number): number => strides[i] * (n - 1) + (kernel[i] - 1) * dilations[i] + 1 - before - after;
  const outputPadding = [hOut - size(hIn, 0, top, bottom), wOut - size(wIn, 1, left, right)];
  const weights = weightsOf(call.layer);
  const k = weights.get('kernel')!;
  // Keras [kh, kw, cout, cin] -> ONNX [cin, cout, kh, kw].
  const w = transposeArray(k.values, k.shape, [3, 2, 0, 1]);
  const bias = weights.get('bias');
  const inputs = [x.name, call.weight('kernel', w.shape, w.values), ...(bias ? [call.weight('bias', bias.shape, bias.values)] : [])];
  const y = call.op('ConvTranspose', inputs, 'conv', {
    kernel_shape: kernel,
    strides: { ints: strides },
    dilations: { ints: dilations },
    pads: { ints: [top, left, bottom, right] },
    output_padding: outputPadding.some((p) => p !== 0) ? { ints: outputPadding } : undefined,
  });
  return call.activation({ name: y, rank: 4 });
}

function batchNorm(call: LayerCall, x: Value): Value {
  const { config } = call;
  const axis = Number(config.axis ?? -1);
  const a = axis < 0 ? axis + x.rank : axis;
  if (a !== x.rank - 1) call.fail(`BatchNormalization on axis ${axis} is not supported (only the channel axis, -1)`);
  const weights = weightsOf(call.layer);
  const mean = weights.get('moving_mean')!;
  const variance = weights.get('moving_variance')!;
  const c = mean.shape[0];
  const gamma = weights.get('gamma')?.values ?? new Float32Array(c).fill(1);
  const beta = weights.get('beta')?.values ?? new Float32Array(c);
  const inputs = [x.name, call.weight('gamma', [c], gamma), call.weight('beta', [c], beta), call.weight('moving_mean', [c], mean.values), call.weight('moving_variance', [c], variance.values)];
  // Rank-2 [N, C] and rank-4 NCHW both have channels on axis 1, as ONNX BatchNormalization wants.
  if (x.rank !== 2 && x.rank !== 4) call.fail(`BatchNormalization of a rank-${x.rank} input is not supported`);
  return { ...x, name: call.op('BatchNormalization', inputs, 'bn', { epsilon: { float: Number(config.epsilon ?? 1e-3) } }) };
}

function pooling(call: LayerCall, x: Value, inputShape: (number | null)[]): Value {
  checkChannelsLast(call);
  const className = call.layer.getClassName();
  const pool = pair(call.config.poolSize ?? 2, 'pool size', call.layer.name);
  const strides = pair(call.config.strides ?? call.config.poolSize ?? 2, 'strides', call.layer.name);
  const attrs = spatialAttrs(call, inputShape, pool, strides, [1, 1]);
  // Average pooling with `same` padding divides by the values inside the input only (TF),
  // = ONNX's count_include_pad 0 (the default).
  const op = className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
  return { ...x, name: call.op(op, [x.name], 'pool', attrs) };
}

function denseLayer(call: LayerCall, x: Value): Value {
  const weights = weightsOf(call.layer);
  const k = weights.get('kernel')!;
  const bias = weights.get('bias');
  if (x.rank === 2) {
    const inputs = [x.name, call.weight('kernel', k.shape, k.values), ...(bias ? [call.weight('bias', bias.shape, bias.values)] : [])];
    return call.activation({ ...x, name: call.op('Gemm', inputs, 'dense') });
  }
  // Dense on the last axis of a higher-rank value: MatMul (+ bias) in NHWC order.
  const nhwc = call.toNhwc(x);
  let y = call.op('MatMul', [nhwc.name, call.weight('kernel', k.shape, k.values)], 'dense');
  if (bias) y = call.op('Add', [y, call.weight('bias', bias.shape, bias.values)], 'bias');
  return call.activation(call.toNchw({ ...x, name: y }));
}

/** Translates one layer call; returns its output values. */
function translate(call: LayerCall, xs: Value[], node: Node): Value[] {
  const className = call.layer.getClassName();
  const shapes = (Array.isArray(node.inputShapes[0]) || node.inputShapes.length === 0 ? node.inputShapes : [node.inputShapes]) as (number | null)[][];
  const x = xs[0];
  const outShapes = (Array.isArray(node.outputShapes[0]) ? node.outputShapes : [node.outputShapes]) as (number | null)[][];
  const { config } = call;
  switch (className) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D':
      return [convLayer(call, x, shapes[0])];
    case 'Conv2DTranspose':
      return [convTranspose(call, x, shapes[0], outShapes[0])];
    case 'BatchNormalization':
      return [batchNorm(call, x)];
    case 'Activation':
      return [call.activation(x, config.activation as string)];
    case 'ReLU': {
      const max = config.maxValue as number | null | undefined;
      const slope = Number(config.negativeSlope ?? 0);
      const threshold = Number(config.threshold ?? 0);
      if (slope !== 0 || threshold !== 0) call.fail('ReLU with a negative slope or a threshold is not supported');
      if (max == null) return [{ ...x, name: call.op('Relu', [x.name], 'activation') }];
      return [{ ...x, name: call.op('Clip', [x.name, call.scalar('min', 0), call.scalar('max', max)], 'activation') }];
    }
    case 'LeakyReLU':
      return [{ ...x, name: call.op('LeakyRelu', [x.name], 'activation', { alpha: { float: Number(config.alpha ?? 0.3) } }) }];
    case 'Softmax':
      return [{ ...x, name: call.op('Softmax', [x.name], 'activation', { axis: graphAxis(Number(config.axis ?? -1), x.rank) }) }];
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return [pooling(call, x, shapes[0])];
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      checkChannelsLast(call);
      const pooled = call.op(className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.name], 'pool');
      if (config.keepdims === true) return [{ rank: 4, name: pooled }];
      return [{ rank: 2, name: call.op('Flatten', [pooled], 'flatten', { axis: 1 }) }];
    }
    case 'Add':
    case 'Multiply':
    case 'Maximum':
    case 'Minimum':
    case 'Average': {
      const op = { Add: 'Add', Multiply: 'Mul', Maximum: 'Max', Minimum: 'Min', Average: 'Mean' }[className]!;
      // Binary Add / Mul (what ORT's Conv+Add fusion matches); variadic Sum / Max / Min / Mean otherwise.
      const binary = op === 'Add' || op === 'Mul';
      if (binary && xs.length > 2) {
        let acc = xs[0].name;
        for (let i = 1; i < xs.length; i++) acc = call.op(op, [acc, xs[i].name], i === xs.length - 1 ? 'merge' : `merge_${i}`);
        return [{ ...x, name: acc }];
      }
      return [{ ...x, name: call.op(op, xs.map((v) => v.name), 'merge') }];
    }
    case 'Subtract':
      return [{ ...x, name: call.op('Sub', [xs[0].name, xs[1].name], 'merge') }];
    case 'Concatenate':
      return [{ ...x, name: call.op('Concat', xs.map((v) => v.name), 'concat', { axis: graphAxis(Number(config.axis ?? -1), x.rank) }) }];
    case 'ZeroPadding2D': {
      checkChannelsLast(call);
      const p = config.padding as number | number[] | number[][];
      const [[top, bottom], [left, right]] = typeof p === 'number' ? [[p, p], [p, p]] : Array.isArray(p[0]) ? (p as number[][]) : [[p[0] as number, p[0] as number], [p[1] as number, p[1] as number]];
      const pads = call.g.ints(`${call.layer.name}/pads`, [0, 0, top, left, 0, 0, bottom, right]);
      return [{ ...x, name: call.op('Pad', [x.name, pads], 'pad') }];
    }
    case 'Dense':
      return [denseLayer(call, x)];
    case 'LayerNormalization': {
      const axes = ([] as unknown[]).concat(config.axis ?? -1).map(Number);
      if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== x.rank - 1)) call.fail(`LayerNormalization over axes ${JSON.stringify(config.axis)} is not supported (only the last axis)`);
      const weights = weightsOf(call.layer);
      const c = shapes[0][shapes[0].length - 1];
      if (c == null) call.fail('the normalised axis has an unknown size');
      const gamma = weights.get('gamma')?.values ?? new Float32Array(c).fill(1);
      const beta = weights.get('beta')?.values ?? new Float32Array(c);
      const epsilon = Number(config.epsilon ?? 1e-3);
      // Keras normalises the channel axis; ONNX normalises from `axis` to the end: NHWC around it.
      const nhwc = call.toNhwc(x);
      if (config.rmsScaling === true) {
        // Keras's rms_scaling: x / sqrt(var(x) + epsilon) x gamma, the input not centred (no ONNX op does that).
        const mean = call.op('ReduceMean', [nhwc.name], 'mean', { axes: [-1], keepdims: 1 });
        const centred = call.op('Sub', [nhwc.name, mean], 'centred');
        const variance = call.op('ReduceMean', [call.op('Mul', [centred, centred], 'squares')], 'variance', { axes: [-1], keepdims: 1 });
        const deviation = call.op('Sqrt', [call.op('Add', [variance, call.scalar('epsilon', epsilon)], 'plus_epsilon')], 'deviation');
        const y = call.op('Mul', [call.op('Div', [nhwc.name, deviation], 'scaled'), call.weight('gamma', [c], gamma)], 'rms');
        return [call.toNchw({ ...x, name: y })];
      }
      const y = call.op('LayerNormalization', [nhwc.name, call.weight('gamma', [c], gamma), call.weight('beta', [c], beta)], 'ln', { axis: -1, epsilon: { float: epsilon } });
      return [call.toNchw({ ...x, name: y })];
    }
    case 'Cropping2D': {
      checkChannelsLast(call);
      const c = config.cropping as number | number[] | number[][];
      const [[top, bottom], [left, right]] = typeof c === 'number' ? [[c, c], [c, c]] : Array.isArray(c[0]) ? (c as number[][]) : [[c[0] as number, c[0] as number], [c[1] as number, c[1] as number]];
      const [h, w] = [shapes[0][1], shapes[0][2]];
      if (h == null || w == null) call.fail('Cropping2D needs a known input height and width');
      const name = call.layer.name;
      const slice = [x.name, call.g.ints(`${name}/starts`, [top, left]), call.g.ints(`${name}/ends`, [h - bottom, w - right]), call.g.ints(`${name}/axes`, [2, 3])];
      return [{ ...x, name: call.op('Slice', slice, 'crop') }];
    }
    case 'UpSampling2D': {
      checkChannelsLast(call);
      const [sh, sw] = pair(config.size ?? 2, 'size', call.layer.name);
      const interpolation = String(config.interpolation ?? 'nearest');
      if (!isInterpolation(interpolation)) call.fail(`interpolation "${interpolation}" is not supported`);
      if (interpolation !== 'nearest' && interpolation !== 'area' && interpolation !== 'bilinear') {
        // Kernels ONNX's Resize lacks (or samples otherwise at the border): out = R x X x C^T on
        // NCHW's last two axes, R [h sh, h] and C [w sw, w] the weights of analysis/layers/resampling.ts.
        const [h, w] = [shapes[0][1], shapes[0][2]];
        if (h == null || w == null) call.fail(`${interpolation} resampling needs a known input height and width`);
        const rows = call.weight('rows', [h * sh, h], Float32Array.from(resamplingMatrix(interpolation, h, sh)));
        const colsT = call.weight('columns', [w, w * sw], Float32Array.from(transposed(resamplingMatrix(interpolation, w, sw), w * sw, w)));
        const byRows = call.op('MatMul', [rows, x.name], 'rows');
        return [{ ...x, name: call.op('MatMul', [byRows, colsT], 'columns') }];
      }
      const scales = call.weight('scales', [4], Float32Array.of(1, 1, sh, sw));
      // Nearest (and area by an integer factor, the same copy): TF.js's align_corners = false,
      // half_pixel_centers = false is ONNX's `asymmetric`.
      // Bilinear runs Keras's tf.image.resize (half-pixel centres, importers/faithful/layers.ts): `half_pixel`.
      const attrs = interpolation === 'bilinear'
        ? { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }
        : { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
      return [{ ...x, name: call.op('Resize', [x.name, '', scales], 'resize', attrs) }];
    }
    case 'Rescaling': {
      // Keras: x * scale + offset, each a number or one value per channel (the last axis).
      const constant = (field: 'scale' | 'offset', fallback: number): string => {
        const v = ([] as unknown[]).concat(config[field] ?? fallback).map(Number);
        return call.weight(field, [v.length], Float32Array.from(v));
      };
      const nhwc = call.toNhwc(x);
      const scaled = call.op('Mul', [nhwc.name, constant('scale', 1)], 'scale');
      return [call.toNchw({ ...x, name: call.op('Add', [scaled, constant('offset', 0)], 'offset') })];
    }
    case 'Flatten': {
      // Keras flattens in NHWC order.
      const nhwc = call.toNhwc(x);
      return [{ rank: 2, name: call.op('Flatten', [nhwc.name], 'flatten', { axis: 1 }) }];
    }
    case 'Reshape': {
      const target = (config.targetShape as number[]).map(Number);
      const nhwc = call.toNhwc(x);
      // 0 copies the batch dimension (ONNX Reshape with allowzero = 0).
      const shape = call.g.ints(`${call.layer.name}/shape`, [0, ...target]);
      const out = { rank: target.length + 1, name: call.op('Reshape', [nhwc.name, shape], 'reshape') };
      return [call.toNchw(out)];
    }
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
    case 'GaussianDropout':
    case 'AlphaDropout':
      // Inference: the identity.
      return [{ ...x, name: call.op('Identity', [x.name], 'identity') }];
    default:
      return call.fail(`class ${className} has no ONNX translation`);
  }
}

/** Nodes of `model`'s own graph in execution order (deepest first, as TF.js's executor runs them). */
function executionOrder(model: LayersModel): Node[] {
  return Object.keys(model.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a)
    .flatMap((d) => model.nodesByDepth[d]);
}

/**
 * Emits the nodes of `model` (the top-level model or a nested one) with its input tensors bound
 * to `inputs`; returns its output values.
 */
function emitGraph(g: GraphBuilder, model: LayersModel, inputs: Value[], prefix: string, top: { name: string; className: string } | undefined, calls: Map<Layer, number>): Value[] {
  const values = new Map<number, Value>();
  model.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  for (const n of executionOrder(model)) {
    const layer = n.outboundLayer;
    if (layer.getClassName() === 'InputLayer') continue;
    const xs = n.inputTensors.map((t: SymbolicTensor) => {
      const v = values.get(t.id);
      if (!v) throw new OnnxExportError(`input tensor ${t.name} of layer ${layer.name} is not computed before it`, layer.name);
      return v;
    });
    const k = (calls.get(layer) ?? 0) + 1;
    calls.set(layer, k);
    const base = `${prefix}${layer.name}${k > 1 ? `#${k}` : ''}`;
    const reportLayer = top ?? { name: layer.name, className: layer.getClassName() };
    let outs: Value[];
    if ('nodesByDepth' in layer) {
      outs = emitGraph(g, layer as unknown as LayersModel, xs, `${base}/`, reportLayer, calls);
    } else {
      const call = new LayerCall(g, layer, base, reportLayer, layer.getConfig() as Record<string, unknown>);
      const first = g.nodes.length;
      outs = translate(call, xs, n);
      call.finish(first);
    }
    n.outputTensors.forEach((t: SymbolicTensor, i: number) => values.set(t.id, { ...outs[i], rank: t.shape.length }));
  }
  return model.outputs.map((t) => values.get(t.id)!);
}

export interface ExportOptions {
  /** Batch dimension of inputs and outputs: a number, or a symbolic name (default `N`). */
  batch?: number | string;
  /** producer_version written in the model (the extension's version). */
  producerVersion?: string;
  /** doc_string of the graph (e.g. where the model came from). */
  docString?: string;
}

/**
 * Exports `model` with its current weights as an ONNX model (opset 17, IR 8).
 * Inputs and outputs are NHWC with batch dimension `options.batch` (default symbolic `N`),
 * float32, named after the Keras input and output layers.
 * @throws OnnxExportError naming the layer for a class or config without an ONNX translation
 *   (e.g. channels-first data, BatchNormalization on a non-channel axis).
 */
export function exportOnnx(model: LayersModel, options: ExportOptions = {}): OnnxExport {
  const g = new GraphBuilder();
  const batch = options.batch ?? 'N';
  const inputNames = model.inputLayers.map((l) => g.unique(l.name));
  const graphInputs = model.inputs.map((t, i) => valueInfo(inputNames[i], [batch, ...t.shape.slice(1).map((d) => d ?? `${inputNames[i]}_dim`)]));
  const inputs: Value[] = model.inputs.map((t, i) => {
    const rank = t.shape.length;
    const layer = { name: inputNames[i], className: 'InputLayer' };
    return rank === 4 ? { rank, name: g.add('Transpose', [inputNames[i]], `${inputNames[i]}/nchw`, `${inputNames[i]}/to_nchw`, layer, 'layout', { perm: TO_NCHW }) } : { rank, name: inputNames[i] };
  });
  const outs = emitGraph(g, model, inputs, '', undefined, new Map());
  const outputNames = model.outputLayers.map((l) => g.unique(l.name));
  const graphOutputs = model.outputs.map((t, i) => {
    const layer = { name: model.outputLayers[i].name, className: model.outputLayers[i].getClassName() };
    const v = outs[i];
    if (v.rank === 4) g.add('Transpose', [v.name], outputNames[i], `${outputNames[i]}/to_nhwc`, layer, 'layout', { perm: TO_NHWC });
    else g.add('Identity', [v.name], outputNames[i], `${outputNames[i]}/output`, layer, 'layout');
    return valueInfo(outputNames[i], [batch, ...t.shape.slice(1).map((d) => d ?? `${outputNames[i]}_dim`)]);
  });
  const proto: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'xception-profiler',
    producerVersion: options.producerVersion ?? '',
    docString: options.docString ?? '',
    graph: {
      name: model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: graphInputs,
      output: graphOutputs,
    },
  };
  return { bytes: encodeModel(proto), nodeLayers: g.nodeLayers, nodeRoles: g.nodeRoles, inputNames, outputNames };
}
