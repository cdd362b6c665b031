/**
 * An ONNX file on ONNX Runtime (the `onnxruntime` engine's `OrtRuntime`): one batch-1 run that
 * exposes every node's output as a graph output (ORT infers their types) to learn every shape,
 * and profiled passes timed per node from ORT's own profile (`<node>_kernel_time` events).
 *
 * Sessions run with ORT's graph optimisations off, so that every node of the file runs as its own
 * kernel under its own name and each node's time is exact; the plain passes use the same
 * options, so profiled / plain measures the profiler alone. An optimised session fuses nodes
 * (Conv + BN + activation) and can be faster than the times reported here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { feeds, sessionOptions, type OrtRuntime, type OrtSession } from '../engine/onnxruntime';
import { splitRuns } from '../engine/onnxruntimeProfile';
import { decodeModel, encodeModel, onnx } from '../onnx/proto';
import { summarize, yieldToEventLoop, type PassSample, type ProfileOptions, type ProfileResult } from '../profiler/profile';
import type { Shape } from '../report/schema';
import type { NodeShapes } from './graphModelAnalysis';
import type { OnnxModelFile } from './onnxModel';

/** Input shapes for a run: the batch `batch`, other unknown dimensions 224 (an image side). */
export function onnxInputShapes(model: OnnxModelFile, batch: number): number[][] {
  return model.inputs.map((t) => (t.shape ?? [null]).map((d, i) => (i === 0 ? batch : d ?? 224)));
}

function randomFeeds(runtime: OrtRuntime, model: OnnxModelFile, batch: number): ReturnType<typeof feeds> {
  const shapes = onnxInputShapes(model, batch);
  return feeds(runtime, model.inputs.map((t) => t.name), shapes.map((shape) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => Math.random()) })));
}

const unoptimised = { graphOptimizationLevel: 'disabled' as const };

/**
 * Runs the model once with batch 1, every node output exposed, and returns each node's first
 * output shape (inputs included).
 * @throws errors of ONNX Runtime (an operator it lacks, a model it rejects).
 */
export async function onnxShapes(runtime: OrtRuntime, model: OnnxModelFile): Promise<NodeShapes> {
  const copy = decodeModel(encodeModel(model.model));
  const graph = copy.graph!;
  const outputs = (graph.output ??= []);
  const declared = new Set(outputs.map((o) => o.name));
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o && !declared.has(o) && n.opType !== 'Constant') outputs.push(onnx.ValueInfoProto.create({ name: o }));
  const session = await runtime.ort.InferenceSession.create(encodeModel(copy), sessionOptions(runtime, unoptimised));
  try {
    const out = await session.run(randomFeeds(runtime, model, 1));
    const shapes: NodeShapes = new Map();
    onnxInputShapes(model, 1).forEach((s, i) => shapes.set(model.inputs[i].name, s));
    for (const [node, tensor] of model.outputTensor) if (out[tensor]) shapes.set(node, [...out[tensor].dims] as Shape);
    return shapes;
  } finally {
    await session.release();
  }
}

/**
 * Profiles the model on ONNX Runtime: warm-up passes, then `runs` timed passes, each a plain run
 * and a profiled run; per node group (`groupOf(node)`) the sum of its nodes' kernel times, each
 * node a "kernel" named by its operator.
 * @throws Error named `AbortError` when `options.signal` is aborted; errors of ONNX Runtime.
 */
export async function profileOnnxFile(runtime: OrtRuntime, model: OnnxModelFile, groupOf: (node: string) => string, options: ProfileOptions = {}): Promise<ProfileResult> {
  const warmupRuns = options.warmupRuns ?? 2;
  const runs = options.runs ?? 10;
  const batch = options.batchSize ?? 1;
  const bytes = encodeModel(model.model);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xception-profiler-onnx-'));
  const sessions: OrtSession[] = [];
  try {
    const plain = await runtime.ort.InferenceSession.create(bytes, sessionOptions(runtime, unoptimised));
    sessions.push(plain);
    const profiled = await runtime.ort.InferenceSession.create(bytes, sessionOptions(runtime, { ...unoptimised, enableProfiling: true, profileFilePrefix: path.join(dir, 'profile') }));
    sessions.push(profiled);
    const input = randomFeeds(runtime, model, batch);
    const walls: { passMs: number; predictMs: number }[] = [];
    for (let i = 0; i < warmupRuns + runs; i++) {
      if (options.signal?.aborted) {
        const e = new Error('profiling cancelled');
        e.name = 'AbortError';
        throw e;
      }
      let t0 = performance.now();
      await plain.run(input);
      const predictMs = performance.now() - t0;
      t0 = performance.now();
      await profiled.run(input);
      walls.push({ passMs: performance.now() - t0, predictMs });
      await yieldToEventLoop();
    }
    profiled.endProfiling();
    const events = readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((f) => splitRuns(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
    if (events.length !== walls.length) throw new Error(`ONNX Runtime's profile has ${events.length} runs; ${walls.length} were made`);
    const opOf = new Map(model.nodes.map((n) => [n.name, n.op]));
    const samples: PassSample[] = events.map((run, i) => {
      const layerMs: Record<string, number> = {};
      const kernels: PassSample['kernels'] = {};
      for (const { node, ms } of run.nodes) {
        const group = groupOf(node);
        layerMs[group] = (layerMs[group] ?? 0) + ms;
        const list = (kernels[group] ??= []);
        const name = opOf.get(node) ?? node;
        const entry = list.find((k) => k.name === name);
        if (entry) {
          entry.ms += ms;
          entry.calls += 1;
        } else list.push({ name, ms, calls: 1 });
      }
      return { passMs: walls[i].passMs, readbackMs: 0, predictMs: walls[i].predictMs, layerMs, kernels };
    });
    samples.forEach((s, i) => options.onPass?.(s, i < warmupRuns ? i : i - warmupRuns, i < warmupRuns));
    return summarize(samples.slice(warmupRuns), warmupRuns, batch);
  } finally {
    for (const s of sessions) await s.release().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
