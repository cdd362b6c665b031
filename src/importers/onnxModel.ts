/**
 * Format: an ONNX model file (`.onnx`, a `ModelProto` in protobuf), read with the same module as
 * the ONNX export (src/onnx/proto.ts, `onnx-proto`). The graph becomes the node list the graph
 * analysis reads (graphModelAnalysis.ts): each node named (nodes without a name get
 * `<op>_<index>`), its inputs as the nodes producing them, initializers and `Constant` nodes as
 * weights (`Const`), graph inputs that are not initializers as `Placeholder`s.
 *
 * Checked here without ONNX Runtime: it decodes, it has a graph with nodes, every node input is a
 * graph input, an initializer or another node's output.
 */
import { decodeModel, onnx, toNumber, valueInfoShape } from '../onnx/proto';
import type { Diagnostic } from '../report/schema';
import { ModelFileError } from './errors';
import type { GraphNodeSpec, SignatureTensor } from './graphModel';
import type { WeightsGroup } from './types';

/** An ONNX file read and checked (nodes named), ready for the graph analysis and ONNX Runtime. */
export interface OnnxModelFile {
  file: string;
  format: 'onnx';
  formatDescription: string;
  /** The decoded model, nodes named (re-encode it for ONNX Runtime). */
  model: onnx.ModelProto;
  nodes: GraphNodeSpec[];
  /** Initializers and Constant nodes, by node name (no shard files: `paths` is empty). */
  weightsManifest: WeightsGroup[];
  inputs: SignatureTensor[];
  outputs: SignatureTensor[];
  /** First output tensor of each node, by node name (ONNX Runtime reports tensors). */
  outputTensor: Map<string, string>;
  diagnostics: Diagnostic[];
}

/** True for a file ONNX names itself by: the `.onnx` extension (protobuf has no signature). */
export function isOnnxFile(file: string): boolean {
  return file.toLowerCase().endsWith('.onnx');
}

const dimsOf = (t: onnx.ITensorProto): number[] => (t.dims ?? []).map((d) => toNumber(d as never));

/** Plain values of a node's attributes (ints, floats, strings, lists). */
function attributes(node: onnx.INodeProto): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of node.attribute ?? []) {
    if (!a.name) continue;
    if (a.ints?.length) out[a.name] = a.ints.map((v) => toNumber(v as never));
    else if (a.floats?.length) out[a.name] = a.floats;
    else if (a.t) out[a.name] = { dims: dimsOf(a.t) };
    else if (a.s?.length) out[a.name] = Buffer.from(a.s).toString('utf8');
    else if (a.type === onnx.AttributeProto.AttributeType.FLOAT) out[a.name] = a.f;
    else out[a.name] = toNumber(a.i as never);
  }
  return out;
}

/**
 * Reads an ONNX model file's bytes.
 * @throws ModelFileError naming the file, and the node and field for graph errors.
 */
export function importOnnx(bytes: Uint8Array, file: string): OnnxModelFile {
  let model: onnx.ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new ModelFileError(`not a readable ONNX model: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  const graph = model.graph;
  if (!graph || !graph.node?.length) throw new ModelFileError('the ONNX model has no graph nodes', { file, field: 'graph.node' });
  const producer = new Map<string, string>();
  const weights: { name: string; shape: number[]; dtype: string }[] = [];
  for (const init of graph.initializer ?? []) {
    producer.set(init.name!, init.name!);
    weights.push({ name: init.name!, shape: dimsOf(init), dtype: 'float32' });
  }
  const initializers = new Set(producer.keys());
  const inputs: SignatureTensor[] = (graph.input ?? []).filter((i) => !initializers.has(i.name!)).map((i) => ({ name: i.name!, shape: valueInfoShape(i) }));
  for (const input of inputs) producer.set(input.name, input.name);
  const nodes: GraphNodeSpec[] = inputs.map((i) => ({ name: i.name, op: 'Placeholder', inputs: [], attr: {} }));
  nodes.push(...[...initializers].map((name) => ({ name, op: 'Const', inputs: [], attr: {} })));
  const outputTensor = new Map<string, string>();
  const used = new Set(nodes.map((n) => n.name));
  graph.node.forEach((n, i) => {
    let name = n.name || `${n.opType}_${i}`;
    while (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    n.name = name;
    const attr = attributes(n);
    const isConstant = n.opType === 'Constant';
    if (isConstant) {
      const value = n.attribute?.find((a) => a.name === 'value')?.t;
      weights.push({ name, shape: value ? dimsOf(value) : [], dtype: 'float32' });
    }
    const ins = (n.input ?? []).filter((t) => t !== '').map((t) => {
      const from = producer.get(t);
      if (from === undefined) throw new ModelFileError(`input "${t}" is no graph input, initializer or node output`, { file, layer: name, className: n.opType ?? undefined, field: 'input' });
      return from;
    });
    for (const o of n.output ?? []) producer.set(o, name);
    if (n.output?.[0]) outputTensor.set(name, n.output[0]);
    nodes.push({ name, op: isConstant ? 'Const' : n.opType!, inputs: ins, attr });
  });
  const outputs = (graph.output ?? []).map((o) => ({ name: o.name!, shape: valueInfoShape(o) }));
  const opsets = (model.opsetImport ?? []).map((o) => `${o.domain || 'ai.onnx'} ${toNumber(o.version as never)}`).join(', ');
  return {
    file,
    format: 'onnx',
    formatDescription: `ONNX model (${graph.node.length} nodes, opset ${opsets}${model.producerName ? `, from ${model.producerName}` : ''})`,
    model,
    nodes,
    weightsManifest: [{ paths: [], weights }],
    inputs,
    outputs,
    outputTensor,
    diagnostics: [],
  };
}
