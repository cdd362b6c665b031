/**
 * The two JSON importers on small documents: what they report about the file (format, version,
 * notes), the weights manifest they accept, and the exact message of each manifest they refuse.
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { importKerasJson, isKerasModelJson, kerasVersionLabel } from '../../src/importers/kerasJson';
import { importModelBytes, modelDisplayName } from '../../src/importers/modelFile';
import { importTfjsModelJson, isTfjsModelJson, parseManifest } from '../../src/importers/tfjsModelJson';

type Json = Record<string, unknown>;

/** A Keras 2 functional model: input [null, 4] -> ReLU. */
const model = (extra: Json = {}): Json => ({
  class_name: 'Functional',
  config: {
    name: 'm',
    layers: [
      { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 4] }, inbound_nodes: [] },
      { class_name: 'ReLU', name: 'r', config: { name: 'r' }, inbound_nodes: [[['in', 0, 0, {}]]] },
    ],
    input_layers: [['in', 0, 0]],
    output_layers: [['r', 0, 0]],
  },
  ...extra,
});
const NO_WEIGHTS = 'weights: a Keras model config holds no weights; profiling with initialised weights (timings do not depend on weight values)';

describe('importKerasJson', () => {
  it('names the format and the Keras version, and notes that a config holds no weights', () => {
    const read = importKerasJson(model({ keras_version: '2.13.1' }), 'm.json');
    expect([read.file, read.format, read.formatDescription]).toEqual(['m.json', 'keras-json', 'Keras 2.13.1 model config (JSON)']);
    expect(read.diagnostics).toEqual([{ severity: 'info', message: NO_WEIGHTS }]);
    expect(read.topology.layers.map((l) => l.name)).toEqual(['in', 'r']);
    expect(importKerasJson(model(), 'm.json').formatDescription).toBe('Keras model config (JSON)');
    expect(importKerasJson(model({ module: 'keras' }), 'm.json').formatDescription).toBe('Keras 3 model config (JSON)');
    expect(importKerasJson(model({ registered_name: 'Functional' }), 'm.json').formatDescription).toBe('Keras 3 model config (JSON)');
    // {"model_config": ...} as HDF5 attributes hold it, a JSON string included.
    expect(importKerasJson({ model_config: JSON.stringify(model()), keras_version: '2.4.0' }, 'm.json').formatDescription).toBe('Keras 2.4.0 model config (JSON)');
  });

  it('tells a Keras config from a TF.js model.json', () => {
    expect(isKerasModelJson(model())).toBe(true);
    expect(isKerasModelJson({ model_config: {} })).toBe(true);
    expect(isKerasModelJson({ modelTopology: model(), class_name: 'Functional' })).toBe(false);
    expect(isKerasModelJson({ class_name: 5 })).toBe(false);
    expect(isKerasModelJson([])).toBe(false);
    expect(isTfjsModelJson({ modelTopology: 1 })).toBe(true);
    expect(isTfjsModelJson(model())).toBe(false);
    expect(kerasVersionLabel({ keras_version: 5 }, false)).toBe('Keras');
  });
});

describe('importTfjsModelJson', () => {
  it('names the format and version, reads the manifest, and notes nothing else', () => {
    const manifest = [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [2, 0], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }, { name: 'b', shape: [], dtype: 'float32', quantization: { scale: 1 } }] }];
    const read = importTfjsModelJson({ format: 'layers-model', modelTopology: model({ keras_version: '2.15.0' }), weightsManifest: manifest }, 'model.json');
    expect([read.format, read.formatDescription]).toEqual(['tfjs-layers-model', 'TF.js layers model (Keras 2.15.0)']);
    expect(read.diagnostics).toEqual([]);
    expect(read.weightsManifest).toEqual([{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [2, 0], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }, { name: 'b', shape: [], dtype: 'float32' }] }]);
    expect(importTfjsModelJson({ modelTopology: model({ module: 'keras' }) }, 'model.json').formatDescription).toBe('TF.js layers model (Keras 3)');
    expect(importTfjsModelJson({ modelTopology: { model_config: model() } }, 'model.json').weightsManifest).toBeUndefined();
  });

  it('refuses a graph model, saying what it is', () => {
    expect(() => importTfjsModelJson({ format: 'graph-model', modelTopology: {} }, 'model.json')).toThrow(
      'model.json: field "format": format "graph-model" is not supported (converted from a SavedModel or frozen graph: it has ops, not Keras layers); only TF.js layers models ("layers-model") and Keras files are',
    );
  });
});

describe('parseManifest', () => {
  const refused = (manifest: unknown): string => {
    try {
      parseManifest(manifest, 'model.json', []);
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFileError);
      return (e as Error).message;
    }
    return 'accepted';
  };

  it.each<[string, unknown, string]>([
    ['a group without weights', [{ paths: ['a.bin'] }], 'model.json: field "weightsManifest[0]": expected {"paths": [...], "weights": [...]}, got {"paths":["a.bin"]}'],
    ['a group without paths', [{ weights: [] }], 'model.json: field "weightsManifest[0]": expected {"paths": [...], "weights": [...]}, got {"weights":[]}'],
    ['a shard name that is no string', [{ paths: [3], weights: [] }], 'model.json: field "weightsManifest[0].paths[0]": expected a shard file name, got 3'],
    ['a weight without name', [{ paths: ['a.bin'], weights: [{ shape: [1], dtype: 'float32' }] }], 'model.json: field "weightsManifest[0].weights[0]": expected {"name", "shape", "dtype"}, got {"shape":[1],"dtype":"float32"}'],
    ['a weight without dtype', [{ paths: ['a.bin'], weights: [{ name: 'w', shape: [1] }] }], 'model.json: field "weightsManifest[0].weights[0]": expected {"name", "shape", "dtype"}, got {"name":"w","shape":[1]}'],
    ['a weight without shape', [{ paths: ['a.bin'], weights: [{ name: 'w', dtype: 'float32', shape: 3 }] }], 'model.json: field "weightsManifest[0].weights[0]": expected {"name", "shape", "dtype"}, got {"name":"w","dtype":"float32","shape":3}'],
    ['a fractional dimension in the second weight', [{ paths: ['a.bin'], weights: [{ name: 'a', shape: [1], dtype: 'float32' }, { name: 'b', shape: [1, 1.5], dtype: 'float32' }] }], 'model.json: field "weightsManifest[0].weights[1].shape": shape [1,1.5] must hold non-negative integers'],
  ])('refuses %s', (_what, manifest, message) => {
    expect(refused(manifest)).toBe(message);
  });

  it('reads no shard outside the model folder: absolute, .. or URL paths drop the manifest with a warning', () => {
    for (const bad of ['/etc/w.bin', '../w.bin', 'a/../../w.bin', 'https://example.com/w.bin', 'FILE://w.bin']) {
      const diagnostics: unknown[] = [];
      expect(parseManifest([{ paths: ['ok.bin', bad], weights: [] }], 'model.json', diagnostics as never)).toBeUndefined();
      expect(diagnostics).toEqual([{ severity: 'warning', message: `weights: shard paths outside the model's folder (${bad}) are not read; profiling with initialised weights` }]);
    }
    const four: unknown[] = [];
    parseManifest([{ paths: ['/a', '/b', '/c', '/d'], weights: [] }], 'model.json', four as never);
    expect(four).toEqual([{ severity: 'warning', message: "weights: shard paths outside the model's folder (/a, /b, /c) are not read; profiling with initialised weights" }]);
    for (const ok of ['w..bin', 'sub/../w.bin', 'shards/w.bin', 's3x/a://b.bin']) {
      const diagnostics: unknown[] = [];
      expect(parseManifest([{ paths: [ok], weights: [] }], 'model.json', diagnostics as never)).toEqual([{ paths: [ok], weights: [] }]);
      expect(diagnostics).toEqual([]);
    }
    expect(parseManifest(null, 'model.json', [])).toBeUndefined();
  });
});

describe('modelFile: names, notes and what is not a model', () => {
  it('names a model after its file, or its folder for model.json / config.json', () => {
    expect(modelDisplayName('/m/mobilenet-v1.model.json')).toBe('mobilenet-v1');
    expect(modelDisplayName('/m/resnet.KERAS')).toBe('resnet');
    expect(modelDisplayName('/m/x.h5')).toBe('x');
    expect(modelDisplayName('/m/x.hdf5')).toBe('x');
    expect(modelDisplayName('/m/x.onnx')).toBe('x');
    expect(modelDisplayName('/m/x.model')).toBe('x.model');
    expect(modelDisplayName('/m/x.json.bak')).toBe('x.json.bak');
    expect(modelDisplayName('/m/.json')).toBe('.json');
    expect(modelDisplayName('/zoo/effnet/model.json')).toBe('effnet');
    expect(modelDisplayName('/zoo/effnet/Config.JSON')).toBe('effnet');
    expect(modelDisplayName('/zoo/effnet/my-model.json')).toBe('my-model');
    expect(modelDisplayName('/zoo/effnet/model.json.txt')).toBe('model.json.txt');
  });

  it('puts the file and model first in the notes, then the importer\'s', () => {
    const read = importModelBytes(Buffer.from(JSON.stringify(model({ keras_version: '2.13.1' }))), '/x/tiny.json');
    expect(read.report.diagnostics.slice(0, 2)).toEqual([
      { severity: 'info', message: 'model file: Keras 2.13.1 model config (JSON), model "m"' },
      { severity: 'info', message: NO_WEIGHTS },
    ]);
    expect(read.report.model.name).toBe('tiny');
  });

  it('says what the top level holds when it is no model', () => {
    const keys = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 };
    const message = (json: unknown): string => {
      try {
        importModelBytes(Buffer.from(JSON.stringify(json)), 'x.json');
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    const start = 'x.json: not a Keras or TF.js model: expected "modelTopology" (TF.js model.json) or "class_name" and "config" (Keras model config) at the top level; found';
    expect(message(keys)).toBe(`${start} keys a, b, c, d, e, f`);
    expect(message({})).toBe(`${start} keys none`);
    expect(message([1])).toBe(`${start} a list`);
    expect(message(5)).toBe(`${start} number`);
  });
});
