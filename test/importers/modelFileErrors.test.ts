// Every ModelFileError of the importers (besides the fixtures of badInput.test.ts) is reached here
// by an input that needs it, with its exact message: one case per rule, on small documents derived
// from one valid Keras 2 functional model. Files are built in memory (importModelBytes) or, where
// the rule is about the file itself, written to a temporary folder this test creates and removes.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFileError, parseJson } from '../../src/importers/errors';
import { importKerasJson } from '../../src/importers/kerasJson';
import { importModelBytes, readModelFile } from '../../src/importers/modelFile';
import { importTfjsModelJson } from '../../src/importers/tfjsModelJson';
import { checkTopology, MAX_NESTING_DEPTH, type Topology } from '../../src/importers/topology';

type Json = Record<string, unknown>;

/** A valid Keras 2 functional model: input [null, 4] -> Dense(2). Fresh on each call. */
function model(): Json {
  return {
    class_name: 'Functional',
    config: {
      name: 'm',
      layers: [
        { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'in' }, inbound_nodes: [] },
        { class_name: 'Dense', name: 'd', config: { units: 2, name: 'd' }, inbound_nodes: [[['in', 0, 0, {}]]] },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['d', 0, 0]],
    },
    keras_version: '2.13.1',
  };
}

/** The model with `edit` applied to its config (`c`), its input layer (`input`) and its Dense layer (`dense`). */
function edited(edit: (parts: { m: Json; c: Json; input: Json; dense: Json }) => void): Json {
  const m = model();
  const c = m.config as Json;
  const [input, dense] = c.layers as Json[];
  edit({ m, c, input, dense });
  return m;
}

/** A Sequential model config with these layers. */
const sequential = (config: unknown): Json => ({ class_name: 'Sequential', config });

/** A model nested `levels` deep: each level is a Functional whose only non-input layer is the next level. */
function nested(levels: number): Json {
  let inner: Json = model();
  for (let i = 0; i < levels; i++) {
    inner = edited(({ c }) => {
      c.layers = [
        (c.layers as Json[])[0],
        { class_name: 'Functional', name: `level${i}`, config: inner.config, inbound_nodes: [[['in', 0, 0, {}]]] },
      ];
      c.output_layers = [[`level${i}`, 0, 0]];
    });
  }
  return inner;
}

const bytes = (document: unknown): Uint8Array =>
  document instanceof Uint8Array ? document : strToU8(typeof document === 'string' ? document : JSON.stringify(document));
const errorOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

/** [rule, file name, document (JSON value, raw text or bytes), exact message]. */
const CASES: [string, string, unknown, string | RegExp][] = [
  ['inbound_nodes not a list', 'm.json', edited(({ dense }) => (dense.inbound_nodes = 'in')), 'm.json: layer "d" (Dense), field "inbound_nodes": expected a list of inbound nodes, got "in"'],
  ['an inbound node neither a list nor a Keras 3 object', 'm.json', edited(({ dense }) => (dense.inbound_nodes = [5])), 'm.json: layer "d" (Dense), field "inbound_nodes[0]": expected a list of [layer name, node index, tensor index, kwargs] entries (Keras 2) or an {"args", "kwargs"} object (Keras 3), got 5'],
  ['an inbound entry with a negative index', 'm.json', edited(({ dense }) => (dense.inbound_nodes = [[['in', -1, 0, {}]]])), 'm.json: layer "d" (Dense), field "inbound_nodes[0][0]": expected [layer name, node index, tensor index, kwargs] with indices >= 0, got ["in",-1,0,{}]'],
  ['a model input with a negative index', 'm.json', edited(({ c }) => (c.input_layers = [['in', 0, -1]])), 'm.json: field "input_layers[0]": expected [layer name, node index, tensor index] with indices >= 0, got ["in",0,-1]'],
  ['a model output that is no [name, node, tensor]', 'm.json', edited(({ c }) => (c.output_layers = 5)), 'm.json: field "output_layers": expected [layer name, node index, tensor index], got 5'],
  ['no input_layers', 'm.json', edited(({ c }) => delete c.input_layers), 'm.json: field "input_layers": is missing'],
  ['models nested too deep', 'm.json', nested(MAX_NESTING_DEPTH + 1), 'm.json: layer "level32/level31/level30/level29/level28/level27/level26/level25/level24/level23/level22/level21/level20/level19/level18/level17/level16/level15/level14/level13/level12/level11/level10/level9/level8/level7/level6/level5/level4/level3/level2/level1/level0": models are nested more than 32 levels deep'],
  ['a model.json topology without class name', 'model.json', { modelTopology: { config: {} } }, 'model.json: field "class_name": expected the model\'s class name, got undefined'],
  ['a model config that is no object', 'm.json', edited(({ m }) => (m.config = 5)), 'm.json: field "config": expected an object with "layers", "input_layers" and "output_layers", got 5'],
  ['layers not a list', 'm.json', edited(({ c }) => (c.layers = 5)), 'm.json: field "config.layers": expected a list of layers, got 5'],
  ['a layer that is no object', 'm.json', edited(({ c }) => (c.layers = [5])), 'm.json: field "layers[0]": expected a layer object, got 5'],
  ['a layer without class name', 'm.json', edited(({ dense }) => delete dense.class_name), 'm.json: layer "d", field "class_name": expected a class name, got undefined'],
  ['a layer without name', 'm.json', edited(({ dense }) => { delete dense.name; delete (dense.config as Json).name; }), 'm.json: field "layers[1].name": the layer has no name'],
  ['a layer config that is no object', 'm.json', edited(({ dense }) => (dense.config = 5)), 'm.json: layer "d" (Dense), field "config": expected the layer\'s config object, got 5'],
  ['a dtype that is neither a name nor a policy', 'm.json', edited(({ dense }) => ((dense.config as Json).dtype = 5)), 'm.json: layer "d" (Dense), field "dtype": expected a dtype name or a dtype policy, got 5'],
  ['an InputLayer without shape', 'm.json', edited(({ input }) => delete (input.config as Json).batch_input_shape), 'm.json: layer "in" (InputLayer), field "batch_input_shape": an InputLayer needs "batch_input_shape" (Keras 2) or "batch_shape" (Keras 3)'],
  ['an input shape without dimensions', 'm.json', edited(({ input }) => ((input.config as Json).batch_input_shape = [null])), 'm.json: layer "in" (InputLayer), field "batch_input_shape": expected [batch, ...dimensions], got [null]'],
  ['a fractional input dimension', 'm.json', edited(({ input }) => ((input.config as Json).batch_input_shape = [null, 2.5])), 'm.json: layer "in" (InputLayer), field "batch_input_shape": dimension 1 must be a positive integer or null, got 2.5'],
  ['a Sequential config without layers', 'm.json', sequential(5), 'm.json: field "config.layers": expected a Sequential config with a list of layers, got 5'],
  ['an empty Sequential model', 'm.json', sequential({ name: 's', layers: [] }), 'm.json: field "config.layers": the Sequential model has no layers'],
  ['a Sequential model without input shape', 'm.json', sequential({ name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }] }), 'm.json: field "config.layers[0]": the Sequential model does not say its input shape (no InputLayer, no "batch_input_shape" on its first layer, no "build_input_shape")'],
  [
    'an InputLayer after the first layer of a Sequential model',
    'm.json',
    sequential({ name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 4] } }, { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 2] } }] }),
    'm.json: layer "in" (InputLayer), field "class_name": an InputLayer can only be the first layer of a Sequential model',
  ],
  ['a model_config that is no object', 'm.json', { model_config: '5' }, 'm.json: field "model_config": "model_config" is not a model config object'],
  ['a .keras archive (read from disk, test/importers/kerasZip.test.ts)', 'm.keras', 'PK\u0003\u0004 broken', 'm.keras: .keras archives are read from disk (readModelFile), not from bytes'],
  ['an HDF5 file', 'm.h5', Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), 'm.h5: HDF5 files are read from disk (readModelFile), not from bytes'],
  ['weightsManifest not a list', 'model.json', { modelTopology: model(), weightsManifest: 5 }, 'model.json: field "weightsManifest": expected a list of weight groups, got 5'],
  ['a weight group without paths', 'model.json', { modelTopology: model(), weightsManifest: [5] }, 'model.json: field "weightsManifest[0]": expected {"paths": [...], "weights": [...]}, got 5'],
  ['an empty shard name', 'model.json', { modelTopology: model(), weightsManifest: [{ paths: [''], weights: [] }] }, 'model.json: field "weightsManifest[0].paths[0]": expected a shard file name, got ""'],
  ['a weight without name, shape and dtype', 'model.json', { modelTopology: model(), weightsManifest: [{ paths: ['a.bin'], weights: [5] }] }, 'model.json: field "weightsManifest[0].weights[0]": expected {"name", "shape", "dtype"}, got 5'],
  ['a weight with a negative dimension', 'model.json', { modelTopology: model(), weightsManifest: [{ paths: ['a.bin'], weights: [{ name: 'w', shape: [-1], dtype: 'float32' }] }] }, 'model.json: field "weightsManifest[0].weights[0].shape": shape [-1] must hold non-negative integers'],
  ['a model.json of another TF.js format', 'model.json', { format: 'frozen-model', modelTopology: model() }, 'model.json: field "format": format "frozen-model" is not supported; only TF.js layers models ("layers-model") and Keras files are'],
  ['modelTopology that is no object', 'model.json', { modelTopology: 5 }, 'model.json: field "modelTopology": expected a Keras model topology object, got 5'],
  ['an InputLayer with inbound nodes', 'm.json', edited(({ input }) => (input.inbound_nodes = [[['d', 0, 0, {}]]])), 'm.json: layer "in" (InputLayer), field "inbound_nodes": an InputLayer takes no inputs, but this one has inbound nodes'],
  ['no model inputs', 'm.json', edited(({ c }) => (c.input_layers = [])), 'm.json: field "input_layers": the model lists no inputs'],
  ['no layers', 'm.json', edited(({ c }) => (c.layers = [])), 'm.json: field "layers": the model has no layers'],
  ['an empty file', 'm.json', '  \n', 'm.json: the file is empty; expected a JSON model'],
  // V8 words this one itself: its text may differ between Node versions.
  ['JSON.parse rejects what the scanner passes (a bad escape)', 'm.json', '{"a": "\\x"}', /^m\.json: not valid JSON \(Bad escaped character in JSON at position 8\)$/],
];

describe('ModelFileError: each rule of the importers is reached, with its exact message', () => {
  it.each(CASES)('%s', (_rule, file, document, message) => {
    const error = errorOf(() => importModelBytes(bytes(document), file));
    expect(error).toBeInstanceOf(ModelFileError);
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });

  it('an input size asked for a model whose image input has a fixed size', () => {
    const fixed = edited(({ input, dense }) => {
      (input.config as Json).batch_input_shape = [null, 8, 8, 3];
      dense.class_name = 'ReLU';
      dense.config = { name: 'd' };
    });
    expect(importModelBytes(bytes(fixed), 'm.json', { inputSize: 8 }).report.model.inputShapes).toEqual([[null, 8, 8, 3]]);
    expect(errorOf(() => importModelBytes(bytes(fixed), 'm.json', { inputSize: 71 }))).toMatchObject({
      name: 'ModelFileError',
      message: 'm.json: layer "in" (InputLayer), field "batch_input_shape": the input has a fixed size of 8x8, so an input size of 71 cannot be applied; an input size applies only to inputs whose height and width are open (null)',
    });
  });

  it('the importers\' own checks of what the file reader has already ruled out, called directly', () => {
    // modelFile.ts sends only objects with "class_name" (or "model_config") to importKerasJson,
    // and only objects with "modelTopology" to importTfjsModelJson; both are public and say so too.
    expect(errorOf(() => importKerasJson({ config: {} }, 'k.json'))).toMatchObject({
      name: 'ModelFileError',
      message: 'k.json: not a Keras model config: expected "class_name" and "config" at the top level (as model.to_json() writes)',
    });
    expect(errorOf(() => importTfjsModelJson([], 'model.json'))).toMatchObject({ name: 'ModelFileError', message: 'model.json: expected a JSON object, got []' });
    // The parser stops nesting at MAX_NESTING_DEPTH first; checkTopology guards topologies built in code.
    let topology: Topology = { name: 'leaf', layers: [{ name: 'in', className: 'InputLayer', config: {}, calls: [] }], inputs: [{ layer: 'in', call: 0, tensor: 0 }], outputs: [{ layer: 'in', call: 0, tensor: 0 }] };
    for (let i = 0; i <= MAX_NESTING_DEPTH; i++) {
      topology = {
        name: `level${i}`,
        layers: [
          { name: 'in', className: 'InputLayer', config: {}, calls: [] },
          { name: 'inner', className: 'Functional', config: {}, calls: [{ inputs: [{ layer: 'in', call: 0, tensor: 0 }], kwargs: {} }], model: topology },
        ],
        inputs: [{ layer: 'in', call: 0, tensor: 0 }],
        outputs: [{ layer: 'inner', call: 0, tensor: 0 }],
      };
    }
    expect(errorOf(() => checkTopology(topology, { file: 'deep.json' }))).toMatchObject({
      name: 'ModelFileError',
      message: `deep.json: layer "${Array(MAX_NESTING_DEPTH + 1).fill('inner').join('/')}": models are nested more than ${MAX_NESTING_DEPTH} levels deep`,
    });
  });
});

describe('ModelFileError: rules about the file itself', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xp-model-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a JSON model over 256 MiB and an HDF5 / .keras file over 4 GiB are not read (sparse files: no disk space used)', async () => {
    const sparse = (name: string, bytes: number): string => {
      const file = path.join(dir, name);
      writeFileSync(file, '');
      truncateSync(file, bytes);
      return file;
    };
    await expect(readModelFile(sparse('huge.json', 256 * 2 ** 20 + 1))).rejects.toMatchObject({
      name: 'ModelFileError',
      message: 'huge.json: is 256.0 MiB; JSON model files over 256.0 MiB are not read (weights belong in shard files)',
    });
    await expect(readModelFile(sparse('huge.keras', 4 * 2 ** 30 + 1))).rejects.toMatchObject({
      name: 'ModelFileError',
      message: 'huge.keras: is 4.00 GiB; HDF5, .keras and .onnx files over 4.00 GiB are not read',
    });
  });

  it('parseJson names the file of an empty text', () => {
    expect(errorOf(() => parseJson('', 'empty.json'))).toMatchObject({ message: 'empty.json: the file is empty; expected a JSON model' });
  });
});
