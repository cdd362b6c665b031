// Loading, running and profiling TF.js graph models (graphModelRun.ts, graphModelLoad.ts) on tiny
// graphs written here (tinyGraph.ts): x [-1, 4] -> MatMul (w [4, 3], value i = i / 1000) -> Relu ->
// Relu, and an int32 input ids [-1, -1, 5] -> Cast. Shapes, weights, diagnostics and the passes
// are worked by hand; each case runs the code in its own test, and no tensor is left behind.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { loadGraphModelFile } from '../../src/importers/graphModelLoad';
import { graphInputs, loadGraphModel, profileGraphModel, recordShapes } from '../../src/importers/graphModelRun';
import { readModelFile } from '../../src/importers/modelFile';
import type { GraphModelFile } from '../../src/importers/graphModel';
import { constant, placeholder, writeGraph } from './tinyGraph';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(path.join(tmpdir(), 'graph-run-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The dense graph with two outputs (net/act/Relu_1 and net/cast/Cast), written as `name`. */
function denseGraph(name: string): string {
  return writeGraph(
    dir,
    name,
    [
      placeholder('x', [-1, 4]),
      placeholder('ids', [-1, -1, 5], 'DT_INT32'),
      constant('net/dense/w'),
      { name: 'net/dense/MatMul', op: 'MatMul', input: ['x', 'net/dense/w'] },
      { name: 'net/act/Relu', op: 'Relu', input: ['net/dense/MatMul'] },
      { name: 'net/act/Relu_1', op: 'Relu', input: ['net/act/Relu'] },
      { name: 'net/cast/Cast', op: 'Cast', input: ['ids'], attr: { DstT: { type: 'DT_FLOAT' } } },
    ],
    [{ name: 'net/dense/w', shape: [4, 3] }],
    ['net/act/Relu_1', 'net/cast/Cast'],
  );
}

/** One input without a declared shape -> Relu, one output. */
function shapelessGraph(name: string): string {
  return writeGraph(dir, name, [{ name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' } } }, { name: 'net/act/Relu', op: 'Relu', input: ['x'] }], [], ['net/act/Relu']);
}

/** x [-1, 256] -> Relu, + big [-1, 256, 256] (AddV2) -> Relu: one group `act`, the second Relu 256 times the first's work. */
function mixedGraph(name: string): string {
  return writeGraph(
    dir,
    name,
    [
      placeholder('x', [-1, 256]),
      placeholder('big', [-1, 256, 256]),
      { name: 'net/act/Relu', op: 'Relu', input: ['x'] },
      { name: 'net/act/AddV2', op: 'AddV2', input: ['net/act/Relu', 'big'] },
      { name: 'net/act/Relu_1', op: 'Relu', input: ['net/act/AddV2'] },
    ],
    [],
    ['net/act/Relu_1'],
  );
}

async function graphFile(file: string): Promise<GraphModelFile> {
  const read = await readModelFile(file);
  if (read.format !== 'tfjs-graph-model') throw new Error(`${file} is no graph model`);
  return read;
}

const analysis = 'graph model: the 5 "layers" are groups of the graph\'s 6 non-constant nodes by name scope (below "net"); params are the stored weights, all counted as trainable';
const weightValues = (model: tf.GraphModel): number[] => Array.from(model.weights['net/dense/w'][0].dataSync());
type Hooks = { checkTensorForDisposalWithNodeLiveUntilInfo: unknown; checkTensorForDisposal: unknown };
/** The executor's two per-node methods (sync and async runs) that the run wraps while it runs. */
const hook = (model: tf.GraphModel): unknown[] => {
  const executor = (model as unknown as { executor: Hooks }).executor;
  return [executor.checkTensorForDisposalWithNodeLiveUntilInfo, executor.checkTensorForDisposal];
};

describe('loading a graph model', () => {
  it('with its shard: the stored values, the notes in order, shapes from one run', async () => {
    const before = tf.memory().numTensors;
    const loaded = await loadGraphModelFile(tf, denseGraph('dense'));
    try {
      expect(weightValues(loaded.model)).toEqual(Array.from(Float32Array.from({ length: 12 }, (_, i) => i / 1000)));
      expect(loaded.report.diagnostics).toEqual([
        { severity: 'info', message: 'model file: TF.js graph model (7 nodes, converted by test)' },
        { severity: 'info', message: 'weights: loaded 1 stored weights from the shard files' },
        { severity: 'info', message: analysis },
      ]);
      expect([loaded.runnable, loaded.async]).toEqual([true, false]);
      // Unknown sizes but the batch run as 224: ids [1, 224, 5].
      expect(loaded.report.layers.map((l) => [l.name, l.outputShape, l.macs])).toEqual([
        ['x', [null, 4], 0],
        ['ids', [null, 224, 5], 0],
        // MatMul [1, 4] x [4, 3]: 4 * 3 MACs.
        ['dense', [null, 3], 12],
        ['act', [null, 3], 0],
        ['cast', [null, 224, 5], 0],
      ]);
      expect(['net/dense/MatMul', 'net/act/Relu_1', 'x'].map(loaded.groupOf)).toEqual(['dense', 'act', 'x']);
    } finally {
      loaded.model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without reading the weights (static analysis): zeros of the stored shapes, and said so', async () => {
    const loaded = await loadGraphModelFile(tf, denseGraph('dense-static'), { loadWeights: false });
    try {
      expect(weightValues(loaded.model)).toEqual(new Array(12).fill(0));
      expect(loaded.report.diagnostics.map((d) => d.message)).toEqual([
        'model file: TF.js graph model (7 nodes, converted by test)',
        'weights: not read (static analysis); the shapes come from a run with zero weights',
        analysis,
      ]);
      expect(loaded.report.layers.find((l) => l.name === 'dense')!.outputShape).toEqual([null, 3]);
    } finally {
      loaded.model.dispose();
    }
  });

  it('with its shard missing: zeros, and the reason', async () => {
    const file = denseGraph('dense-no-shard');
    unlinkSync(path.join(dir, 'dense-no-shard.bin'));
    const loaded = await loadGraphModel(tf, await graphFile(file), true);
    try {
      expect(weightValues(loaded.model)).toEqual(new Array(12).fill(0));
      expect(loaded.diagnostics).toEqual([
        {
          severity: 'warning',
          message: 'weights: 1 of the 1 shard files listed in weightsManifest are not next to dense-no-shard.json (dense-no-shard.bin); profiling with initialised weights (timings do not depend on weight values)',
        },
      ]);
      expect(loaded.unsupportedOps).toEqual([]);
    } finally {
      loaded.model.dispose();
    }
  });

  it('ops TF.js lacks: each named once with its first node and how many more', async () => {
    const file = writeGraph(
      dir,
      'fancy',
      [
        placeholder('x', [-1, 4]),
        { name: 'net/a/FancyOp', op: 'FancyOp', input: ['x'] },
        { name: 'net/b/FancyOp', op: 'FancyOp', input: ['net/a/FancyOp'] },
        { name: 'net/c/OddOp', op: 'OddOp', input: ['net/b/FancyOp'] },
      ],
      [],
      ['net/c/OddOp'],
    );
    const loaded = await loadGraphModel(tf, await graphFile(file), false);
    try {
      expect(loaded.unsupportedOps).toEqual(['FancyOp', 'OddOp']);
      expect(loaded.diagnostics).toEqual([
        { severity: 'info', message: 'weights: not read (static analysis); the shapes come from a run with zero weights' },
        {
          severity: 'warning',
          code: 'unsupported-layer',
          layer: 'net/a/FancyOp',
          message: 'op "FancyOp" (node "net/a/FancyOp" and 1 more) is not implemented by TF.js: the graph is analysed from the file (shapes and MACs only where known) and not timed',
        },
        {
          severity: 'warning',
          code: 'unsupported-layer',
          layer: 'net/c/OddOp',
          message: 'op "OddOp" (node "net/c/OddOp") is not implemented by TF.js: the graph is analysed from the file (shapes and MACs only where known) and not timed',
        },
      ]);
    } finally {
      loaded.model.dispose();
    }
  });

  it('a graph whose run fails: the model is disposed before the error', async () => {
    const file = writeGraph(dir, 'bad-matmul', [placeholder('x', [1, 3]), constant('w'), { name: 'y', op: 'MatMul', input: ['x', 'w'] }], [{ name: 'w', shape: [4, 2] }], ['y']);
    const before = tf.memory().numTensors;
    await expect(loadGraphModelFile(tf, file)).rejects.toThrow(/^bad-matmul\.json: TF\.js could not run the graph once: Error in matMul: inner shapes \(3\) and \(4\)/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a file that is no graph model: named', async () => {
    const json = path.join(__dirname, '..', 'fixtures', 'models', 'keras2-sequential.json');
    const error = await loadGraphModelFile(tf, json).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe('keras2-sequential.json: field "format": is not a TF.js graph model ("format": "graph-model")');
  });
});

describe('running a graph model', () => {
  let model: tf.GraphModel;
  let shapeless: tf.GraphModel;
  beforeAll(async () => {
    model = (await loadGraphModel(tf, await graphFile(denseGraph('run')), true)).model;
    shapeless = (await loadGraphModel(tf, await graphFile(shapelessGraph('shapeless')), true)).model;
  });
  afterAll(() => {
    model.dispose();
    shapeless.dispose();
  });

  it('inputs: the batch first, other unknown sizes 224, int32 inputs zeros, float inputs in [0, 1)', () => {
    const inputs = graphInputs(tf, model, 2);
    try {
      expect(Object.entries(inputs).map(([name, t]) => [name, t.shape, t.dtype])).toEqual([
        ['x', [2, 4], 'float32'],
        ['ids', [2, 224, 5], 'int32'],
      ]);
      const x = Array.from(inputs.x.dataSync());
      expect(x.every((v) => v >= 0 && v < 1)).toBe(true);
      expect(new Set(x).size).toBeGreaterThan(1);
      expect(Array.from(inputs.ids.dataSync()).every((v) => v === 0)).toBe(true);
      // An input without a declared shape: the batch alone.
      const one = graphInputs(tf, shapeless, 3);
      expect(one.x.shape).toEqual([3]);
      tf.dispose(Object.values(one));
    } finally {
      tf.dispose(Object.values(inputs));
    }
  });

  it("records every node's first output shape (batch 1), the inputs' included, and leaves the executor as it was", async () => {
    const before = tf.memory().numTensors;
    const original = hook(model);
    const shapes = await recordShapes(tf, model, false);
    expect(Object.fromEntries(shapes)).toEqual({
      x: [1, 4],
      ids: [1, 224, 5],
      'net/dense/MatMul': [1, 3],
      'net/act/Relu': [1, 3],
      'net/act/Relu_1': [1, 3],
      'net/cast/Cast': [1, 224, 5],
    });
    expect(hook(model)).toEqual(original);
    expect(tf.memory().numTensors).toBe(before);
    // One output (not a list), and through executeAsync.
    const single = tf.memory().numTensors;
    expect([...(await recordShapes(tf, shapeless, true))]).toEqual([
      ['x', [1]],
      ['net/act/Relu', [1]],
    ]);
    expect([...(await recordShapes(tf, shapeless, false))]).toEqual([
      ['x', [1]],
      ['net/act/Relu', [1]],
    ]);
    expect(tf.memory().numTensors).toBe(single);
  });

  it('a run that fails: the executor as it was, the inputs disposed', async () => {
    const file = writeGraph(dir, 'bad-run', [placeholder('x', [1, 3]), constant('w'), { name: 'y', op: 'MatMul', input: ['x', 'w'] }], [{ name: 'w', shape: [4, 2] }], ['y']);
    const bad = (await loadGraphModel(tf, await graphFile(file), true)).model;
    try {
      const before = tf.memory().numTensors;
      const original = hook(bad);
      await expect(recordShapes(tf, bad, false)).rejects.toThrow(/^Error in matMul: inner shapes \(3\) and \(4\)/);
      expect(hook(bad)).toEqual(original);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      bad.dispose();
    }
  });

  it('kernels of one group: summed per kernel over its calls, every kernel of every call, no other group', async () => {
    const mixed = (await loadGraphModel(tf, await graphFile(mixedGraph('mixed')), true)).model;
    try {
      const result = await profileGraphModel(tf, mixed, (n) => n.split('/')[1] ?? n, { warmupRuns: 1, runs: 3, async: false });
      for (const s of result.samples) {
        expect(Object.keys(s.kernels)).toEqual(['act']);
        expect(s.kernels.act.map((k) => [k.name, k.calls])).toEqual([
          ['Relu', 2],
          ['Add', 1],
        ]);
        // The sum of both Relu calls, the second over 256 x 256 values: more than its first call alone.
        expect(s.kernels.act[0].ms).toBeGreaterThan(0);
        expect(s.kernels.act[0].ms).toBeLessThanOrEqual(s.layerMs.act);
      }
    } finally {
      mixed.dispose();
    }
  });

  it('profiles 2 warm-up and 10 timed passes by default: per group wall time and kernels (two Relu nodes: one kernel, 2 calls)', async () => {
    const groupOf = (n: string): string => n.split('/')[1] ?? n;
    const before = tf.memory().numTensors;
    const original = hook(model);
    const started = performance.now();
    const result = await profileGraphModel(tf, model, groupOf, { async: false });
    const elapsed = performance.now() - started;
    expect(result.pass).toMatchObject({ warmupRuns: 2, timedRuns: 10, batchSize: 1 });
    expect(Object.keys(result.layers).sort()).toEqual(['act', 'cast', 'dense']);
    expect(result.layers.act.kernels.map((k) => [k.name, k.calls])).toEqual([['Relu', 2]]);
    expect(result.layers.dense.kernels.map((k) => [k.name, k.calls])).toEqual([['BatchMatMul', 1]]);
    expect(result.layers.cast.kernels.map((k) => [k.name, k.calls])).toEqual([['Cast', 1]]);
    for (const name of ['act', 'dense', 'cast']) {
      const { medianMs, kernels } = result.layers[name];
      expect(kernels[0].medianMs).toBeGreaterThan(0);
      expect(kernels[0].medianMs).toBeLessThanOrEqual(medianMs!);
    }
    for (const s of result.samples) {
      const layerSum = Object.values(s.layerMs).reduce((a, b) => a + b, 0);
      expect(s.readbackMs).toBeGreaterThanOrEqual(0);
      expect(s.passMs).toBeGreaterThanOrEqual(layerSum + s.readbackMs);
      expect(s.passMs).toBeLessThan(elapsed);
      expect(s.predictMs).toBeGreaterThan(0);
      expect(s.predictMs).toBeLessThan(elapsed);
    }
    expect(hook(model)).toEqual(original);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports each pass, warm-up passes first and numbered apart; one output; batch size as asked', async () => {
    const passes: [number, boolean][] = [];
    const result = await profileGraphModel(tf, shapeless, (n) => n.split('/')[1] ?? n, { warmupRuns: 1, runs: 2, batchSize: 3, async: false, onPass: (_, index, warmup) => passes.push([index, warmup]) });
    expect(passes).toEqual([
      [0, true],
      [0, false],
      [1, false],
    ]);
    expect(result.pass).toMatchObject({ warmupRuns: 1, timedRuns: 2, batchSize: 3 });
    expect(result.layers.act.kernels.map((k) => [k.name, k.calls])).toEqual([['Relu', 1]]);
  });

  it('an aborted signal stops it before the first pass, its inputs disposed', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    controller.abort();
    const passes: number[] = [];
    const error = await profileGraphModel(tf, model, (n) => n, { async: false, signal: controller.signal, onPass: (_, i) => passes.push(i) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'AbortError', message: 'profiling cancelled' });
    expect(passes).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
