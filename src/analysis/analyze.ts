/**
 * Static analysis: from a Keras topology to an `ArchitectureReport` (output shapes, params, MACs,
 * FLOPs, element-wise ops, bytes, labels), with totals per block, per flow and for the model.
 * Every number comes from the layer registry (layers/registry.ts) applied to the Keras config:
 * no TF.js model is built and no weight is allocated. A shared layer costs once per call (each
 * call with its own shapes); a nested model costs the sum of its layers per call, keeps its
 * weights once, and lists its layers as `children`.
 *
 * It also validates the topology: every problem is a `ModelFileError` naming the layer and the
 * field (sizes, windows that do not fit, merges of incompatible shapes, absurd sizes).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { formatBytes, formatInt } from '../report/format';
import {
  SCHEMA_VERSION,
  type ArchitectureReport,
  type Diagnostic,
  type GroupReport,
  type LayerReport,
  type LayerKind,
  type Shape,
  type Totals,
} from '../report/schema';
import { ModelFileError, type ModelFileLocation } from '../importers/errors';
import { parseKerasModel } from '../importers/kerasConfig';
import { checkTopology, type Topology, type TopologyLayer } from '../importers/topology';
import type { LayerNode } from './graph';
import { groupLayers } from './grouping';
import { activationName, isKnownActivation } from './layers/activations';
import { product } from './layers/configReaders';
import { layerSpec, type CallResult, type WeightShape } from './layers/registry';

/** Largest tensor (one activation for batch 1, or one weight) accepted: 2^28 values = 1 GiB of float32. */
export const MAX_TENSOR_VALUES = 2 ** 28;
/** Largest total weight count accepted: 2^30 values = 4 GiB of float32. */
export const MAX_MODEL_WEIGHTS = 2 ** 30;

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, bfloat16: 2, float64: 8, uint8: 1, int8: 1 };

/** Config fields (Keras snake_case) copied into the report for display, under their report names. */
const SHOWN_CONFIG: Record<string, string> = {
  filters: 'filters',
  units: 'units',
  kernel_size: 'kernelSize',
  pool_size: 'poolSize',
  strides: 'strides',
  padding: 'padding',
  dilation_rate: 'dilationRate',
  depth_multiplier: 'depthMultiplier',
  groups: 'groups',
  output_padding: 'outputPadding',
  keepdims: 'keepdims',
  use_bias: 'useBias',
  activation: 'activation',
  epsilon: 'epsilon',
  max_value: 'maxValue',
  rate: 'rate',
};

function displayConfig(config: Record<string, unknown>): LayerReport['config'] {
  const shown: LayerReport['config'] = {};
  for (const [key, as] of Object.entries(SHOWN_CONFIG)) {
    let v = config[key];
    if (v === undefined) continue;
    if (key === 'activation') v = activationName(v) ?? 'linear';
    shown[as] = Array.isArray(v) ? v.join('x') : typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | boolean | null);
  }
  return shown;
}

/** Totals over the given layers (layer count, params, MACs, FLOPs, ops, bytes). */
export function sumTotals(layers: LayerReport[]): Totals {
  const t: Totals = { layers: layers.length, params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, elementwiseOps: 0, activationBytes: 0, weightBytes: 0 };
  for (const l of layers) {
    t.params.trainable += l.params.trainable;
    t.params.nonTrainable += l.params.nonTrainable;
    t.macs += l.macs;
    t.flops += l.flops;
    t.elementwiseOps += l.elementwiseOps;
    t.activationBytes += l.activationBytes;
    t.weightBytes += l.weightBytes;
  }
  return t;
}

/** Groups layers by a key, keeping first-seen order of keys and execution order inside. */
function groupBy(layers: LayerReport[], key: (l: LayerReport) => string): GroupReport[] {
  const groups = new Map<string, LayerReport[]>();
  for (const l of layers) {
    const k = key(l);
    const list = groups.get(k) ?? [];
    list.push(l);
    groups.set(k, list);
  }
  return [...groups].map(([name, members]) => ({ name, flow: members[0].flow, layers: members.map((l) => l.name), totals: sumTotals(members) }));
}

/** Options of `analyzeTopology`. */
export interface AnalyzeOptions {
  /** Display name of the model. */
  name: string;
  /** `builtin:xception` or the model file's path. */
  source: string;
  /** The model file, for error messages. */
  file?: string;
  /**
   * Weight shapes a file lists for a layer (TF.js weights manifest), by qualified layer name: the
   * params of a layer whose class the registry does not know.
   */
  listedWeights?: (path: string) => number[][] | undefined;
}

/** What the walk gathers for one layer (over all its calls). */
interface LayerAccumulator {
  path: string;
  layer: TopologyLayer;
  kind: LayerKind | 'unknown';
  calls: { inputs: number[][]; outputs: number[][] }[];
  inbound: string[];
  weights: WeightShape[];
  macs: number;
  elementwiseOps: number;
  pointwiseMacs?: number;
  regularConvMacs?: number;
  tfProfilerFlops: number;
  /** Nested model: its layers' accumulators, in the nested model's layer order. */
  children?: LayerAccumulator[];
}

interface WalkContext {
  options: AnalyzeOptions;
  byPath: Map<string, LayerAccumulator>;
  diagnostics: Diagnostic[];
  totalWeights: number;
}

const withBatch = (dims: number[]): Shape => [null, ...dims];

/** Walks a (nested) topology's calls in topological order; returns its output dims. */
function walk(topology: Topology, inputOverride: number[][] | undefined, prefix: string, ctx: WalkContext): number[][] {
  const order = checkTopology(topology, { file: ctx.options.file, prefix: prefix || undefined });
  const produced = new Map<string, number[][]>();
  /** Tensors whose shape rests on a layer the registry does not know (assumed shape-preserving). */
  const assumed = new Map<string, string>();
  const key = (layer: string, call: number): string => `${layer}\u0000${call}`;
  const inputIndex = new Map(topology.inputs.map((r, i) => [r.layer, i]));
  for (const { layer, call } of order) {
    const path = prefix ? `${prefix}/${layer.name}` : layer.name;
    const at = (field?: string): ModelFileLocation => ({ file: ctx.options.file, layer: path, className: layer.className, field });
    let acc = ctx.byPath.get(path);
    const first = !acc;
    if (!acc) {
      acc = { path, layer, kind: 'unknown', calls: [], inbound: [], weights: [], macs: 0, elementwiseOps: 0, tfProfilerFlops: 0 };
      ctx.byPath.set(path, acc);
    }
    const refs = layer.className === 'InputLayer' ? [] : layer.calls[call].inputs;
    const ins = refs.map((r) => produced.get(key(r.layer, r.call))![r.tensor]);
    const standIn = refs.map((r) => assumed.get(key(r.layer, r.call))).find((x) => x !== undefined);
    let outs: number[][];
    if (layer.className === 'InputLayer') {
      const declared = (layer.config.batch_input_shape as number[]).slice(1);
      outs = [inputOverride?.[inputIndex.get(layer.name) ?? -1] ?? declared];
      acc.kind = 'input';
    } else if (layer.model) {
      outs = walk(layer.model, ins, path, ctx);
      acc.kind = 'model';
      acc.children ??= layer.model.layers.map((l) => ctx.byPath.get(`${path}/${l.name}`)!);
    } else {
      const spec = layerSpec(layer.className);
      let result: CallResult;
      if (spec) {
        try {
          result = spec.call(layer.config, ins, at);
        } catch (error) {
          if (error instanceof ModelFileError && standIn) {
            throw new ModelFileError(`${error.problem}; its input comes from ${standIn}, which the analysis does not know and assumes to keep its input's shape`, error.location);
          }
          throw error;
        }
        acc.kind = spec.kind;
      } else {
        const listed = ctx.options.listedWeights?.(path) ?? [];
        result = { outputs: [ins[0]], weights: listed.map((shape, i) => ({ name: `weight_${i}`, shape, trainable: true })), macs: 0, elementwiseOps: 0 };
        if (first) {
          ctx.diagnostics.push({
            severity: 'warning',
            code: 'unsupported-layer',
            layer: path,
            message: `layer "${path}" of class "${layer.className}" is not supported; it counts as 0 MACs and is assumed to keep its input's shape`,
          });
        }
      }
      outs = result.outputs;
      if (first) acc.weights = result.weights;
      acc.macs += result.macs;
      acc.elementwiseOps += result.elementwiseOps;
      acc.tfProfilerFlops += result.tfProfilerFlops ?? 2 * result.macs;
      if (result.pointwiseMacs !== undefined) acc.pointwiseMacs = (acc.pointwiseMacs ?? 0) + result.pointwiseMacs;
      if (result.regularConvMacs !== undefined) acc.regularConvMacs = (acc.regularConvMacs ?? 0) + result.regularConvMacs;
      if (!spec) assumed.set(key(layer.name, call), `"${path}" (${layer.className})`);
      else if (standIn && spec.kind !== 'input') assumed.set(key(layer.name, call), standIn);
    }
    if (first) {
      acc.inbound = refs.map((r) => r.layer);
      checkWeights(acc, at, ctx);
      const activation = activationName(layer.config.activation);
      if (activation !== undefined && !isKnownActivation(activation)) {
        ctx.diagnostics.push({ severity: 'info', layer: path, message: `layer "${path}": activation "${activation}" is not one the analysis knows; counted as 1 element-wise op per value` });
      }
    }
    for (const dims of outs) checkSize(dims, () => at(layer.className === 'InputLayer' ? 'batch_input_shape' : 'output shape'));
    acc.calls.push({ inputs: ins, outputs: outs });
    produced.set(key(layer.name, call), outs);
  }
  return topology.outputs.map((r) => produced.get(key(r.layer, r.call))![r.tensor]);
}

/** An activation must have positive sizes and fit in memory. */
function checkSize(dims: number[], at: () => ModelFileLocation): void {
  const bad = dims.findIndex((d) => !(d >= 1));
  if (bad >= 0) throw new ModelFileError(`the output shape [null, ${dims.join(', ')}] has a dimension of ${dims[bad]}; sizes must be positive`, at());
  const n = product(dims);
  if (n > MAX_TENSOR_VALUES) {
    throw new ModelFileError(
      `the output [null, ${dims.join(', ')}] holds ${formatInt(n)} values per image (${formatBytes(n * 4)} as float32), more than the ${formatInt(MAX_TENSOR_VALUES)} a tensor may hold here; the sizes are absurd or the model is far too large to profile`,
      at(),
    );
  }
}

/** No weight over MAX_TENSOR_VALUES, no model over MAX_MODEL_WEIGHTS. */
function checkWeights(acc: LayerAccumulator, at: (field?: string) => ModelFileLocation, ctx: WalkContext): void {
  const params = acc.weights.reduce((n, w) => n + product(w.shape), 0);
  const largest = acc.weights.reduce((n, w) => Math.max(n, product(w.shape)), 0);
  if (largest > MAX_TENSOR_VALUES) {
    throw new ModelFileError(
      `needs ${formatInt(params)} weights (${formatBytes(params * 4)} as float32), more than the ${formatInt(MAX_TENSOR_VALUES)} a tensor may hold here; the sizes are absurd`,
      at(acc.layer.className === 'Dense' ? 'units' : 'filters'),
    );
  }
  ctx.totalWeights += params;
  if (ctx.totalWeights > MAX_MODEL_WEIGHTS) {
    throw new ModelFileError(`the model needs more than ${formatInt(MAX_MODEL_WEIGHTS)} weights (${formatBytes(MAX_MODEL_WEIGHTS * 4)} as float32) by this layer; too large to profile`, at());
  }
}

/** The report of one layer (and of a nested model's layers, as children) from its accumulator. */
function layerReport(acc: LayerAccumulator, frozen: boolean): LayerReport {
  const first = acc.calls[0];
  const config = acc.layer.config;
  const isFrozen = frozen || config.trainable === false;
  const children = acc.children?.map((c) => layerReport(c, isFrozen));
  const dtype = typeof config.dtype === 'string' ? config.dtype : 'float32';
  const bytesPerValue = BYTES_PER_DTYPE[dtype] ?? 4;
  let params = { trainable: 0, nonTrainable: 0 };
  let macs = acc.macs;
  let elementwiseOps = acc.elementwiseOps;
  let tfProfilerFlops = acc.tfProfilerFlops;
  let weightBytes: number;
  if (children) {
    // A nested model's cost is its layers' cost (each summed over the model's calls); weights once.
    const inner = sumTotals(children);
    params = inner.params;
    macs = inner.macs;
    elementwiseOps = inner.elementwiseOps;
    tfProfilerFlops = children.reduce((n, c) => n + c.tfProfilerFlops, 0);
    weightBytes = inner.weightBytes;
  } else {
    for (const w of acc.weights) {
      const n = product(w.shape);
      if (w.trainable && !isFrozen) params.trainable += n;
      else params.nonTrainable += n;
    }
    weightBytes = (params.trainable + params.nonTrainable) * bytesPerValue;
  }
  const spec = layerSpec(acc.layer.className);
  const report: LayerReport = {
    name: acc.layer.name,
    className: acc.layer.model ? 'Functional' : acc.layer.className,
    kind: acc.kind,
    label: acc.layer.model ? `Model (${children!.length} layers)` : spec ? spec.label(config) : acc.layer.className,
    flow: 'other',
    block: 'other',
    inbound: acc.inbound,
    inputShapes: first.inputs.map(withBatch),
    outputShape: withBatch(first.outputs[0] ?? []),
    params,
    macs,
    flops: 2 * macs,
    tfProfilerFlops,
    elementwiseOps,
    activationBytes: acc.calls.reduce((n, c) => n + c.outputs.reduce((m, o) => m + product(o), 0), 0) * bytesPerValue,
    weightBytes,
    config: displayConfig(config),
  };
  if (acc.calls.length > 1) report.calls = acc.calls.length;
  if (first.outputs.length > 1) report.outputShapes = first.outputs.map(withBatch);
  if (acc.regularConvMacs !== undefined) {
    report.regularConvMacs = acc.regularConvMacs;
    report.regularConvRatio = macs > 0 ? acc.regularConvMacs / macs : 0;
  }
  if (acc.pointwiseMacs !== undefined) report.pointwiseMacs = acc.pointwiseMacs;
  if (children) report.children = children;
  return report;
}

/** The children of nested models get their parent's flow and block. */
function placeChildren(layer: LayerReport): void {
  for (const child of layer.children ?? []) {
    child.flow = layer.flow;
    child.block = layer.block;
    placeChildren(child);
  }
}

/**
 * Analyses a Keras topology into an `ArchitectureReport` without timings and without TF.js.
 * Layers of classes the registry does not know count as zero, keep their input's shape, and add a
 * warning diagnostic naming the layer and its class.
 *
 * For Keras's Xception at 299x299 with the top: 134 layers, 22,910,480 params, 8,357,403,496 MACs.
 * @throws ModelFileError for a topology that breaks Keras's rules (see the module docstring).
 */
export function analyzeTopology(topology: Topology, options: AnalyzeOptions): ArchitectureReport {
  const ctx: WalkContext = { options, byPath: new Map(), diagnostics: [], totalWeights: 0 };
  const outputs = walk(topology, undefined, '', ctx).map(withBatch);
  const inputs = topology.inputs.map((r) => withBatch(ctx.byPath.get(r.layer)!.calls[0].outputs[0]));
  const layers = topology.layers.map((l) => layerReport(ctx.byPath.get(l.name)!, false));
  const nodes: LayerNode[] = layers.map((l) => ({
    name: l.name,
    className: l.className,
    config: l.config,
    inbound: l.inbound,
    inputShapes: l.inputShapes,
    outputShapes: [l.outputShape],
    params: l.params,
    bytesPerValue: 4,
  }));
  const { grouping, byLayer } = groupLayers(nodes);
  for (const l of layers) {
    const group = byLayer.get(l.name) ?? { flow: 'other', block: 'other' };
    l.flow = group.flow;
    l.block = group.block;
    placeChildren(l);
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    model: { name: options.name, source: options.source, grouping, inputShapes: inputs, outputShapes: outputs },
    layers,
    blocks: groupBy(layers, (l) => l.block),
    flows: groupBy(layers, (l) => l.flow),
    totals: sumTotals(layers),
    diagnostics: ctx.diagnostics,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Analyses a built TF.js LayersModel (the built-in Xception) through its Keras config
 * (`model.toJSON()`), with the same registry as model files: the weights are not read.
 */
export function analyzeModel(model: tfTypes.LayersModel, options: Partial<AnalyzeOptions> = {}): ArchitectureReport {
  const json = model.toJSON(undefined, false) as unknown as { config: { layers: { name: string; config: Record<string, unknown> }[] } };
  // TF.js's SeparableConv2D.getConfig() leaves out depth_multiplier: read it from the layer.
  for (const entry of json.config.layers) {
    const layer = model.layers.find((l) => l.name === entry.name) as { depthMultiplier?: number } | undefined;
    if (layer?.depthMultiplier !== undefined) entry.config.depth_multiplier = layer.depthMultiplier;
  }
  const topology = parseKerasModel(json, { diagnostics: [] });
  return analyzeTopology(topology, { name: options.name ?? model.name, source: options.source ?? 'builtin:xception' });
}
