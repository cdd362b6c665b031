/**
 * Static analysis of a TF.js graph model: per node its op, output shape, weights and MACs
 * (graphModelOps.ts), with the nodes grouped by name scope into the report's "layers". The
 * converter keeps Keras's layer names in the scopes (`StatefulPartitionedCall/model/block4_sepconv2/
 * separable_conv2d/depthwise`), so stripping the scope prefix every node shares and keeping the
 * next component gives the layer (`block4_sepconv2`), and the flows and blocks of
 * analysis/grouping.ts apply as for layers models. The report says these are node groups
 * (`model.grouping` ends in `/graph-scopes`, and a diagnostic).
 *
 * Shapes come from running the graph once with batch 1 (graphModelRun.ts); without a run (an op
 * TF.js lacks), only the signature's input and output shapes are known and MACs count as 0.
 */
import { sumTotals } from '../analysis/analyze';
import type { LayerNode } from '../analysis/graph';
import { groupLayers } from '../analysis/grouping';
import type { ArchitectureReport, Diagnostic, GraphNodeReport, GroupReport, LayerKind, LayerReport, Shape } from '../report/schema';
import { SCHEMA_VERSION } from '../report/schema';
import { isObject } from './errors';
import type { GraphModelFile, GraphNodeSpec } from './graphModel';
import { countNode, MAC_OPS, NON_COMPUTE_OPS } from './graphModelOps';
import { modelDisplayName } from './modelFile';

/** What the analysis reads of a graph: TF.js graph models and ONNX files alike. */
export type AnalysableGraph = Pick<GraphModelFile, 'file' | 'nodes' | 'weightsManifest' | 'inputs' | 'outputs'>;

/** Counts one node (graphModelOps.ts for TensorFlow ops, onnxOps.ts for ONNX). */
export type NodeCounter = typeof countNode;

/** Kind of computation of a node group, from its main TensorFlow or ONNX op. */
function graphOpKind(op: string): LayerKind {
  if (op === 'InputLayer') return 'input';
  if (/^(_Fused)?Conv2D$|^Conv$/.test(op)) return 'conv';
  if (/DepthwiseConv2dNative$/.test(op)) return 'depthwise';
  if (op === 'Conv2DBackpropInput' || op === 'ConvTranspose') return 'transposed-conv';
  if (/^(_Fused|Batch)?MatMul(V[23])?$|^Einsum$|^Gemm$/.test(op)) return 'dense';
  if (/^FusedBatchNorm|^BatchNormalization$/.test(op)) return 'normalization';
  if (/^(Relu6?|Elu|Selu|Sigmoid|Tanh|Softmax|LeakyRelu|Prelu|PRelu|Clip|HardSigmoid|HardSwish)$/.test(op)) return 'activation';
  if (/^(MaxPool|AvgPool|AveragePool|GlobalAveragePool|GlobalMaxPool|Mean|Max|ReduceMean)$/.test(op)) return 'pooling';
  if (/^(Add|AddV2|AddN|Mul|Sub|Maximum|Minimum)$/.test(op)) return 'merge';
  return 'unknown';
}

/** Output shapes of the nodes from one batch-1 run (batch dim 1), by node name. */
export type NodeShapes = Map<string, Shape>;

/** Shape of a Const node's value from its attribute (`value.tensor.tensorShape.dim`). */
function constShape(node: GraphNodeSpec): number[] | undefined {
  const tensor = isObject(node.attr.value) && isObject(node.attr.value.tensor) ? node.attr.value.tensor : undefined;
  const shape = tensor && isObject(tensor.tensorShape) ? tensor.tensorShape : undefined;
  if (!shape) return undefined;
  return Array.isArray(shape.dim) ? shape.dim.map((d) => (isObject(d) ? Number(d.size) : 1)) : [];
}

/** Name components every scoped compute node shares (`StatefulPartitionedCall/model`). */
export function commonScope(names: string[]): string[] {
  const scoped = names.map((n) => n.split('/')).filter((parts) => parts.length > 1);
  if (scoped.length === 0) return [];
  let prefix = scoped[0].slice(0, -1);
  for (const parts of scoped) {
    let i = 0;
    while (i < prefix.length && i < parts.length - 1 && prefix[i] === parts[i]) i++;
    prefix = prefix.slice(0, i);
  }
  // Keep at least one component below the prefix for the layer name.
  const shortest = Math.min(...scoped.map((p) => p.length));
  return prefix.slice(0, Math.max(0, shortest - 2));
}

/** The group (layer) of a node: the first component below the common scope, or the name itself. */
export function scopeOf(name: string, prefix: string[]): string {
  const parts = name.split('/');
  const under = prefix.every((p, i) => parts[i] === p) && parts.length > prefix.length;
  if (!under) return parts.length > 1 ? parts[0] : name;
  return parts[prefix.length];
}

/**
 * The group of every node: the name scope below the prefix that the compute nodes share; inputs
 * (Placeholders) are groups of their own. Also returns that prefix.
 */
export function nodeGroups(graph: AnalysableGraph): { groupOf: (nodeName: string) => string; prefix: string[] } {
  const prefix = commonScope(graph.nodes.filter((n) => n.op !== 'Const' && !NON_COMPUTE_OPS.has(n.op)).map((n) => n.name));
  const placeholders = new Set(graph.nodes.filter((n) => n.op === 'Placeholder').map((n) => n.name));
  return { prefix, groupOf: (name) => (placeholders.has(name) ? name : scopeOf(name, prefix)) };
}

const withNullBatch = (shape: Shape): Shape => (shape.length ? [null, ...shape.slice(1)] : shape);
const size = (shape: readonly (number | null)[]): number => shape.reduce<number>((n, d) => n * (d ?? 1), 1);

/**
 * Builds the report of a graph model from its nodes and (when it ran) the nodes' batch-1 shapes.
 * Params: every stored weight (weightsManifest) counts once, for the first node that reads it;
 * graph models are frozen, so they count as trainable and BN is already folded into the weights.
 */
export function analyzeGraphModel(graph: AnalysableGraph, shapes: NodeShapes | undefined, count: NodeCounter = countNode): ArchitectureReport {
  const diagnostics: Diagnostic[] = [];
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const stored = new Map(graph.weightsManifest.flatMap((g) => g.weights).map((w) => [w.name, w.shape]));
  const shapeOf = (name: string): Shape | undefined => {
    const node = byName.get(name);
    if (shapes?.has(name)) return shapes.get(name);
    const fromStore = stored.get(name) ?? (node?.op === 'Const' ? constShape(node) : undefined);
    if (fromStore) return fromStore;
    const signature = [...graph.inputs, ...graph.outputs].find((t) => t.name.split(':')[0] === name);
    return signature?.shape?.map((d, i) => (i === 0 ? 1 : d));
  };
  const compute = graph.nodes.filter((n) => n.op !== 'Const');
  const { groupOf, prefix } = nodeGroups(graph);
  const counted = new Set<string>();
  const groups = new Map<string, { nodes: GraphNodeReport[]; specs: GraphNodeSpec[]; macs: number; ops: number; params: number }>();
  for (const node of compute) {
    const scope = groupOf(node.name);
    const inputShapes = node.inputs.map(shapeOf);
    const output = shapeOf(node.name);
    const cost = count(node, inputShapes, output);
    if (cost.unknown) diagnostics.push({ severity: 'warning', layer: scope, message: cost.unknown });
    let params = 0;
    for (const input of node.inputs) {
      if (!stored.has(input) || counted.has(input)) continue;
      counted.add(input);
      params += size(stored.get(input)!);
    }
    const group = groups.get(scope) ?? { nodes: [], specs: [], macs: 0, ops: 0, params: 0 };
    group.nodes.push({ name: node.name, op: node.op, outputShape: output ? withNullBatch(output) : [], params, macs: cost.macs });
    group.specs.push(node);
    group.macs += cost.macs;
    group.ops += cost.elementwiseOps;
    group.params += params;
    groups.set(scope, group);
  }
  // Weights no compute node reads directly (read through an Identity, say) still count.
  const unread = [...stored.keys()].filter((w) => !counted.has(w));
  const scopeOfNode = new Map<string, string>();
  for (const [scope, g] of groups) for (const n of g.specs) scopeOfNode.set(n.name, scope);

  const nodesForGrouping: LayerNode[] = [];
  const layers: LayerReport[] = [...groups].map(([scope, g]) => {
    const inbound: string[] = [];
    const inputShapes: Shape[] = [];
    for (const spec of g.specs) {
      for (const input of spec.inputs) {
        const from = scopeOfNode.get(input);
        if (from === undefined || from === scope || inbound.includes(from)) continue;
        inbound.push(from);
        const s = shapeOf(input);
        inputShapes.push(s ? withNullBatch(s) : []);
      }
    }
    const last = g.nodes[g.nodes.length - 1];
    const ops = [...new Set(g.specs.map((s) => s.op))];
    const main = g.specs.find((s) => MAC_OPS.has(s.op))?.op ?? ops.find((o) => !NON_COMPUTE_OPS.has(o)) ?? ops[0];
    const className = g.specs[0].op === 'Placeholder' ? 'InputLayer' : main;
    const node: LayerNode = {
      name: scope,
      className,
      config: {},
      inbound,
      inputShapes,
      outputShapes: [last.outputShape],
      params: { trainable: g.params, nonTrainable: 0 },
      bytesPerValue: 4,
    };
    nodesForGrouping.push(node);
    return {
      name: scope,
      className,
      kind: graphOpKind(className),
      label: className,
      flow: 'other',
      block: 'other',
      inbound,
      inputShapes,
      outputShape: last.outputShape,
      params: node.params,
      macs: g.macs,
      flops: 2 * g.macs,
      tfProfilerFlops: 2 * g.macs,
      elementwiseOps: g.ops,
      activationBytes: size(last.outputShape) * 4,
      weightBytes: g.params * 4,
      config: { ops: ops.join(', '), nodes: g.nodes.length },
      graphNodes: g.nodes,
    };
  });
  const { grouping, byLayer } = groupLayers(nodesForGrouping);
  for (const layer of layers) Object.assign(layer, byLayer.get(layer.name) ?? {});
  if (unread.length) {
    const values = unread.reduce((n, w) => n + size(stored.get(w)!), 0);
    const holder = layers.find((l) => l.className !== 'InputLayer') ?? layers[0];
    holder.params = { ...holder.params, trainable: holder.params.trainable + values };
    holder.weightBytes += values * 4;
    diagnostics.push({ severity: 'info', message: `graph: ${unread.length} stored weights are not read directly by a compute node (${unread.slice(0, 3).join(', ')}); their ${values} values are counted in "${holder.name}"` });
  }
  diagnostics.unshift({
    severity: 'info',
    message: `graph model: the ${layers.length} "layers" are groups of the graph's ${compute.length} non-constant nodes by name scope${prefix.length ? ` (below "${prefix.join('/')}")` : ''}; params are the stored weights, all counted as trainable`,
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    model: {
      name: modelDisplayName(graph.file),
      source: graph.file,
      grouping: `${grouping}/graph-scopes`,
      inputShapes: graph.inputs.map((t) => (t.shape ? withNullBatch(t.shape) : [])),
      outputShapes: graph.outputs.map((t) => (t.shape ? withNullBatch(t.shape) : [])),
    },
    layers,
    blocks: groupReports(layers, (l) => l.block),
    flows: groupReports(layers, (l) => l.flow),
    totals: sumTotals(layers),
    diagnostics,
    createdAt: new Date().toISOString(),
  };
}

/** Groups in first-seen order with their totals. */
function groupReports(layers: LayerReport[], key: (l: LayerReport) => string): GroupReport[] {
  const groups = new Map<string, LayerReport[]>();
  for (const l of layers) groups.set(key(l), [...(groups.get(key(l)) ?? []), l]);
  return [...groups].map(([name, members]) => ({ name, flow: members[0].flow, layers: members.map((l) => l.name), totals: sumTotals(members) }));
}
