// The model-file entry points (modelFile.ts) and the TF.js build (build.ts) on small documents
// written here: weights the manifest lists for a stand-in, the faithful-replacement check's note,
// files of the wrong kind for the loader asked, stand-ins (their notes, their config, at most five
// named), nested models (names restored, shapes checked) and the weight shards. Values by hand.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/importers/build';
import { analyzeImportedModel, importModelBytes, loadModelFile, readModelFile } from '../../src/importers/modelFile';
import { encodeModel, node, valueInfo } from '../../src/onnx/proto';
import { placeholder, writeGraph } from './tinyGraph';

type Json = Record<string, unknown>;
const call = (name: string): unknown[] => [[[name, 0, 0, {}]]];
const bytes = (json: unknown): Uint8Array => Buffer.from(JSON.stringify(json));

/** A Keras 2 functional model: input `shape` (with batch) -> `layers`, output the last layer. */
function functional(shape: (number | null)[], layers: Json[], name = 'f'): Json {
  return {
    class_name: 'Functional',
    config: {
      name,
      layers: [{ name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: shape }, inbound_nodes: [] }, ...layers],
      input_layers: [['in', 0, 0]],
      output_layers: [[layers[layers.length - 1].name, 0, 0]],
    },
  };
}

/** A TF.js layers model: Dense d (3 -> 4), then a `LearnedScale` (no TF.js class) with gamma and beta [4]. */
function scaled(paths: string[]): Json {
  return {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 4, batch_input_shape: [null, 3] } }, { class_name: 'LearnedScale', config: { name: 'scale' } }] },
    },
    weightsManifest: [
      {
        paths,
        weights: [
          { name: 'd/kernel', shape: [3, 4], dtype: 'float32' },
          { name: 'd/bias', shape: [4], dtype: 'float32' },
          { name: 'scale/gamma', shape: [4], dtype: 'float32' },
          { name: 'scale/beta', shape: [4], dtype: 'float32' },
        ],
      },
    ],
  };
}

const faithfulNote = /^faithful replacements checked against independent references on the cpu backend: (\d+ layers?), largest relative error (\d\.\de[-+]\d+)$/;
const grouped = (name: string, input: string): Json => ({ name, class_name: 'Conv2D', config: { name, filters: 4, kernel_size: 3, padding: 'same', groups: 2 }, inbound_nodes: call(input) });

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(path.join(tmpdir(), 'model-file-build-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the static report of a model file', () => {
  it('a stand-in has the params of every weight the manifest lists for it', () => {
    const checked = importModelBytes(bytes(scaled(['absent.bin'])), path.join(dir, 'model.json'));
    expect(checked.report.layers.find((l) => l.name === 'scale')!.params.trainable).toBe(4 + 4);
    // Dense 3*4 + 4, then gamma and beta.
    expect(checked.report.totals.params.trainable).toBe(3 * 4 + 4 + 8);
  });

  it('after the build, the build notes and the engine check follow the static notes (none given: the static ones alone)', async () => {
    // One unit: an output size of exactly 1 is no size below 1.
    const checked = importModelBytes(bytes(functional([null, 3], [{ name: 'd', class_name: 'Dense', config: { name: 'd', units: 1 }, inbound_nodes: call('in') }])), 'm.json');
    const built = await buildModel(tf, checked);
    try {
      expect(analyzeImportedModel(built.model, checked).diagnostics).toEqual(checked.report.diagnostics);
      expect(analyzeImportedModel(built.model, checked, built.diagnostics).diagnostics).toEqual([...checked.report.diagnostics, ...built.diagnostics]);
    } finally {
      built.model.dispose();
    }
  });
});

describe('loading model files', () => {
  it('a folder: "is not a file", as it is', async () => {
    await expect(readModelFile(path.join(__dirname, '..', 'fixtures', 'bad'))).rejects.toThrow(/^bad: is not a file$/);
  });

  it('graph models (TF.js, ONNX) are not Keras models: named, with the loader to use', async () => {
    const graph = writeGraph(dir, 'g', [placeholder('x', [-1, 4]), { name: 'net/act/Relu', op: 'Relu', input: ['x'] }], [], ['net/act/Relu']);
    await expect(loadModelFile(tf, graph)).rejects.toThrow(/^g\.json: is a graph of nodes \(TF\.js graph model \(2 nodes, converted by test\)\), not a Keras model: load it with graphModelLoad\.ts \/ onnxLoad\.ts$/);
    const onnxFile = path.join(dir, 'r.onnx');
    writeFileSync(onnxFile, encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'g', node: [node('Relu', ['x'], ['y'], 'act')], input: [valueInfo('x', [1, 4])], output: [valueInfo('y', [1, 4])] } }));
    await expect(loadModelFile(tf, onnxFile)).rejects.toThrow(/^r\.onnx: is a graph of nodes \(ONNX model \(1 nodes, opset ai\.onnx 13\)\), not a Keras model: load it with graphModelLoad\.ts \/ onnxLoad\.ts$/);
  });

  it('faithful replacements are checked against their references: one note for two grouped convolutions', async () => {
    const file = path.join(dir, 'grouped.json');
    writeFileSync(file, JSON.stringify(functional([null, 6, 6, 4], [grouped('g1', 'in'), grouped('g2', 'g1')])));
    const loaded = await loadModelFile(tf, file);
    try {
      const notes = loaded.report.diagnostics.filter((d) => d.message.startsWith('faithful replacements'));
      expect(notes).toHaveLength(1);
      expect(notes[0].severity).toBe('info');
      const [, count, error] = faithfulNote.exec(notes[0].message)!;
      expect(count).toBe('2 layers');
      // float32 convolutions against float64 references: a relative error of rounding, not 0, below 1e-4.
      expect(Number(error)).toBeGreaterThan(0);
      expect(Number(error)).toBeLessThan(1e-4);
      expect(loaded.report.diagnostics.filter((d) => d.code === 'faithful-mismatch')).toEqual([]);
    } finally {
      loaded.model.dispose();
    }
  });

  it('one faithful replacement: "1 layer"; none: no note', async () => {
    const one = path.join(dir, 'grouped-one.json');
    writeFileSync(one, JSON.stringify(functional([null, 6, 6, 4], [grouped('g1', 'in')])));
    const loaded = await loadModelFile(tf, one);
    try {
      expect(loaded.report.diagnostics.map((d) => faithfulNote.exec(d.message)?.[1]).filter(Boolean)).toEqual(['1 layer']);
    } finally {
      loaded.model.dispose();
    }
    const plain = path.join(dir, 'plain.json');
    writeFileSync(plain, JSON.stringify(functional([null, 3], [{ name: 'd', class_name: 'Dense', config: { name: 'd', units: 2 }, inbound_nodes: call('in') }])));
    const other = await loadModelFile(tf, plain);
    try {
      expect(other.report.diagnostics.filter((d) => d.message.startsWith('faithful'))).toEqual([]);
    } finally {
      other.model.dispose();
    }
  });
});

describe('building with TF.js', () => {
  it('a stand-in: its note, a trainable float32 layer with the listed weights, the missing shards said', async () => {
    const checked = importModelBytes(bytes(scaled(['absent.bin'])), path.join(dir, 'model.json'));
    const built = await buildModel(tf, checked);
    try {
      expect(built.diagnostics).toEqual([
        {
          severity: 'info',
          code: 'stand-in',
          layer: 'scale',
          message: 'layer "scale" of class "LearnedScale" is not supported by TF.js: it is analysed and timed as a shape-preserving stand-in (output = its first input; 0 MACs; weights only as the weights manifest lists them)',
        },
        {
          severity: 'warning',
          message: 'weights: 1 of the 1 shard files listed in weightsManifest are not next to model.json (absent.bin); profiling with initialised weights (timings do not depend on weight values)',
        },
      ]);
      const scale = built.model.getLayer('scale');
      expect(scale.getConfig()).toEqual({ name: 'scale', trainable: true });
      expect(scale.weights.map((w) => w.originalName)).toEqual(['scale/gamma', 'scale/beta']);
      expect(built.standIns).toEqual(['scale']);
    } finally {
      built.model.dispose();
    }
  });

  it('the shards: loaded by default, not read with loadWeights: false', async () => {
    const values = Float32Array.from({ length: 12 + 4 + 4 + 4 }, (_, i) => (i + 1) / 8);
    writeFileSync(path.join(dir, 'scaled.bin'), Buffer.from(values.buffer));
    const file = path.join(dir, 'scaled.json');
    writeFileSync(file, JSON.stringify(scaled(['scaled.bin'])));
    const checked = importModelBytes(bytes(scaled(['scaled.bin'])), file);
    const loaded = await buildModel(tf, checked);
    const unread = await buildModel(tf, checked, { loadWeights: false });
    try {
      expect(loaded.diagnostics.map((d) => d.message).filter((m) => m.startsWith('weights:'))).toHaveLength(1);
      // Bias of d: values 13..16 of the shard, / 8.
      expect(Array.from(loaded.model.getLayer('d').getWeights()[1].dataSync())).toEqual([13 / 8, 14 / 8, 15 / 8, 2]);
      expect(unread.diagnostics.map((d) => d.code)).toEqual(['stand-in']);
      expect(Array.from(unread.model.getLayer('d').getWeights()[1].dataSync())).toEqual([0, 0, 0, 0]);
    } finally {
      loaded.model.dispose();
      unread.model.dispose();
    }
  });

  it('layers TF.js refuses the names of: built under internal names, their shard weights matched (the longer name first), original names restored', async () => {
    // "x y/z" starts with "x y/": its weights must not be renamed as those of "x y".
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'x y', units: 2, batch_input_shape: [null, 3] } }, { class_name: 'Dense', config: { name: 'x y/z', units: 2 } }] },
      },
      weightsManifest: [
        {
          paths: ['renamed.bin'],
          weights: [
            { name: 'x y/kernel', shape: [3, 2], dtype: 'float32' },
            { name: 'x y/bias', shape: [2], dtype: 'float32' },
            { name: 'x y/z/kernel', shape: [2, 2], dtype: 'float32' },
            { name: 'x y/z/bias', shape: [2], dtype: 'float32' },
          ],
        },
      ],
    };
    writeFileSync(path.join(dir, 'renamed.bin'), Buffer.from(Float32Array.from({ length: 6 + 2 + 4 + 2 }, (_, i) => i / 8).buffer));
    const checked = importModelBytes(bytes(json), path.join(dir, 'renamed.json'));
    const built = await buildModel(tf, checked);
    try {
      expect(built.model.layers.map((l) => l.name)).toEqual(['x y_input', 'x y', 'x y/z']);
      // The input layer Keras adds to a Sequential model takes the first layer's name.
      expect([...built.names]).toEqual([
        ['x_y_input', 'x y_input'],
        ['x_y', 'x y'],
        ['x_y_z', 'x y/z'],
      ]);
      // Shard order: x y's kernel 0..5 and bias 6, 7; x y/z's kernel 8..11 and bias 12, 13 (/ 8).
      expect(Array.from(built.model.getLayer('x y').getWeights()[1].dataSync())).toEqual([6 / 8, 7 / 8]);
      expect(Array.from(built.model.getLayer('x y/z').getWeights()[0].dataSync())).toEqual([8 / 8, 9 / 8, 10 / 8, 11 / 8]);
      expect(Array.from(built.model.getLayer('x y/z').getWeights()[1].dataSync())).toEqual([12 / 8, 13 / 8]);
      expect(built.diagnostics.map((d) => d.message)).toContain(
        '3 layer names TF.js refuses (spaces, a leading underscore, non-ASCII, "/"...) get internal names while TF.js builds; the report shows the original names: "x y_input", "x y", "x y/z"',
      );
      expect(built.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    } finally {
      built.model.dispose();
    }
  });

  it('a build failure names at most five stand-ins', async () => {
    // A custom activation function (as Keras 3 saves one): TF.js refuses it while it builds.
    const activation = { module: null, class_name: 'function', config: 'my_act', registered_name: 'function' };
    const unknown = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((name, i, all) => ({ name, class_name: 'FixedDropout', config: { name }, inbound_nodes: call(i ? all[i - 1] : 'in') }));
    const dense = { name: 'dense', class_name: 'Dense', config: { name: 'dense', units: 2, activation }, inbound_nodes: call('u6') };
    const checked = importModelBytes(bytes(functional([null, 6], [...unknown, dense])), 'm.json');
    const error = await buildModel(tf, checked).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/^m\.json: TF\.js could not build the model: Unknown activation: function\. [^\n]*; unsupported layers stood in as shape-preserving: "u1", "u2", "u3", "u4", "u5"$/);
  });

  it('nested models: an output size below 1 named by its path; original names restored inside', async () => {
    const inner = (layers: Json[]): Json => ({ ...functional([null, 2, 3], layers, 'inner'), name: 'inner', inbound_nodes: call('in') });
    const pool = { name: 'pool', class_name: 'MaxPooling1D', config: { name: 'pool', pool_size: 4, strides: 4 }, inbound_nodes: call('in') };
    // Averaged over its (zero) steps after the pooling, the nested model's own output is [null, 3].
    const gap = { name: 'gap', class_name: 'GlobalAveragePooling1D', config: { name: 'gap' }, inbound_nodes: call('pool') };
    const bad = importModelBytes(bytes(functional([null, 2, 3], [inner([pool, gap])])), 'm.json');
    await expect(buildModel(tf, bad)).rejects.toThrow(/^m\.json: layer "inner\/pool" \(MaxPooling1D\), field "output shape": TF\.js computes the output shape \[null, 0, 3\], which has a dimension below 1$/);
    const dense = { name: 'dense 1', class_name: 'Dense', config: { name: 'dense 1', units: 2 }, inbound_nodes: call('in') };
    const good = importModelBytes(bytes(functional([null, 2, 3], [inner([dense])])), 'm.json');
    const built = await buildModel(tf, good);
    try {
      const nested = built.model.getLayer('inner') as unknown as tf.LayersModel;
      expect(nested.layers.map((l) => l.name)).toEqual(['in', 'dense 1']);
      expect([...built.names]).toEqual([['dense_1', 'dense 1']]);
    } finally {
      built.model.dispose();
    }
  });
});
