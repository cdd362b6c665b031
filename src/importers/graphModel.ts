/**
 * Format: a TF.js graph model `model.json` (`"format": "graph-model"`, written by
 * `tensorflowjs_converter` from a SavedModel, a frozen graph or a TF Hub module): a TensorFlow
 * GraphDef as JSON (`modelTopology.node[]`: `name`, `op`, `input`, `attr`), its weights listed in
 * `weightsManifest` (shards next to model.json), and the signature (`signature` or
 * `userDefinedMetadata.signature`) with the input and output tensors. There are no Keras layers:
 * the analysis is per node, grouped by name scope (graphModelAnalysis.ts).
 *
 * Read and checked here without TF.js: node names unique, every input names a node, weights
 * named in the manifest. Control-flow ops (loops, conditionals, TensorLists) are noted: such a
 * graph runs only with `executeAsync`, and is timed as a whole.
 */
import type { Diagnostic } from '../report/schema';
import { isObject, ModelFileError, preview } from './errors';
import { parseManifest } from './tfjsModelJson';
import type { WeightSpec, WeightsGroup } from './types';

/** One node of the graph: its op and the names of the nodes it reads (control inputs dropped). */
export interface GraphNodeSpec {
  name: string;
  op: string;
  /** Producer node names in input order (`name:1` output indices and `^control` inputs removed). */
  inputs: string[];
  /** The node's attributes as the converter wrote them (`strides`, `padding`, `fused_ops`...). */
  attr: Record<string, unknown>;
}

/** A tensor of the signature: name and shape (`-1` / missing dims as null). */
export interface SignatureTensor {
  name: string;
  shape: (number | null)[] | undefined;
}

/** A TF.js graph model read and checked; nothing of it has touched TF.js yet. */
export interface GraphModelFile {
  file: string;
  format: 'tfjs-graph-model';
  formatDescription: string;
  /** The model.json as parsed, handed to TF.js's loader when the model is built. */
  json: Record<string, unknown>;
  nodes: GraphNodeSpec[];
  weightsManifest: WeightsGroup[];
  inputs: SignatureTensor[];
  outputs: SignatureTensor[];
  /** Ops that need `executeAsync` (control flow, dynamic shapes): timing is whole-model. */
  controlFlowOps: string[];
  diagnostics: Diagnostic[];
}

/** TensorFlow ops that make TF.js run a graph with executeAsync (tfjs-converter's control and dynamic ops). */
export const CONTROL_FLOW_OPS = new Set([
  'Enter', 'Exit', 'Merge', 'Switch', 'NextIteration', 'LoopCond', 'If', 'StatelessIf', 'While', 'StatelessWhile',
  'TensorListReserve', 'TensorListFromTensor', 'TensorListStack', 'TensorListSetItem', 'TensorListGetItem', 'TensorArrayV3',
  'NonMaxSuppressionV2', 'NonMaxSuppressionV3', 'NonMaxSuppressionV4', 'NonMaxSuppressionV5', 'Where', 'ListDiff',
]);

/** Largest number of nodes accepted (a converted SavedModel of a big network has a few thousand). */
export const MAX_GRAPH_NODES = 200_000;

/** True when a parsed JSON document is a TF.js graph model. */
export function isGraphModelJson(json: unknown): json is Record<string, unknown> {
  return isObject(json) && json.format === 'graph-model';
}

/** The producer node name of an input reference: `^ctrl` -> undefined, `node:1` -> `node`. */
function producer(input: string): string | undefined {
  if (input.startsWith('^')) return undefined;
  const colon = input.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(input.slice(colon + 1)) ? input.slice(0, colon) : input;
}

function signatureTensors(value: unknown): SignatureTensor[] {
  if (!isObject(value)) return [];
  return Object.entries(value).map(([key, entry]) => {
    const e = isObject(entry) ? entry : {};
    const dims = isObject(e.tensorShape) && Array.isArray(e.tensorShape.dim) ? e.tensorShape.dim : undefined;
    const shape = dims?.map((d) => {
      const size = isObject(d) ? Number(d.size) : NaN;
      return Number.isInteger(size) && size >= 0 ? size : null;
    });
    return { name: typeof e.name === 'string' ? e.name : key, shape };
  });
}

/**
 * Reads a TF.js graph model (already parsed from JSON).
 * @throws ModelFileError naming the node and the field: no node list, a node without name or op,
 *   duplicate names, an input naming no node, a malformed weights manifest.
 */
export function importGraphModel(json: Record<string, unknown>, file: string): GraphModelFile {
  const topology = json.modelTopology;
  if (!isObject(topology) || !Array.isArray(topology.node)) {
    throw new ModelFileError(`expected a GraphDef with a "node" list, got ${preview(topology)}`, { file, field: 'modelTopology' });
  }
  if (topology.node.length === 0) throw new ModelFileError('the graph has no nodes', { file, field: 'modelTopology.node' });
  if (topology.node.length > MAX_GRAPH_NODES) throw new ModelFileError(`has ${topology.node.length} nodes, more than the ${MAX_GRAPH_NODES} accepted`, { file, field: 'modelTopology.node' });
  const nodes = topology.node.map((raw: unknown, i): GraphNodeSpec => {
    const field = `modelTopology.node[${i}]`;
    if (!isObject(raw) || typeof raw.name !== 'string' || raw.name === '' || typeof raw.op !== 'string' || raw.op === '') {
      throw new ModelFileError(`expected a node with "name" and "op", got ${preview(raw)}`, { file, field });
    }
    if (raw.input !== undefined && (!Array.isArray(raw.input) || raw.input.some((x) => typeof x !== 'string'))) {
      throw new ModelFileError(`"input" must be a list of node names, got ${preview(raw.input)}`, { file, layer: raw.name, className: raw.op, field: `${field}.input` });
    }
    const inputs = ((raw.input as string[] | undefined) ?? []).map(producer).filter((x): x is string => x !== undefined);
    return { name: raw.name, op: raw.op, inputs, attr: isObject(raw.attr) ? raw.attr : {} };
  });
  const names = new Set<string>();
  for (const node of nodes) {
    if (names.has(node.name)) throw new ModelFileError('two nodes have this name', { file, layer: node.name, className: node.op, field: 'name' });
    names.add(node.name);
  }
  for (const node of nodes) {
    const missing = node.inputs.find((input) => !names.has(input));
    if (missing !== undefined) throw new ModelFileError(`input "${missing}" is not a node of the graph`, { file, layer: node.name, className: node.op, field: 'input' });
  }
  const diagnostics: Diagnostic[] = [];
  const weightsManifest = parseManifest(json.weightsManifest, file, diagnostics) ?? [];
  const weightNames = new Set(weightsManifest.flatMap((g) => g.weights.map((w: WeightSpec) => w.name)));
  const orphan = [...weightNames].find((w) => !names.has(w));
  if (orphan !== undefined) throw new ModelFileError(`weight "${orphan}" is not a node of the graph`, { file, field: 'weightsManifest' });
  const signature = isObject(json.signature) ? json.signature : isObject(json.userDefinedMetadata) && isObject(json.userDefinedMetadata.signature) ? json.userDefinedMetadata.signature : undefined;
  const placeholders = nodes.filter((n) => n.op === 'Placeholder');
  const inputs = signature ? signatureTensors(signature.inputs) : placeholders.map((n) => ({ name: n.name, shape: undefined }));
  const outputs = signature ? signatureTensors(signature.outputs) : [];
  const controlFlowOps = [...new Set(nodes.filter((n) => CONTROL_FLOW_OPS.has(n.op)).map((n) => n.op))];
  if (controlFlowOps.length) {
    diagnostics.push({ severity: 'info', message: `graph: control-flow ops (${controlFlowOps.join(', ')}) make TF.js run this graph with executeAsync; it is analysed node by node and timed as a whole model` });
  }
  const by = typeof json.convertedBy === 'string' ? json.convertedBy : typeof json.generatedBy === 'string' ? json.generatedBy : undefined;
  return {
    file,
    format: 'tfjs-graph-model',
    formatDescription: `TF.js graph model (${nodes.length} nodes${by ? `, converted by ${by}` : ''})`,
    json,
    nodes,
    weightsManifest,
    inputs,
    outputs,
    controlFlowOps,
    diagnostics,
  };
}
