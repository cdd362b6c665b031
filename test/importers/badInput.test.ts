// Every bad-input rule has a broken file in test/fixtures/bad/: each must fail with a message that
// names the file, the layer and the field, within 2 s, through the whole load path (the one that
// would otherwise hand the file to TF.js), and leave the file as it was.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { loadModelFile } from '../../src/importers/modelFile';

const bad = (name: string): string => path.join(__dirname, '..', 'fixtures', 'bad', name);

/** [file, rule, the exact message]. */
const CASES: [string, string, string][] = [
  ['malformed.json', 'malformed JSON', 'malformed.json: not valid JSON at line 4, column 3: unexpected "]", expected a value'],
  [
    'wrong-nesting.json',
    'wrong nesting of inbound_nodes (TF.js loops forever on it)',
    'wrong-nesting.json: layer "conv" (Conv2D), field "inbound_nodes[0]": one level of nesting is missing: each inbound node is a list of entries, e.g. [["input_1", 0, 0, {}]], but got ["input_1",0,0,{}]',
  ],
  ['node-index.json', 'a node index that does not exist (TF.js loops forever on it)', 'node-index.json: layer "relu" (ReLU), field "inbound_nodes[0][0]": refers to call 3 of layer "conv", which is called 1 time(s)'],
  ['cycle.json', 'a cycle', 'cycle.json: layer "b" (ReLU), field "inbound_nodes": the layers "b" -> "c" -> "a" -> "b" form a cycle; a model must be a directed acyclic graph'],
  ['missing-layer.json', 'a missing layer', 'missing-layer.json: layer "head" (Dense), field "inbound_nodes[0][0]": refers to layer "features", which is not in the model'],
  ['zero-filters.json', 'a zero size', 'zero-filters.json: layer "conv_zero" (Conv2D), field "filters": must be positive, got 0'],
  ['negative-size.json', 'a negative size', 'negative-size.json: layer "images" (InputLayer), field "batch_input_shape": dimension 2 must be positive, got -3'],
  ['zero-dilation.json', 'a zero dilation rate', 'zero-dilation.json: layer "atrous" (Conv2D), field "dilation_rate": a dilation rate of [0,0] is not allowed; it must be at least 1 (1 = no dilation)'],
  [
    'kernel-too-large.json',
    'a kernel larger than its padded input',
    'kernel-too-large.json: layer "big_kernel" (Conv2D), field "kernel_size": kernel_size 7x7 is larger than its input 5x5 with padding "valid"; pad the input or use padding "same"',
  ],
  [
    'absurd-size.json',
    'absurd weight sizes',
    'absurd-size.json: layer "huge" (Dense), field "units": needs 4,097,000,000,000 weights (15262.51 GiB as float32), more than the 268,435,456 a tensor may hold here; the sizes are absurd',
  ],
  [
    'absurd-activation.json',
    'absurd activation sizes',
    'absurd-activation.json: layer "in" (InputLayer), field "batch_input_shape": the output [null, 100000, 100000, 3] holds 30,000,000,000 values per image (111.76 GiB as float32), more than the 268,435,456 a tensor may hold here; the sizes are absurd or the model is far too large to profile',
  ],
  [
    'not-a-model.json',
    'JSON that is no model',
    'not-a-model.json: not a Keras or TF.js model: expected "modelTopology" (TF.js model.json) or "class_name" and "config" (Keras model config) at the top level; found keys name, version, dependencies',
  ],
  [
    'graph-model.json',
    'a TF.js graph model without nodes',
    'graph-model.json: field "modelTopology.node": the graph has no nodes',
  ],
  [
    'graph-model-missing-input.json',
    'a TF.js graph model whose node reads a node that does not exist',
    'graph-model-missing-input.json: layer "conv" (Conv2D), field "input": input "features" is not a node of the graph',
  ],
  ['unknown-activation.json', 'an activation TF.js does not know', 'unknown-activation.json: layer "head" (Dense), field "activation": activation "nonexistent_act" is neither one TF.js knows nor one computed here as Keras does'],
  ['not-a-zip.keras', 'a .keras file that is not a zip', 'not-a-zip.keras: a .keras file must be a zip archive (holding config.json), but this one is not'],
  [
    'no-config.keras',
    'a .keras zip without config.json',
    'no-config.keras: the archive has no config.json (found: metadata.json, model.weights.h5); a .keras file holds config.json, metadata.json and model.weights.h5',
  ],
];

const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('bad model files', () => {
  it.each(CASES)('%s (%s): a named error, the file untouched', async (name, _rule, message) => {
    const file = bad(name);
    const before = { hash: digest(file), mtime: statSync(file).mtimeMs };
    const error = await loadModelFile(tf, file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(`${message}`);
    expect({ hash: digest(file), mtime: statSync(file).mtimeMs }).toEqual(before);
  });

  it('a missing file and a folder are named errors too', async () => {
    await expect(loadModelFile(tf, bad('nope.json'))).rejects.toThrow(`nope.json: does not exist: ${bad('nope.json')}`);
    await expect(loadModelFile(tf, path.join(__dirname, '..', 'fixtures', 'bad'))).rejects.toThrow('bad: is not a file');
  });
});
