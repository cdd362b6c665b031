// Every ModelFileError of the HDF5 readers (h5.ts, h5Weights.ts, kerasH5.ts) and of the .keras
// weights (kerasZip.ts) reached by a small file crafted here, with its exact message: the file,
// the layer and the field named. Files are written with h5wasm and fflate, then broken on purpose.
import * as tf from '@tensorflow/tfjs';
import { strToU8, zipSync } from 'fflate';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { H5Reader, h5Reason, isHdf5 } from '../../src/importers/h5';
import { listH5Weights, matchH5Weights } from '../../src/importers/h5Weights';
import { extractZipEntry } from '../../src/importers/kerasZip';
import { loadModelFile, readModelFile } from '../../src/importers/modelFile';
import { analyzeTopology } from '../../src/analysis/analyze';
import { parseKerasModel } from '../../src/importers/kerasConfig';
import { xceptionKerasConfig } from '../../src/model/xceptionConfig';
import { editH5, setNames, tinyConfig, tinyWeights, writeKeras2H5, type WeightToWrite } from '../helpers/h5Files';
import { importKerasH5 } from '../../src/importers/kerasH5';
import type { H5Weight, H5WeightsLayout, StoredWeights } from '../../src/importers/types';
import h5wasm from 'h5wasm/node';
import type { File as H5File, Group as H5Group } from 'h5wasm';

let dir: string;
const at = (name: string): string => path.join(dir, name);

/** The error `run` fails with (undefined when it does not fail). */
async function failure(run: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    const result = await run();
    (result as { model?: tf.LayersModel } | undefined)?.model?.dispose();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** A .keras archive of the tiny model (Keras 3 config form is not needed: the Keras 2 config reads the same) with `weights` as model.weights.h5. */
function writeKeras(file: string, weights: Uint8Array, level: 0 | 6 = 0): Uint8Array {
  const bytes = zipSync({ 'config.json': strToU8(JSON.stringify(tinyConfig)), 'metadata.json': strToU8('{"keras_version": "3.4.1"}'), 'model.weights.h5': [weights, { level }] });
  writeFileSync(file, bytes);
  return bytes;
}

/** Offset of the data of the zip entry `name` (after its local header). */
function entryData(zip: Uint8Array, name: string): number {
  const header = Buffer.from(zip).indexOf(Buffer.from(name)) - 30;
  const view = new DataView(zip.buffer, zip.byteOffset);
  return header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
}

/** Keras 3 weights of the tiny model: layers/<name>/vars/<i>. */
async function writeKeras3Weights(file: string, edit?: (h5: H5File) => void): Promise<void> {
  const h5 = new h5wasm.File(file, 'w');
  try {
    const layers = h5.create_group('layers');
    for (const [layer, weights] of tinyWeights()) {
      const vars = layers.create_group(layer).create_group('vars');
      weights.forEach((w, i) => vars.create_dataset({ name: String(i), data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)), shape: w.shape, dtype: '<f' }));
    }
    edit?.(h5);
  } finally {
    h5.close();
  }
}

/** The exact message each crafted file fails with. */
const EXPECTED: Record<string, string> = {
  'layer-without-group.h5':
    'layer-without-group.h5: layer "extra", field "layer_names": layer_names lists layer "extra", but the file has no group "model_weights/extra"',
  'weight-without-dataset.h5':
    'weight-without-dataset.h5: layer "out", field "weight_names": missing weight "out/gamma:0": weight_names lists it, but the file has no dataset "model_weights/out/out/gamma:0"',
  'weight-under-a-dataset.h5':
    'weight-under-a-dataset.h5: layer "out", field "model_weights/out/out/kernel:0": HDF5 cannot read object "model_weights/out/out/kernel:0": message type not found',
  'bias-missing.h5':
    'bias-missing.h5: layer "conv" (Conv2D), field "model_weights/conv/conv/kernel:0": the file stores 1 weight for it (conv/kernel:0), the layer has 2 (conv/kernel, conv/bias)',
  'empty-model-weights.h5':
    'empty-model-weights.h5: field "model_weights": no weights found under "model_weights"',
  'damaged-attribute.h5':
    'damaged-attribute.h5: field "model_config": HDF5 cannot read attribute "model_config": incorrect metadata checksum after all read attempts',
  'damaged-values.h5':
    'damaged-values.h5: layer "out", field "model_weights/out/out/kernel:0": HDF5 cannot read the values: filter returned failure during read',
  'string-weight.h5':
    'string-weight.h5: layer "out", field "model_weights/out/out/bias:0": expected numbers, found Array (dtype "S")',
  'var-is-a-group.keras':
    'var-is-a-group.keras › model.weights.h5: layer "out", field "layers/out/vars/2": "layers/out/vars/2" is not a dataset',
  'no-layers-group.keras':
    'no-layers-group.keras › model.weights.h5: field "layers": has no "layers" group (Keras 3 writes layers/<name>/vars)',
  'corrupt-deflate.keras':
    'corrupt-deflate.keras: field "model.weights.h5": cannot be decompressed (invalid block type)',
  'unknown-method.keras':
    'unknown-method.keras: field "model.weights.h5": cannot be decompressed (unsupported compression method: 99)',
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'h5-errors-'));
  await writeKeras2H5(at('tiny.h5'), tinyWeights(), tinyConfig);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Keras 2 HDF5 weights: each broken part named', () => {
  it.each<[string, (file: string) => Promise<void>]>([
    ['layer-without-group.h5', async (file) => {
      await writeKeras2H5(file, tinyWeights(), tinyConfig);
      await editH5(file, (h5) => setNames(h5, 'model_weights', 'layer_names', ['conv', 'flatten', 'out', 'extra']));
    }],
    ['weight-without-dataset.h5', async (file) => {
      await writeKeras2H5(file, tinyWeights(), tinyConfig);
      await editH5(file, (h5) => setNames(h5, 'model_weights/out', 'weight_names', ['out/kernel:0', 'out/bias:0', 'out/gamma:0']));
    }],
    ['weight-under-a-dataset.h5', async (file) => {
      // weight_names says out/kernel:0 sits in a group "out", but "out" is a dataset here.
      await writeKeras2H5(file, tinyWeights({ out: [{ name: 'out', shape: [3] }] }), tinyConfig);
      await editH5(file, (h5) => setNames(h5, 'model_weights/out', 'weight_names', ['out/kernel:0', 'out/bias:0']));
    }],
    ['bias-missing.h5', (file) => writeKeras2H5(file, tinyWeights({ conv: [{ name: 'conv/kernel:0', shape: [3, 3, 1, 2] }] }), tinyConfig)],
    ['empty-model-weights.h5', async (file) => {
      const h5 = new h5wasm.File(file, 'w');
      h5.create_attribute('model_config', JSON.stringify(tinyConfig));
      h5.create_group('model_weights');
      h5.close();
    }],
    ['damaged-attribute.h5', async (file) => {
      // One byte of the root's object header flipped: HDF5 opens the file, but not its attributes.
      await writeKeras2H5(file, tinyWeights(), tinyConfig);
      const bytes = readFileSync(file);
      bytes[bytes.indexOf(Buffer.from('model_config')) + 33] ^= 0xff;
      writeFileSync(file, bytes);
    }],
    ['damaged-values.h5', async (file) => {
      // The kernel gzip-compressed, then its compressed bytes overwritten: found by writing the
      // file twice with other values and comparing.
      const write = (target: string, value: number): Promise<void> =>
        writeKeras2H5(target, tinyWeights({ out: [{ name: 'out/kernel:0', shape: [72, 3], value: () => value, gzip: true }, { name: 'out/bias:0', shape: [3] }] }), tinyConfig);
      await write(file, 1);
      await write(`${file}.other`, 2);
      const bytes = readFileSync(file);
      const other = readFileSync(`${file}.other`);
      const first = bytes.findIndex((b, i) => b !== other[i]);
      bytes.fill(0xff, first, first + 8);
      writeFileSync(file, bytes);
    }],
    ['string-weight.h5', async (file) => {
      await writeKeras2H5(file, tinyWeights({ out: [{ name: 'out/kernel:0', shape: [72, 3] }] }), tinyConfig);
      await editH5(file, (h5) => {
        (h5.get('model_weights/out/out') as H5Group).create_dataset({ name: 'bias:0', data: ['a', 'b', 'c'], shape: [3] });
        setNames(h5, 'model_weights/out', 'weight_names', ['out/kernel:0', 'out/bias:0']);
      });
    }],
  ])('%s', async (name, write) => {
    const file = at(name);
    await write(file);
    const start = performance.now();
    const error = await failure(() => loadModelFile(tf, file));
    expect(performance.now() - start).toBeLessThan(2000);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(EXPECTED[name]);
  });

  it('a weights-only file matched by order must store weights for as many layers as the model has (Keras load_weights)', async () => {
    const file = at('weights-only.h5');
    await writeKeras2H5(file, tinyWeights());
    await editH5(file, (h5) => setNames(h5, '/', 'layer_names', ['conv', 'flatten']));
    const model = tf.sequential({ layers: [tf.layers.conv2d({ name: 'conv', inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }), tf.layers.flatten({ name: 'flatten' }), tf.layers.dense({ name: 'out', units: 3 })] });
    const h5 = await H5Reader.open(file);
    try {
      expect(() => matchH5Weights(model, listH5Weights(h5, '/')!, file, 'order')).toThrow(new ModelFileError('the file stores weights for 1 layers, the model has 2 layers with weights', { file, field: 'layer_names' }));
    } finally {
      h5.close();
      model.dispose();
    }
  });
});

describe('.keras weights (model.weights.h5 in the zip): each broken part named', () => {
  let keras3: Uint8Array;
  beforeAll(async () => {
    await writeKeras3Weights(at('keras3.weights.h5'));
    keras3 = readFileSync(at('keras3.weights.h5'));
  });

  it.each<[string, () => Promise<void>]>([
    ['var-is-a-group.keras', async () => {
      await writeKeras3Weights(at('group.weights.h5'), (h5) => (h5.get('layers/out/vars') as H5Group).create_group('2'));
      writeKeras(at('var-is-a-group.keras'), readFileSync(at('group.weights.h5')));
    }],
    ['no-layers-group.keras', async () => {
      const h5 = new h5wasm.File(at('plain.weights.h5'), 'w');
      h5.create_group('measurements');
      h5.close();
      writeKeras(at('no-layers-group.keras'), readFileSync(at('plain.weights.h5')));
    }],
    ['corrupt-deflate.keras', async () => {
      const zip = writeKeras(at('corrupt-deflate.keras'), keras3, 6);
      zip.fill(0xff, entryData(zip, 'model.weights.h5'), entryData(zip, 'model.weights.h5') + 16);
      writeFileSync(at('corrupt-deflate.keras'), zip);
    }],
    ['unknown-method.keras', async () => {
      // The central directory's compression method (offset 10 of its entry) set to 99 (AES).
      const zip = writeKeras(at('unknown-method.keras'), keras3);
      const central = Buffer.from(zip).lastIndexOf(Buffer.from('model.weights.h5')) - 46;
      new DataView(zip.buffer, zip.byteOffset).setUint16(central + 10, 99, true);
      writeFileSync(at('unknown-method.keras'), zip);
    }],
  ])('%s', async (name, write) => {
    await write();
    const error = await failure(() => loadModelFile(tf, at(name)));
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(EXPECTED[name]);
  });

  it('extractZipEntry stops at its byte limit (zip bomb), at a truncated archive, and when the copy cannot be written', async () => {
    const zip = writeKeras(at('whole.keras'), keras3, 6);
    const message = async (run: () => Promise<unknown>): Promise<string> => {
      const error = await failure(run);
      expect(error).toBeInstanceOf(ModelFileError);
      return (error as Error).message;
    };
    expect(await message(() => extractZipEntry(at('whole.keras'), 'model.weights.h5', at('out.h5'), 1000))).toBe(`whole.keras: field "model.weights.h5": would decompress to ${keras3.length} bytes, more than the 1000 accepted`);
    // The directory says 100 bytes; the stream inflates more: yauzl stops it (validateEntrySizes).
    const understated = Uint8Array.from(zip);
    const central = Buffer.from(understated).lastIndexOf(Buffer.from('model.weights.h5')) - 46;
    new DataView(understated.buffer).setUint32(central + 24, 100, true);
    writeFileSync(at('understated.keras'), understated);
    expect(await message(() => extractZipEntry(at('understated.keras'), 'model.weights.h5', at('out.h5'), 1000))).toBe(
      'understated.keras: field "model.weights.h5": cannot be decompressed (too many bytes in the stream. expected 100. got at least 4664)',
    );
    writeFileSync(at('truncated.keras'), zip.subarray(0, entryData(zip, 'model.weights.h5') + 200));
    expect(await message(() => extractZipEntry(at('truncated.keras'), 'model.weights.h5', at('out.h5'), 2 ** 30))).toBe(
      'truncated.keras: field "model.weights.h5": is cut short or damaged (End of central directory record signature not found. Either not a zip file, or file is truncated.)',
    );
    expect(await message(() => extractZipEntry(at('whole.keras'), 'config.h5', at('out.h5'), 2 ** 30))).toBe('whole.keras: field "config.h5": is not in the archive');
    // Writing the copy fails (a full disk): named, not thrown raw.
    expect(await message(() => extractZipEntry(at('whole.keras'), 'model.weights.h5', '/dev/full', 2 ** 30))).toBe('whole.keras: field "model.weights.h5": cannot be extracted to a temporary file (ENOSPC: no space left on device, write)');
    expect(await extractZipEntry(at('whole.keras'), 'model.weights.h5', at('out.h5'), 2 ** 30)).toBe(keras3.length);
    expect(readFileSync(at('out.h5')).equals(Buffer.from(keras3))).toBe(true);
  });
});

describe('H5Reader.readFloat32 in parts', () => {
  it.each<[string, number[], '<f' | '<d']>([
    ['rank 3, split on axis 1', [5, 7, 3], '<f'],
    ['rank 4, split on axis 2', [2, 3, 4, 5], '<f'],
    ['rank 1', [50], '<f'],
    ['a zero-size axis', [3, 0], '<f'],
    ['float64', [4, 6], '<d'],
  ])('%s: the same values as one read', async (_, shape, dtype) => {
    const file = at(`parts-${shape.join('x')}.h5`);
    const n = shape.reduce((a, b) => a * b, 1);
    const h5w = new h5wasm.File(file, 'w');
    const data = dtype === '<f' ? Float32Array.from({ length: n }, (_, i) => i / 7) : Float64Array.from({ length: n }, (_, i) => i / 7);
    h5w.create_dataset({ name: 'w', data, shape, dtype });
    h5w.close();
    const h5 = await H5Reader.open(file);
    try {
      const whole = h5.readFloat32(h5.dataset('w')!, 'w');
      expect(Array.from(whole)).toEqual(Array.from(Float32Array.from(data)));
      // 6 float32 (or 3 float64) values per read at most.
      expect(Array.from(h5.readFloat32(h5.dataset('w')!, 'w', { partBytes: 24 }))).toEqual(Array.from(whole));
    } finally {
      h5.close();
    }
  });
});

describe("weights-only Xception files: stored sizes checked against the registry's params when read (no TF.js)", () => {
  /** Xception's layers with weights (299x299 with the top), in Keras's order. */
  const xceptionLayers = (): string[] => (buildXceptionNames ??= analyzeTopology(parseKerasModel(xceptionKerasConfig(), { diagnostics: [] }), { name: 'x', source: 'x' }).layers.filter((l) => l.params.trainable + l.params.nonTrainable > 0).map((l) => l.name));
  let buildXceptionNames: string[] | undefined;

  it.each<[string, () => string[], string]>([
    ['xception-markers-only.h5', () => ['block1_conv1', 'block1_conv1_bn', 'block4_sepconv2', 'block14_sepconv2', 'block14_sepconv2_bn'], 'xception-markers-only.h5: field "layer_names": the file stores weights for 5 layers, the model has 80 layers with weights'],
    ['xception-one-value-each.h5', xceptionLayers, 'xception-one-value-each.h5: layer "block1_conv1" (Conv2D), field "block1_conv1": the file\'s layer "block1_conv1" (stored in its place) holds 1 value, the layer has 864 params'],
  ])('%s', async (name, layers, expected) => {
    const file = at(name);
    await writeKeras2H5(file, layers().map((layer) => [layer, [{ name: `${layer}/kernel:0`, shape: [1] }]]));
    const start = performance.now();
    const error = await failure(() => readModelFile(file));
    expect(performance.now() - start).toBeLessThan(2000);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(expected);
  });
});

describe('importKerasH5 without TF.js: what each kind of file is read as', () => {
  /** Xception's marker layers (one tiny weight each), with a `predictions` head of `classes` when given. */
  const xceptionLike = (classes?: number): [string, WeightToWrite[]][] => [
    ...['block1_conv1', 'block1_conv1_bn', 'block4_sepconv2', 'block14_sepconv2', 'block14_sepconv2_bn'].map((layer): [string, WeightToWrite[]] => [layer, [{ name: `${layer}/kernel:0`, shape: [1] }]]),
    ...(classes ? [['predictions', [{ name: 'predictions/kernel:0', shape: [4, classes] }, { name: 'predictions/bias:0', shape: [classes] }]] as [string, WeightToWrite[]]] : []),
  ];

  it('a full model without model_weights: the config, a warning, no stored weights', async () => {
    const file = at('config-only.h5');
    const h5w = new h5wasm.File(file, 'w');
    h5w.create_attribute('model_config', JSON.stringify(tinyConfig));
    h5w.create_attribute('keras_version', '2.4.0');
    h5w.close();
    const read = await importKerasH5(file);
    expect(read.format).toBe('keras-h5');
    if (read.format !== 'keras-h5') return;
    expect(read.formatDescription).toBe('Keras 2.4.0 model (HDF5)');
    expect(read.storedWeights).toBeUndefined();
    expect(read.diagnostics).toEqual([{ severity: 'warning', message: 'weights: the file has a model config but no model_weights group; profiling with initialised weights' }]);
    expect(read.topology.layers.map((l) => l.name)).toEqual(['conv_input', 'conv', 'flatten', 'out']);
  });

  it('a full model with weights: they are found under model_weights, matched by name, opened on demand', async () => {
    const file = at('full.h5');
    await writeKeras2H5(file, tinyWeights(), tinyConfig);
    const read = await importKerasH5(file);
    if (read.format !== 'keras-h5') throw new Error(read.format);
    expect(read.formatDescription).toBe('Keras model (HDF5)');
    expect(read.diagnostics).toEqual([]);
    expect(read.storedWeights).toMatchObject({ label: file, match: 'name' });
    const { layout, close } = await read.storedWeights!.open();
    try {
      expect(layout).toMatchObject({ kind: 'keras2', root: 'model_weights' });
      expect(layout.layers.map((l) => [l.layer, l.weights.map((w) => w.path)])).toEqual([
        ['conv', ['model_weights/conv/conv/kernel:0', 'model_weights/conv/conv/bias:0']],
        ['flatten', []],
        ['out', ['model_weights/out/out/kernel:0', 'model_weights/out/out/bias:0']],
      ]);
    } finally {
      close();
    }
  });

  it("Xception's layer names with a head: the built-in Xception with as many classes as the kernel's columns", async () => {
    const file = at('xception-head.h5');
    await writeKeras2H5(file, xceptionLike(7), undefined, { keras_version: '2.2.4' });
    const read = await importKerasH5(file);
    expect(read).toMatchObject({
      format: 'keras-h5-xception-weights',
      formatDescription: 'Keras Applications Xception weights (HDF5, Keras 2.2.4)',
      includeTop: true,
      classes: 7,
      storedWeights: { label: file, match: 'order' },
      diagnostics: [{ severity: 'info', message: "weights only: the layer names are Xception's, so the built-in Xception (299x299, 7 classes) is profiled with these weights" }],
    });
    const { layout, close } = await (read as { storedWeights: StoredWeights }).storedWeights.open();
    close();
    expect(layout).toMatchObject({ kind: 'keras2', root: '/' });
    expect(layout.layers.map((l) => l.layer)).toEqual([...xceptionLike(7).map(([name]) => name)]);
  });

  it("Xception's layer names without a head (a _notop file, no version): no top, 1000 classes", async () => {
    const file = at('xception-notop.h5');
    await writeKeras2H5(file, xceptionLike());
    expect(await importKerasH5(file)).toMatchObject({
      format: 'keras-h5-xception-weights',
      formatDescription: 'Keras Applications Xception weights (no top) (HDF5)',
      includeTop: false,
      classes: 1000,
      diagnostics: [{ severity: 'info', message: "weights only: the layer names are Xception's, so the built-in Xception (299x299, no top) is profiled with these weights" }],
    });
  });

  it('names what a weights-only file lacks: one marker layer missing is not Xception; an empty root lists nothing', async () => {
    const file = at('four-markers.h5');
    await writeKeras2H5(file, xceptionLike(3).filter(([name]) => name !== 'block4_sepconv2'));
    await expect(importKerasH5(file)).rejects.toThrow(
      'four-markers.h5: field "model_config": holds weights only (no "model_config": saved with save_weights), for 5 layers (block1_conv1, block1_conv1_bn, block14_sepconv2...), and they are not Xception\'s',
    );
    const empty = at('empty-root.h5');
    new h5wasm.File(empty, 'w').close();
    await expect(importKerasH5(empty)).rejects.toThrow('empty-root.h5: field "model_config": HDF5, but not a Keras model: no "model_config" attribute and no "layer_names" attribute at the root (found: nothing)');
  });
});

describe('H5Reader look-ups and conversions', () => {
  it('isHdf5 and h5Reason', () => {
    const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    expect(isHdf5(Uint8Array.from([...signature, 0]))).toBe(true);
    expect(isHdf5(Uint8Array.from(signature.slice(0, 7)))).toBe(false);
    expect(isHdf5(Uint8Array.from([...signature.slice(0, 7), 0x0b]))).toBe(false);
    expect(h5Reason(new Error('HDF5-DIAG\n  #000: in H5Fopen(): unable to open file\n  #001: in H5F_open(): truncated file: eof = 5\nmore'))).toBe('truncated file: eof = 5');
    expect(h5Reason(new Error('first line\nsecond line'))).toBe('first line');
    expect(h5Reason('plain text')).toBe('plain text');
  });

  it('attributes as strings and lists, groups, datasets and keys, values of every numeric type as float32', async () => {
    const file = at('lookups.h5');
    const h5w = new h5wasm.File(file, 'w');
    h5w.create_attribute('text', 'héllo');
    h5w.create_attribute('bytes', Uint8Array.from(Buffer.from('abc')));
    h5w.create_attribute('numbers', Float32Array.of(1.5, 2), [2]);
    h5w.create_attribute('one', 'single');
    h5w.create_attribute('list', ['a', 'b']);
    const g = h5w.create_group('g');
    g.create_dataset({ name: 'scalar', data: 2.5, dtype: '<f' });
    g.create_dataset({ name: 'ints', data: Int32Array.of(1, -2, 3), shape: [3], dtype: '<i' });
    g.create_dataset({ name: 'bytes', data: Uint8Array.of(0, 7, 255), shape: [3], dtype: '<B' });
    g.create_dataset({ name: 'int64', data: BigInt64Array.of(1n, 2n), shape: [2], dtype: '<q' });
    h5w.close();
    const h5 = await H5Reader.open(file, 'shown.h5');
    try {
      expect(h5.label).toBe('shown.h5');
      expect(h5.stringAttribute('/', 'text')).toBe('héllo');
      expect(h5.stringAttribute('/', 'bytes')).toBe('abc');
      expect(h5.stringAttribute('/', 'numbers')).toBeUndefined();
      expect(h5.stringAttribute('/', 'absent')).toBeUndefined();
      expect(h5.stringAttribute('nowhere', 'text')).toBeUndefined();
      expect(h5.stringListAttribute('/', 'one')).toEqual(['single']);
      expect(h5.stringListAttribute('/', 'list')).toEqual(['a', 'b']);
      expect(h5.stringListAttribute('/', 'bytes')).toEqual(['abc']);
      expect(h5.stringListAttribute('/', 'absent')).toBeUndefined();
      expect(h5.keys('/')).toEqual(['g']);
      expect(h5.keys('g')).toEqual(['bytes', 'int64', 'ints', 'scalar']);
      expect(h5.keys('g/ints')).toEqual([]);
      expect(h5.keys('missing')).toEqual([]);
      expect(h5.group('')).toBe(h5.group('/'));
      expect(h5.group('g/ints')).toBeUndefined();
      expect(h5.dataset('g')).toBeUndefined();
      const scalar = h5.dataset('g/scalar')!;
      expect(h5.shape(scalar)).toEqual([]);
      expect(Array.from(h5.readFloat32(scalar, 'g/scalar'))).toEqual([2.5]);
      expect(Array.from(h5.readFloat32(h5.dataset('g/ints')!, 'g/ints'))).toEqual([1, -2, 3]);
      expect(Array.from(h5.readFloat32(h5.dataset('g/bytes')!, 'g/bytes', { partBytes: 1 }))).toEqual([0, 7, 255]);
      expect(() => h5.readFloat32(h5.dataset('g/int64')!, 'g/int64', { layer: 'l' })).toThrow(new ModelFileError('expected numbers, found BigInt64Array (dtype "<q")', { file: 'shown.h5', layer: 'l', field: 'g/int64' }));
    } finally {
      h5.close();
    }
  });
});

describe('matchH5Weights on layouts given directly', () => {
  const w = (path: string, shape: number[]): H5Weight => ({ name: path.split('/').pop()!, path, shape });
  const tiny = (): tf.Sequential =>
    tf.sequential({ layers: [tf.layers.dense({ name: 'hidden', inputShape: [4], units: 3 }), tf.layers.dense({ name: 'out', units: 2 })] });

  it('by order: the k-th layer with weights gets the k-th stored layer with weights, whatever their names', () => {
    const model = tiny();
    try {
      const layout: H5WeightsLayout = {
        kind: 'keras2',
        root: '/',
        layers: [
          { layer: 'dense_1', weights: [w('dense_1/kernel:0', [4, 3]), w('dense_1/bias:0', [3])] },
          { layer: 'dropout_1', weights: [] },
          { layer: 'dense_2', weights: [w('dense_2/kernel:0', [3, 2]), w('dense_2/bias:0', [2])] },
        ],
      };
      expect(matchH5Weights(model, layout, 'w.h5', 'order').map((a) => [a.layer.name, a.fileLayer, a.stored.map((s) => s.path)])).toEqual([
        ['hidden', 'dense_1', ['dense_1/kernel:0', 'dense_1/bias:0']],
        ['out', 'dense_2', ['dense_2/kernel:0', 'dense_2/bias:0']],
      ]);
    } finally {
      model.dispose();
    }
  });

  it('by name, Keras 3 layout: a missing layer, too few and too many weights, each named', () => {
    const model = tiny();
    const layout = (out: H5Weight[] | undefined): H5WeightsLayout => ({
      kind: 'keras3',
      root: 'layers',
      layers: [{ layer: 'hidden', weights: [w('layers/hidden/vars/0', [4, 3]), w('layers/hidden/vars/1', [3])] }, ...(out ? [{ layer: 'out', weights: out }] : [])],
    });
    const message = (out: H5Weight[] | undefined): string => {
      try {
        matchH5Weights(model, layout(out), 'm.keras', 'name');
        return 'no error';
      } catch (error) {
        return (error as Error).message;
      }
    };
    try {
      expect(message(undefined)).toBe('m.keras: layer "out" (Dense), field "layers/out/vars": missing weights: the file has no weights for this layer (expected out/kernel [3, 2], out/bias [2])');
      expect(message([w('layers/out/vars/0', [3, 2])])).toBe('m.keras: layer "out" (Dense), field "layers/out/vars/0": the file stores 1 weight for it (0), the layer has 2 (out/kernel, out/bias)');
      expect(message([w('layers/out/vars/0', [3, 2]), w('layers/out/vars/1', [2]), w('layers/out/vars/2', [2])])).toBe(
        'm.keras: layer "out" (Dense), field "layers/out/vars/0": the file stores 3 weights for it (0, 1, 2), the layer has 2 (out/kernel, out/bias)',
      );
      expect(message([w('layers/out/vars/0', [2, 3]), w('layers/out/vars/1', [2])])).toBe(
        'm.keras: layer "out" (Dense), field "layers/out/vars/0": weight "0" has shape [2, 3] in the file, but the layer\'s kernel is [3, 2]',
      );
    } finally {
      model.dispose();
    }
  });

  it("Keras 3, a nested model: its layers' weights in the nested model's order, trainable first (TF.js and Keras)", () => {
    const inner = tf.sequential({ name: 'inner', layers: [tf.layers.dense({ name: 'd', inputShape: [4], units: 3 }), tf.layers.batchNormalization({ name: 'bn' })] });
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'out', units: 2 }).apply(inner.apply(input)) as tf.SymbolicTensor });
    try {
      const vars = (layer: string, shapes: number[][]): H5Weight[] => shapes.map((shape, i) => w(`layers/inner/layers/${layer}/vars/${i}`, shape));
      const layout: H5WeightsLayout = {
        kind: 'keras3',
        root: 'layers',
        layers: [
          { layer: 'inner', weights: [], sublayers: [{ layer: 'bn', weights: vars('bn', [[3], [3], [3], [3]]) }, { layer: 'd', weights: vars('d', [[4, 3], [3]]) }] },
          { layer: 'out', weights: [w('layers/out/vars/0', [3, 2]), w('layers/out/vars/1', [2])] },
        ],
      };
      const [nested] = matchH5Weights(model, layout, 'm.keras', 'name');
      expect(nested.layer.name).toBe('inner');
      expect(nested.stored.map((s) => s.path.replace('layers/inner/layers/', ''))).toEqual(['d/vars/0', 'd/vars/1', 'bn/vars/0', 'bn/vars/1', 'bn/vars/2', 'bn/vars/3']);
      expect(inner.weights.map((v) => v.originalName)).toEqual(['d/kernel', 'd/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']);
    } finally {
      model.dispose();
    }
  });
});
