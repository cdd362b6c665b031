/**
 * The normalised topology every importer produces: a Keras functional graph as plain data, with
 * every format's quirks removed (Keras 3 `args`/`kwargs` nodes, `batch_shape`, dtype policies,
 * Sequential models, the built-in node of nested models). It is validated here (names, references,
 * node and tensor indices, cycles) BEFORE anything reaches TF.js: TF.js's `fromConfig` loops
 * forever on a reference it cannot resolve, so nothing unchecked may be handed to it.
 */
import { ModelFileError, type ModelFileLocation } from './errors';

/** One tensor produced by a layer call: `layer`'s call number `call` (0-based), output `tensor`. */
export interface TensorRef {
  layer: string;
  /** Index among the layer's calls in this graph (0-based; an InputLayer has the single call 0). */
  call: number;
  /** Index among the call's outputs (0 except for layers with several outputs). */
  tensor: number;
}

/** One call of a layer: the tensors it consumes, in order, and its plain keyword arguments. */
export interface LayerCall {
  inputs: TensorRef[];
  /** Keyword arguments with plain values only (e.g. `training: false`); tensors are dropped. */
  kwargs: Record<string, unknown>;
}

/** One layer of a normalised topology. */
export interface TopologyLayer {
  name: string;
  /** Keras class name as in the file (`Conv2D`, `FixedDropout`...); nested models: `Functional`. */
  className: string;
  /** The layer's Keras config (snake_case, as Keras writes it), normalised to Keras 2 fields. */
  config: Record<string, unknown>;
  /** Calls in this graph; empty for an InputLayer (which has the single implicit call 0). */
  calls: LayerCall[];
  /** The nested model, when this layer is a Functional / Sequential model. */
  model?: Topology;
}

/** A functional graph of layers with its inputs and outputs. */
export interface Topology {
  name: string;
  layers: TopologyLayer[];
  /** The model's input tensors (InputLayers). */
  inputs: TensorRef[];
  outputs: TensorRef[];
}

/** Most levels of models nested inside models that are accepted (guards recursion). */
export const MAX_NESTING_DEPTH = 32;

/** Class names of nested models. */
export const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);

/** Number of outputs a layer's call produces. */
export function outputCount(layer: TopologyLayer): number {
  return layer.model ? layer.model.outputs.length : 1;
}

/** Number of distinct calls that other layers may reference. */
function callCount(layer: TopologyLayer): number {
  return layer.className === 'InputLayer' ? 1 : layer.calls.length;
}

/** `a -> b -> a` for messages. */
function chain(names: string[]): string {
  return names.map((n) => `"${n}"`).join(' -> ');
}

/**
 * Validates a topology and returns its layer calls in a topological order (producers first).
 * Checks: unique layer names; every reference names an existing layer, a call it has and an
 * output it has; inputs are InputLayers; no layer call depends on itself (cycles); no call has
 * zero inputs; nested models recursively.
 * @param where file and the path of enclosing models, for messages.
 * @throws ModelFileError naming the layer and the field at fault.
 */
export function checkTopology(topology: Topology, where: { file?: string; prefix?: string; depth?: number } = {}): { layer: TopologyLayer; call: number }[] {
  const depth = where.depth ?? 0;
  if (depth > MAX_NESTING_DEPTH) {
    throw new ModelFileError(`models are nested more than ${MAX_NESTING_DEPTH} levels deep`, { file: where.file, layer: where.prefix });
  }
  const qualified = (name: string): string => (where.prefix ? `${where.prefix}/${name}` : name);
  const at = (layer: TopologyLayer | undefined, field?: string): ModelFileLocation => ({
    file: where.file,
    layer: layer ? qualified(layer.name) : where.prefix,
    className: layer?.className,
    field,
  });

  const byName = new Map<string, TopologyLayer>();
  for (const layer of topology.layers) {
    if (byName.has(layer.name)) throw new ModelFileError(`two layers are named "${layer.name}"; layer names must be unique`, at(layer, 'name'));
    byName.set(layer.name, layer);
  }
  if (topology.layers.length === 0) throw new ModelFileError('the model has no layers', at(undefined, 'layers'));

  const checkRef = (ref: TensorRef, owner: TopologyLayer | undefined, field: string): TopologyLayer => {
    const producer = byName.get(ref.layer);
    if (!producer) throw new ModelFileError(`refers to layer "${ref.layer}", which is not in the model`, at(owner, field));
    const calls = callCount(producer);
    if (!Number.isInteger(ref.call) || ref.call < 0 || ref.call >= calls) {
      throw new ModelFileError(`refers to call ${ref.call} of layer "${ref.layer}", which is called ${calls} time(s)`, at(owner, field));
    }
    const outputs = outputCount(producer);
    if (!Number.isInteger(ref.tensor) || ref.tensor < 0 || ref.tensor >= outputs) {
      throw new ModelFileError(`refers to output ${ref.tensor} of layer "${ref.layer}", which has ${outputs} output(s)`, at(owner, field));
    }
    return producer;
  };

  for (const layer of topology.layers) {
    if (layer.className === 'InputLayer' && layer.calls.length > 0) {
      throw new ModelFileError('an InputLayer takes no inputs, but this one has inbound nodes', at(layer, 'inbound_nodes'));
    }
    layer.calls.forEach((call, i) => {
      if (call.inputs.length === 0) throw new ModelFileError(`inbound node ${i} lists no input tensors`, at(layer, `inbound_nodes[${i}]`));
      call.inputs.forEach((ref, j) => checkRef(ref, layer, `inbound_nodes[${i}][${j}]`));
    });
    if (layer.model) checkTopology(layer.model, { file: where.file, prefix: qualified(layer.name), depth: depth + 1 });
  }
  if (topology.inputs.length === 0) throw new ModelFileError('the model lists no inputs', at(undefined, 'input_layers'));
  if (topology.outputs.length === 0) throw new ModelFileError('the model lists no outputs', at(undefined, 'output_layers'));
  topology.inputs.forEach((ref, i) => {
    const producer = checkRef(ref, undefined, `input_layers[${i}]`);
    if (producer.className !== 'InputLayer') {
      throw new ModelFileError(`names layer "${ref.layer}" (${producer.className}) as a model input; model inputs must be InputLayers`, at(undefined, `input_layers[${i}]`));
    }
  });
  topology.outputs.forEach((ref, i) => checkRef(ref, undefined, `output_layers[${i}]`));

  return topologicalCalls(topology, (cycle) => {
    const first = byName.get(cycle[0]);
    return new ModelFileError(`the layers ${chain(cycle)} form a cycle; a model must be a directed acyclic graph`, at(first, 'inbound_nodes'));
  });
}

/**
 * Topological order of the layer calls, with each shared layer's calls in call order where the
 * graph allows it (always for a file Keras wrote: it numbers a layer's calls as they were made), so
 * that a layer's first call in the order is its call 0, whose shapes and inbound layers the report
 * shows. A graph where a call depends on a later call of the same layer keeps the plain order.
 */
function topologicalCalls(topology: Topology, cycleError: (cycle: string[]) => Error): { layer: TopologyLayer; call: number }[] {
  const inCallOrder = kahn(callGraph(topology, true));
  if (inCallOrder.left.size === 0) return inCallOrder.order;
  const nodes = callGraph(topology, false);
  const plain = kahn(nodes);
  if (plain.left.size === 0) return plain.order;
  // Walk back from any call left over along inputs that are left over too, until one repeats.
  let current = [...plain.left][0];
  const seen: string[] = [];
  while (!seen.includes(current)) {
    seen.push(current);
    current = nodes.get(current)!.inputs.find((i) => plain.left.has(i))!;
  }
  const cycle = seen.slice(seen.indexOf(current)).reverse();
  throw cycleError([...cycle, cycle[0]].map((k) => nodes.get(k)!.layer.name));
}

type CallGraph = Map<string, { layer: TopologyLayer; call: number; inputs: string[] }>;

/**
 * One node per layer call; its inputs are the calls whose tensors it consumes and, with
 * `callOrder`, the layer's previous call.
 */
function callGraph(topology: Topology, callOrder: boolean): CallGraph {
  const key = (layer: string, call: number): string => `${layer}\u0000${call}`;
  const nodes: CallGraph = new Map();
  for (const layer of topology.layers) {
    const calls = layer.className === 'InputLayer' ? [{ inputs: [], kwargs: {} }] : layer.calls;
    calls.forEach((call, i) => {
      const inputs = call.inputs.map((r) => key(r.layer, r.call));
      if (callOrder && i > 0) inputs.push(key(layer.name, i - 1));
      nodes.set(key(layer.name, i), { layer, call: i, inputs });
    });
  }
  return nodes;
}

/**
 * Kahn's algorithm over layer calls (a shared layer's calls are separate nodes, so A(B(A(x))) is
 * fine). Iterative: no recursion on the size of the graph. `left`: the calls on or after a cycle.
 */
function kahn(nodes: CallGraph): { order: { layer: TopologyLayer; call: number }[]; left: Set<string> } {
  const pending = new Map([...nodes].map(([k, n]) => [k, n.inputs.length]));
  const consumers = new Map([...nodes.keys()].map((k) => [k, [] as string[]]));
  for (const [k, node] of nodes) for (const input of node.inputs) consumers.get(input)!.push(k);
  const ready = [...pending].filter(([, n]) => n === 0).map(([k]) => k);
  const order: { layer: TopologyLayer; call: number }[] = [];
  while (ready.length) {
    const k = ready.pop()!;
    const node = nodes.get(k)!;
    order.push({ layer: node.layer, call: node.call });
    for (const c of consumers.get(k)!) {
      pending.set(c, pending.get(c)! - 1);
      if (pending.get(c) === 0) ready.push(c);
    }
  }
  return { order, left: new Set([...pending].filter(([, n]) => n > 0).map(([k]) => k)) };
}

/** TF.js / Keras 2 reference `[layer, node, tensor]`: nested models count their built-in node 0. */
function kerasRef(ref: TensorRef, byName: Map<string, TopologyLayer>): [string, number, number] {
  const producer = byName.get(ref.layer);
  return [ref.layer, ref.call + (producer?.model ? 1 : 0), ref.tensor];
}

/**
 * Serialises a (checked) topology into the Keras 2 JSON form that TF.js's `modelFromJSON` reads:
 * `{class_name: 'Model', config: {name, layers: [{name, class_name, config, inbound_nodes}],
 * input_layers, output_layers}}`, where a reference to a nested model's call k is node k + 1
 * (Keras 2 and TF.js give every nested model a built-in node 0).
 * @param replaceConfig gives the config TF.js should see for a layer (stand-ins); undefined keeps it.
 */
export function toKerasJson(topology: Topology, replaceConfig?: (layer: TopologyLayer) => Record<string, unknown> | undefined): Record<string, unknown> {
  const byName = new Map(topology.layers.map((l) => [l.name, l]));
  return {
    class_name: 'Model',
    config: {
      name: topology.name,
      layers: topology.layers.map((layer) => {
        if (layer.model) {
          const nested = toKerasJson(layer.model, replaceConfig);
          return { name: layer.name, class_name: 'Functional', config: { ...(nested.config as object), name: layer.name }, inbound_nodes: nodes(layer) };
        }
        return { name: layer.name, class_name: layer.className, config: replaceConfig?.(layer) ?? layer.config, inbound_nodes: nodes(layer) };
      }),
      input_layers: topology.inputs.map((r) => kerasRef(r, byName)),
      output_layers: topology.outputs.map((r) => kerasRef(r, byName)),
    },
  };

  function nodes(layer: TopologyLayer): unknown[] {
    return layer.calls.map((call) => call.inputs.map((ref) => [...kerasRef(ref, byName), call.kwargs]));
  }
}

/** Every layer of a topology and of its nested models, depth first, with its qualified name. */
export function* allLayers(topology: Topology, prefix = ''): Generator<{ layer: TopologyLayer; path: string }> {
  for (const layer of topology.layers) {
    const path = prefix ? `${prefix}/${layer.name}` : layer.name;
    yield { layer, path };
    if (layer.model) yield* allLayers(layer.model, path);
  }
}
