// TF.js graph models: a real converted model (test/fixtures/models/tfjs-graph/human-emotion, from
// npm @vladmandic/human 3.3.6, MIT) and tiny graphs written here for each counting rule and
// error path. MACs are worked by hand from the TensorFlow op definitions (graphModelOps.ts).
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { commonScope, scopeOf } from '../../src/importers/graphModelAnalysis';
import { loadGraphModelFile, type LoadedGraphModel } from '../../src/importers/graphModelLoad';
import { profileGraphModel } from '../../src/importers/graphModelRun';
import { constant, ints, placeholder, str, writeGraph } from './tinyGraph';

const emotion = path.join(__dirname, '..', 'fixtures', 'models', 'tfjs-graph', 'human-emotion', 'emotion.json');
const layer = (loaded: LoadedGraphModel, name: string) => loaded.report.layers.find((l) => l.name === name)!;

describe('a real TF.js graph model (human emotion, mini-Xception style, 45 nodes)', () => {
  let loaded: LoadedGraphModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    loaded = await loadGraphModelFile(tf, emotion);
  });
  afterAll(() => loaded?.model.dispose());

  it('params equal the weight count of the file; nodes grouped by their Keras scopes', () => {
    const manifest = (JSON.parse(readFileSync(emotion, 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] }).weightsManifest;
    const stored = manifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(stored).toBe(205_129);
    expect(loaded.report.totals.params.trainable + loaded.report.totals.params.nonTrainable).toBe(205_129);
    expect(loaded.report.model.grouping).toMatch(/\/graph-scopes$/);
    expect(loaded.report.layers.map((l) => l.name).slice(0, 4)).toEqual(['input_1', 'block1_conv1_act', 'block1_conv2_act', 'separable_conv2d_1']);
    expect(loaded.report.model.inputShapes).toEqual([[null, 64, 64, 1]]);
    expect(loaded.report.model.outputShapes).toEqual([[null, 7]]);
    expect(layer(loaded, 'add_1').inbound).toEqual(['max_pooling2d_1', 'batch_normalization_1']);
    expect(loaded.report.diagnostics.some((d) => d.message.startsWith('graph model: the 22 "layers" are groups of the graph\'s 22 non-constant nodes by name scope'))).toBe(true);
  });

  it('shapes from one run and MACs as worked by hand', () => {
    // block1_conv1_act: _FusedConv2D 3x3 stride 2 valid, 64x64x1 -> 31x31x32: 31*31*32*9*1.
    expect(layer(loaded, 'block1_conv1_act').outputShape).toEqual([null, 31, 31, 32]);
    expect(layer(loaded, 'block1_conv1_act').macs).toBe(31 * 31 * 32 * 9);
    // separable_conv2d_1: DepthwiseConv2dNative 3x3 over 29x29x64: 29*29*64*9.
    expect(layer(loaded, 'separable_conv2d_1').macs).toBe(29 * 29 * 64 * 9);
    // block2_sepconv2_act: the pointwise 1x1 _FusedConv2D 64 -> 128 at 29x29: 29*29*128*64.
    expect(layer(loaded, 'block2_sepconv2_act').macs).toBe(29 * 29 * 128 * 64);
    // conv2d_5: 3x3 same, 8x8x256 -> 8x8x7: 8*8*7*9*256.
    expect(layer(loaded, 'conv2d_5').macs).toBe(8 * 8 * 7 * 9 * 256);
    expect(layer(loaded, 'conv2d_5').graphNodes).toEqual([{ name: 'StatefulPartitionedCall/model_1/conv2d_5/BiasAdd', op: '_FusedConv2D', outputShape: [null, 8, 8, 7], params: 16_135, macs: 1_032_192 }]);
    // max_pooling2d_1: 3x3 windows, 8 comparisons per output value of 15x15x128.
    expect(layer(loaded, 'max_pooling2d_1').elementwiseOps).toBe(15 * 15 * 128 * 8);
  });

  it('times every node group with the kernels it ran (one tf.profile per pass, attributed per node)', async () => {
    const result = await profileGraphModel(tf, loaded.model, loaded.groupOf, { warmupRuns: 0, runs: 1, async: false });
    const timed = loaded.report.layers.filter((l) => l.className !== 'InputLayer').map((l) => l.name);
    expect(Object.keys(result.layers).sort()).toEqual([...timed].sort());
    expect(result.layers.block1_conv2_act.kernels.map((k) => k.name)).toEqual(['FusedConv2D']);
    expect(result.layers.separable_conv2d_1.kernels.map((k) => k.name)).toEqual(['DepthwiseConv2dNative']);
    expect(result.layers.block1_conv2_act.medianMs).toBeGreaterThan(0);
    expect(result.pass.profiledMedianMs).toBeGreaterThanOrEqual(result.pass.layerSumMs!);
  });
});

describe('tiny graphs written here', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = mkdtempSync(path.join(tmpdir(), 'graph-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('MatMul, Einsum (as a matmul) and Conv2DBackpropInput, with name scopes as layers', async () => {
    const file = writeGraph(
      dir,
      'ops',
      [
        placeholder('x', [-1, 16]),
        placeholder('seq', [-1, 4, 16]),
        placeholder('fmap', [-1, 4, 4, 4]),
        constant('model/dense/w'),
        constant('model/proj/w'),
        constant('model/up/filter'),
        constant('model/up/sizes', 'DT_INT32'),
        { name: 'model/dense/MatMul', op: 'MatMul', input: ['x', 'model/dense/w'], attr: { transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'model/proj/einsum/Einsum', op: 'Einsum', input: ['seq', 'model/proj/w'], attr: { equation: str('bij,jk->bik'), N: { i: '2' } } },
        { name: 'model/up/conv2d_transpose', op: 'Conv2DBackpropInput', input: ['model/up/sizes', 'model/up/filter', 'fmap'], attr: { strides: ints(1, 2, 2, 1), padding: str('SAME'), data_format: str('NHWC'), dilations: ints(1, 1, 1, 1) } },
      ],
      [
        { name: 'model/dense/w', shape: [16, 8] },
        { name: 'model/proj/w', shape: [16, 8] },
        { name: 'model/up/filter', shape: [3, 3, 2, 4] },
        { name: 'model/up/sizes', shape: [4], values: [1, 8, 8, 2], dtype: 'int32' },
      ],
      ['model/dense/MatMul', 'model/proj/einsum/Einsum', 'model/up/conv2d_transpose'],
    );
    const loaded = await loadGraphModelFile(tf, file);
    try {
      expect(loaded.report.layers.map((l) => l.name)).toEqual(['x', 'seq', 'fmap', 'dense', 'proj', 'up']);
      // MatMul [1, 16] x [16, 8]: 1*16*8.
      expect(layer(loaded, 'dense').macs).toBe(16 * 8);
      // Einsum bij,jk->bik with b=1, i=4, j=16, k=8: one multiply-add per (b, i, j, k).
      expect(layer(loaded, 'proj').macs).toBe(4 * 16 * 8);
      // Conv2DBackpropInput: out_backprop 4x4x4, filter 3x3, 2 output channels: Hin*Win*Cin*kh*kw*Cout.
      expect(layer(loaded, 'up').outputShape).toEqual([null, 8, 8, 2]);
      expect(layer(loaded, 'up').macs).toBe(4 * 4 * 4 * 9 * 2);
      expect(layer(loaded, 'up').params.trainable).toBe(3 * 3 * 2 * 4 + 4);
    } finally {
      loaded.model.dispose();
    }
  });

  it('a graph TF.js loads but cannot run (inner sizes of a MatMul differ): the file and the reason named', async () => {
    const file = writeGraph(dir, 'bad-matmul', [placeholder('x', [1, 3]), constant('w'), { name: 'y', op: 'MatMul', input: ['x', 'w'] }], [{ name: 'w', shape: [4, 2] }], ['y']);
    const error = await loadGraphModelFile(tf, file).then(
      (loaded) => (loaded.model.dispose(), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(
      'bad-matmul.json: TF.js could not run the graph once: Error in matMul: inner shapes (3) and (4) of Tensors with shapes 1,3 and 4,2 and transposeA=false and transposeB=false must match.',
    );
  });

  it('an op TF.js lacks: named, analysed from the file, not runnable (so not timed)', async () => {
    const file = writeGraph(
      dir,
      'unknown-op',
      [placeholder('x', [-1, 8, 8, 3]), constant('net/conv/k'), { name: 'net/conv/Conv2D', op: 'Conv2D', input: ['x', 'net/conv/k'], attr: { strides: ints(1, 1, 1, 1), padding: str('SAME') } }, { name: 'net/magic/FancyOp', op: 'FancyOp', input: ['net/conv/Conv2D'] }],
      [{ name: 'net/conv/k', shape: [3, 3, 3, 4] }],
      ['net/magic/FancyOp'],
    );
    const loaded = await loadGraphModelFile(tf, file);
    try {
      expect(loaded.runnable).toBe(false);
      expect(loaded.report.diagnostics.map((d) => d.message)).toContain(
        'op "FancyOp" (node "net/magic/FancyOp") is not implemented by TF.js: the graph is analysed from the file (shapes and MACs only where known) and not timed',
      );
      expect(layer(loaded, 'conv').params.trainable).toBe(108);
      expect(layer(loaded, 'conv').macs).toBe(0);
      expect(loaded.report.diagnostics.map((d) => d.message)).toContain('the shapes of node "net/conv/Conv2D" (Conv2D) are unknown, so its MACs count as 0');
    } finally {
      loaded.model.dispose();
    }
  });

  it('control flow (a dynamic op): shapes through executeAsync, timed as a whole pass only', async () => {
    const file = writeGraph(dir, 'dynamic', [placeholder('x', [-1, 6]), { name: 'f/relu/Relu', op: 'Relu', input: ['x'] }, { name: 'f/where/Where', op: 'Where', input: ['f/relu/Relu'] }], [], ['f/where/Where']);
    const loaded = await loadGraphModelFile(tf, file);
    try {
      expect(loaded.async).toBe(true);
      expect(layer(loaded, 'relu').outputShape).toEqual([null, 6]);
      const result = await profileGraphModel(tf, loaded.model, loaded.groupOf, { warmupRuns: 0, runs: 1, async: true });
      expect(result.layers).toEqual({});
      expect(result.pass.profiledMedianMs).toBeGreaterThan(0);
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('name scopes', () => {
  it('strip the prefix every compute node shares and keep the next component', () => {
    const names = ['StatefulPartitionedCall/model/block1_conv1/Conv2D', 'StatefulPartitionedCall/model/block4_sepconv2/separable_conv2d/depthwise', 'Identity'];
    const prefix = commonScope(names);
    expect(prefix).toEqual(['StatefulPartitionedCall', 'model']);
    expect(names.map((n) => scopeOf(n, prefix))).toEqual(['block1_conv1', 'block4_sepconv2', 'Identity']);
  });
});
