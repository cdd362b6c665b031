/**
 * Runs a TF.js graph model (`tf` is the resolved engine's namespace): loading it from the checked
 * file, one batch-1 run that records every node's output shape, and profiled passes that time
 * each node.
 *
 * Per-node attribution: TF.js's graph executor runs the nodes of a synchronous graph one after
 * another and calls its `checkTensorForDisposalWithNodeLiveUntilInfo` right after each node's op
 * (tfjs-converter 4.22, `graph_executor.js`); wrapping that method on the model's own executor
 * gives, for each node, the wall time since the previous node and the span of `tf.profile`'s
 * kernel list it added: exact, as for layers models. A graph with control flow runs with
 * `executeAsync`, whose nodes interleave, so it is timed as a whole model (no per-node split).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { summarize, yieldToEventLoop, type PassSample, type ProfileOptions, type ProfileResult } from '../profiler/profile';
import type { Diagnostic, Shape } from '../report/schema';
import { ModelFileError } from './errors';
import type { GraphModelFile } from './graphModel';
import type { NodeShapes } from './graphModelAnalysis';
import { readShards, storedBytes } from './weights';

type Tf = typeof tfTypes;
type GraphModel = tfTypes.GraphModel;
type Tensor = tfTypes.Tensor;

/** The parts of tfjs-converter's GraphExecutor used here (private in its types). */
interface Executor {
  graph: { nodes: Record<string, { op: string; category?: string }> };
  checkTensorForDisposalWithNodeLiveUntilInfo?: (node: { name: string }, tensorMap: Record<string, Tensor[]>, ...rest: unknown[]) => void;
  checkTensorForDisposal?: (nodeName: string, node: { name: string }, tensorMap: Record<string, Tensor[]>, ...rest: unknown[]) => void;
}

/** A graph model loaded into TF.js. Dispose `model` when done. */
export interface LoadedGraph {
  model: GraphModel;
  /** Ops of the graph that TF.js does not implement: the graph cannot run (analysed statically). */
  unsupportedOps: string[];
  diagnostics: Diagnostic[];
}

/**
 * Loads the graph into TF.js with its weights: the shards next to model.json when `loadWeights`
 * and they are all there, else zeros of the same shapes (timings do not depend on values).
 * @throws ModelFileError when TF.js cannot read the graph.
 */
export async function loadGraphModel(tf: Tf, graph: GraphModelFile, loadWeights: boolean): Promise<LoadedGraph> {
  const diagnostics: Diagnostic[] = [];
  const specs = graph.weightsManifest.flatMap((g) => g.weights);
  let data: ArrayBuffer;
  const read = loadWeights ? readShards(graph.file, graph.weightsManifest) : undefined;
  if (read?.ok) {
    data = read.data;
    diagnostics.push({ severity: 'info', message: `weights: loaded ${specs.length} stored weights from the shard files` });
  } else {
    if (read && !read.ok) diagnostics.push(read.diagnostic);
    data = new ArrayBuffer(specs.reduce((n, s) => n + (storedBytes(s) ?? 0), 0));
    if (!loadWeights) diagnostics.push({ severity: 'info', message: 'weights: not read (static analysis); the shapes come from a run with zero weights' });
  }
  const json = graph.json;
  let model: GraphModel;
  try {
    model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as object,
        weightSpecs: specs as tfTypes.io.WeightsManifestEntry[],
        weightData: data,
        format: 'graph-model',
        signature: json.signature as object | undefined,
        userDefinedMetadata: json.userDefinedMetadata as Record<string, object> | undefined,
      }),
    );
  } catch (error) {
    throw new ModelFileError(`TF.js could not load the graph: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { file: graph.file });
  }
  const nodes = executorOf(model).graph.nodes;
  const unsupportedOps = [...new Set(Object.values(nodes).filter((n) => n.category === undefined).map((n) => n.op))];
  for (const op of unsupportedOps) {
    const names = Object.entries(nodes).filter(([, n]) => n.op === op).map(([name]) => name);
    diagnostics.push({ severity: 'warning', code: 'unsupported-layer', layer: names[0], message: `op "${op}" (node "${names[0]}"${names.length > 1 ? ` and ${names.length - 1} more` : ''}) is not implemented by TF.js: the graph is analysed from the file (shapes and MACs only where known) and not timed` });
  }
  return { model, unsupportedOps, diagnostics };
}

function executorOf(model: GraphModel): Executor {
  return (model as unknown as { executor: Executor }).executor;
}

/**
 * Input tensors for a run: uniform [0, 1) values, shape `[batch, ...]` from the model's inputs,
 * unknown sizes (-1) other than the batch as 224 (an image side). The caller disposes them.
 */
export function graphInputs(tf: Tf, model: GraphModel, batch: number): tfTypes.NamedTensorMap {
  const inputs: tfTypes.NamedTensorMap = {};
  for (const input of model.inputs) {
    const shape = (input.shape ?? [-1]).map((d, i) => (i === 0 ? batch : d === -1 || d === null ? 224 : d));
    const dtype = input.dtype === 'int32' ? 'int32' : 'float32';
    inputs[input.name] = dtype === 'int32' ? tf.zeros(shape, 'int32') : tf.randomUniform(shape, 0, 1, 'float32');
  }
  return inputs;
}

/**
 * Calls `onNode(nodeName, outputs)` after each node the executor runs, during `run` only.
 * Returns false when this TF.js has no such hook (then nothing is recorded).
 */
function withNodeHook<T>(model: GraphModel, onNode: (name: string, outputs: Tensor[] | undefined) => void, run: () => T): T {
  const executor = executorOf(model);
  const sync = executor.checkTensorForDisposalWithNodeLiveUntilInfo;
  const async = executor.checkTensorForDisposal;
  if (sync) {
    executor.checkTensorForDisposalWithNodeLiveUntilInfo = function (this: Executor, node, tensorMap, ...rest) {
      onNode(node.name, tensorMap[node.name]);
      return sync.call(this, node, tensorMap, ...rest);
    };
  }
  if (async) {
    executor.checkTensorForDisposal = function (this: Executor, nodeName, node, tensorMap, ...rest) {
      onNode(nodeName, tensorMap[nodeName]);
      return async.call(this, nodeName, node, tensorMap, ...rest);
    };
  }
  const restore = (): void => {
    if (sync) executor.checkTensorForDisposalWithNodeLiveUntilInfo = sync;
    if (async) executor.checkTensorForDisposal = async;
  };
  try {
    const result = run();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}

/** Runs the graph (execute, or executeAsync when `async`) and returns its outputs as a list. */
async function execute(model: GraphModel, inputs: tfTypes.NamedTensorMap, async: boolean): Promise<Tensor[]> {
  const out = async ? await model.executeAsync(inputs) : model.execute(inputs);
  return Array.isArray(out) ? out : [out as Tensor];
}

/**
 * Runs the graph once with batch 1 and records each node's first output shape (batch dim 1),
 * the inputs' included.
 * @throws errors of TF.js's kernels.
 */
export async function recordShapes(tf: Tf, model: GraphModel, async: boolean): Promise<NodeShapes> {
  const shapes: NodeShapes = new Map();
  const inputs = graphInputs(tf, model, 1);
  for (const [name, t] of Object.entries(inputs)) shapes.set(name.split(':')[0], t.shape);
  try {
    const outputs = await withNodeHook(model, (name, outs) => {
      if (outs?.[0]) shapes.set(name, outs[0].shape as Shape);
    }, () => execute(model, inputs, async));
    tf.dispose(outputs);
  } finally {
    tf.dispose(Object.values(inputs));
  }
  return shapes;
}

/**
 * Profiles a graph model: warm-up passes, then `runs` timed passes, each a plain execute (the
 * outputs read back) and a profiled one. Per node group (`groupOf(nodeName)`) wall time and
 * kernels, exact for synchronous graphs; `async` graphs get whole-pass times only.
 * @throws Error named `AbortError` when `options.signal` is aborted; errors of TF.js kernels.
 */
export async function profileGraphModel(
  tf: Tf,
  model: GraphModel,
  groupOf: (nodeName: string) => string,
  options: ProfileOptions & { async: boolean },
): Promise<ProfileResult> {
  const warmupRuns = options.warmupRuns ?? 2;
  const runs = options.runs ?? 10;
  const batch = options.batchSize ?? 1;
  const inputs = graphInputs(tf, model, batch);
  const samples: PassSample[] = [];
  try {
    for (let i = 0; i < warmupRuns + runs; i++) {
      if (options.signal?.aborted) {
        const e = new Error('profiling cancelled');
        e.name = 'AbortError';
        throw e;
      }
      const warmup = i < warmupRuns;
      const t0 = performance.now();
      const plain = await execute(model, inputs, options.async);
      await Promise.all(plain.map((o) => o.data()));
      const predictMs = performance.now() - t0;
      tf.dispose(plain);
      const sample: PassSample = { ...(await profiledPass(tf, model, inputs, groupOf, options.async)), predictMs };
      if (!warmup) samples.push(sample);
      options.onPass?.(sample, warmup ? i : i - warmupRuns, warmup);
      await yieldToEventLoop();
    }
  } finally {
    tf.dispose(Object.values(inputs));
  }
  return summarize(samples, warmupRuns, batch);
}

async function profiledPass(tf: Tf, model: GraphModel, inputs: tfTypes.NamedTensorMap, groupOf: (n: string) => string, async: boolean): Promise<Omit<PassSample, 'predictMs'>> {
  const layerMs: Record<string, number> = {};
  const spans: { group: string; from: number; to: number }[] = [];
  const recorded = (): number => tf.engine().state.activeProfile.kernels.length;
  let outputs: Tensor[] = [];
  let failure: unknown;
  const start = performance.now();
  const profile = await tf.profile(async () => {
    let last = performance.now();
    let from = recorded();
    try {
      outputs = await withNodeHook(model, (name) => {
        if (async) return;
        const now = performance.now();
        const group = groupOf(name);
        layerMs[group] = (layerMs[group] ?? 0) + (now - last);
        spans.push({ group, from, to: recorded() });
        last = now;
        from = recorded();
      }, () => execute(model, inputs, async));
    } catch (error) {
      failure = error;
    }
    return [];
  });
  if (failure !== undefined) throw failure;
  const readStart = performance.now();
  await Promise.all(outputs.map((o) => o.data()));
  const passMs = performance.now() - start;
  const readbackMs = performance.now() - readStart;
  tf.dispose(outputs);
  const kernels: PassSample['kernels'] = {};
  for (const { group, from, to } of spans) {
    const list = kernels[group] ?? [];
    for (const k of profile.kernels.slice(from, to)) {
      // `<op>__op` entries wrap a customGrad op whose real kernel is recorded too: skip the wrapper.
      if (k.name.endsWith('__op')) continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : NaN;
      const entry = list.find((e) => e.name === k.name);
      if (entry) {
        entry.ms += ms;
        entry.calls += 1;
      } else list.push({ name: k.name, ms, calls: 1 });
    }
    kernels[group] = list;
  }
  return { passMs, readbackMs, layerMs, kernels };
}
