// Keras HDF5 files (.h5 / .hdf5) and the weights of .keras archives: real files that others
// published (test/fixtures/models/keras-h5, keras-v3: README gives source, license, sha256), and
// tiny files written here with h5wasm for the error paths.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { H5Reader } from '../../src/importers/h5';
import { countStoredValues, listH5Weights, withZeroInitializers } from '../../src/importers/h5Weights';
import { loadModelFile, readModelFile, type LoadedModel } from '../../src/importers/modelFile';
import { tinyConfig, tinyWeights, writeKeras2H5, writePlainH5, type WeightToWrite } from '../helpers/h5Files';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'models', name);
const paramsOf = (loaded: LoadedModel): number => loaded.report.totals.params.trainable + loaded.report.totals.params.nonTrainable;
const macsOf = (loaded: LoadedModel, name: string): number => loaded.report.layers.find((l) => l.name === name)!.macs;

/** The number of float values stored in a Keras 2 HDF5 file (its weight count). */
async function storedValues(file: string, root: string): Promise<number> {
  const h5 = await H5Reader.open(file);
  try {
    return countStoredValues(listH5Weights(h5, root)!);
  } finally {
    h5.close();
  }
}

describe('Keras HDF5 full models (real files)', () => {
  it('ResNet-8 (MLPerf Tiny, Keras 2.4.0): params equal the stored weights, MACs as worked by hand, real values loaded', async () => {
    const file = fixture('keras-h5/resnet8-mlperf-tiny.h5');
    const loaded = await loadModelFile(tf, file);
    try {
      expect(await storedValues(file, 'model_weights')).toBe(78_666);
      expect(paramsOf(loaded)).toBe(78_666);
      expect(loaded.report.totals.params).toEqual({ trainable: 78_186, nonTrainable: 480 });
      expect(loaded.report.layers).toHaveLength(30);
      // Conv2D: Hout*Wout*Cout*kh*kw*Cin. conv2d: 32x32x16 out, 3x3 over 3 channels.
      expect(macsOf(loaded, 'conv2d')).toBe(32 * 32 * 16 * 3 * 3 * 3); // 442,368
      // conv2d_3: stride 2, 32x32x16 -> 16x16x32, 3x3.
      expect(macsOf(loaded, 'conv2d_3')).toBe(16 * 16 * 32 * 3 * 3 * 16); // 1,179,648
      // conv2d_5: the 1x1 stride-2 shortcut, 32x32x16 -> 16x16x32.
      expect(macsOf(loaded, 'conv2d_5')).toBe(16 * 16 * 32 * 16); // 131,072
      // dense: 64 inputs x 10 units.
      expect(macsOf(loaded, 'dense')).toBe(64 * 10);
      expect(loaded.report.diagnostics[0].message).toBe('model file: Keras 2.4.0 model (HDF5), model "model"');
      expect(loaded.report.diagnostics.map((d) => d.message)).toContain('weights: loaded 48 weights (78,666 values, 307.3 KiB as float32) from resnet8-mlperf-tiny.h5');
      // The values are the file's: the first kernel value as stored, read back from the model.
      const h5 = await H5Reader.open(file);
      const stored = h5.readFloat32(h5.dataset('model_weights/conv2d/conv2d/kernel:0')!, 'kernel');
      h5.close();
      const kernel = loaded.model.getLayer('conv2d').getWeights()[0].dataSync();
      expect(Array.from(kernel.slice(0, 5))).toEqual(Array.from(stored.slice(0, 5)));
      expect(stored[0]).not.toBe(0);
    } finally {
      loaded.model.dispose();
    }
  });

  it('mini-Xception (face_classification, Keras 2.0.5, .hdf5, class name "Model", weights named batch_normalization_1_1/...)', async () => {
    const file = fixture('keras-h5/mini-xception-fer2013.hdf5');
    const loaded = await loadModelFile(tf, file);
    try {
      expect(await storedValues(file, 'model_weights')).toBe(58_423);
      expect(paramsOf(loaded)).toBe(58_423);
      expect(loaded.report.layers).toHaveLength(46);
      // conv2d_1: 64x64x1 -> 62x62x8 (valid 3x3).
      expect(macsOf(loaded, 'conv2d_1')).toBe(62 * 62 * 8 * 9 * 1); // 276,768
      // separable_conv2d_1: depthwise 60*60*8*9 + pointwise 60*60*8*16 (Xception paper, section 2).
      expect(macsOf(loaded, 'separable_conv2d_1')).toBe(60 * 60 * 8 * 9 + 60 * 60 * 8 * 16); // 720,000
      // conv2d_7: the 3x3 classifier conv, 4x4x128 -> 4x4x7.
      expect(macsOf(loaded, 'conv2d_7')).toBe(4 * 4 * 7 * 9 * 128); // 129,024
      expect(loaded.report.diagnostics.map((d) => d.message)).toContain('weights: loaded 80 weights (58,423 values, 228.2 KiB as float32) from mini-xception-fer2013.hdf5');
    } finally {
      loaded.model.dispose();
    }
  });

  it('without weights asked for, only names and shapes are read and checked', async () => {
    const loaded = await loadModelFile(tf, fixture('keras-h5/resnet8-mlperf-tiny.h5'), { loadWeights: false });
    try {
      expect(loaded.report.diagnostics.map((d) => d.message)).toContain("weights: the 48 weights of resnet8-mlperf-tiny.h5 match the model's shapes; their values are read only for timing");
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('.keras weights (model.weights.h5, Keras 3 layout)', () => {
  it('MNIST CNN (Keras 3.15.1): params equal the stored weights, MACs by hand, values loaded', async () => {
    const loaded = await loadModelFile(tf, fixture('keras-v3/mnist-cnn.keras'));
    try {
      expect(paramsOf(loaded)).toBe(225_034);
      // conv2d: 28x28x1 -> 26x26x32 (valid 3x3).
      expect(macsOf(loaded, 'conv2d')).toBe(26 * 26 * 32 * 9); // 194,688
      // conv2d_1: 13x13x32 -> 11x11x64.
      expect(macsOf(loaded, 'conv2d_1')).toBe(11 * 11 * 64 * 9 * 32); // 2,230,272
      // dense: 1600 inputs (5x5x64 flattened) x 128 units.
      expect(macsOf(loaded, 'dense')).toBe(1600 * 128);
      expect(loaded.report.diagnostics.map((d) => d.message)).toContain('weights: loaded 8 weights (225,034 values, 879.0 KiB as float32) from mnist-cnn.keras › model.weights.h5');
      const bias = loaded.model.getLayer('dense_1').getWeights()[1].dataSync();
      expect(bias.some((v) => v !== 0)).toBe(true);
    } finally {
      loaded.model.dispose();
    }
  });

  it('a nested Sequential (layers/head_seq/layers/<name>/vars) loads into the nested model', async () => {
    const loaded = await loadModelFile(tf, fixture('keras3-siamese.keras'));
    try {
      const head = loaded.model.getLayer('head_seq') as tf.LayersModel;
      // Value i of every stored weight is (i mod 7) / 8 + 0.125 (test/fixtures/models/generate.mjs).
      const dw = head.getLayer('dw').getWeights()[0].dataSync();
      expect(Array.from(dw.slice(0, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 0].map((i) => i / 8 + 0.125));
      const movingVariance = head.getLayer('bn').getWeights()[3].dataSync();
      expect(movingVariance[1]).toBe(1 / 8 + 0.125);
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('Keras HDF5 files written here', () => {
  let dir: string;
  const at = (name: string): string => path.join(dir, name);
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'h5-test-'));
    await writeKeras2H5(at('tiny.h5'), tinyWeights(), tinyConfig);
    await writePlainH5(at('not-keras.h5'));
    writeFileSync(at('truncated.h5'), readFileSync(fixture('keras-h5/resnet8-mlperf-tiny.h5')).subarray(0, 300_000));
    await writeKeras2H5(at('missing-weight.h5'), tinyWeights().filter(([n]) => n !== 'out'), tinyConfig);
    await writeKeras2H5(at('wrong-shape.h5'), tinyWeights({ out: [{ name: 'out/kernel:0', shape: [72, 4] }, { name: 'out/bias:0', shape: [3] }] }), tinyConfig);
    await writeKeras2H5(at('weights-only.h5'), tinyWeights());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a tiny full model loads with its values (value i = i / 1000)', async () => {
    const loaded = await loadModelFile(tf, at('tiny.h5'));
    try {
      expect(paramsOf(loaded)).toBe(3 * 3 * 2 + 2 + 72 * 3 + 3);
      expect(Array.from(loaded.model.getLayer('out').getWeights()[1].dataSync())).toEqual([0, 0.001, 0.002].map(Math.fround));
    } finally {
      loaded.model.dispose();
    }
  });

  const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
  it.each([
    ['not-keras.h5', 'not-keras.h5: field "model_config": HDF5, but not a Keras model: no "model_config" attribute and no "layer_names" attribute at the root (found: measurements)'],
    ['truncated.h5', 'truncated.h5: HDF5 cannot open this file: truncated file: eof = 300000, sblock->base_addr = 0, stored_eof = 1116712'],
    [
      'missing-weight.h5',
      'missing-weight.h5: layer "out" (Dense), field "model_weights/out": missing weights: the file has no weights for this layer (expected out/kernel [72, 3], out/bias [3])',
    ],
    [
      'wrong-shape.h5',
      'wrong-shape.h5: layer "out" (Dense), field "model_weights/out/out/kernel:0": weight "out/kernel:0" has shape [72, 4] in the file, but the layer\'s kernel is [72, 3]',
    ],
    [
      'weights-only.h5',
      'weights-only.h5: field "model_config": holds weights only (no "model_config": saved with save_weights), for 3 layers (conv, flatten, out...), and they are not Xception\'s; save the whole model with model.save("model.h5") or model.save("model.keras")',
    ],
  ])('%s: a named error, the file untouched', async (name, message) => {
    const file = at(name);
    const before = { hash: digest(file), mtime: statSync(file).mtimeMs };
    const error = await loadModelFile(tf, file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(message);
    expect({ hash: digest(file), mtime: statSync(file).mtimeMs }).toEqual(before);
  });

  it("Keras Applications' Xception weights (weights only, Keras 2.0 names conv2d_1.. for the residual convs) load into the built-in Xception", async () => {
    // Built here in Keras's layer order from the built-in model's weight shapes, each weight a
    // constant (gzip keeps the 88 MB file small); Keras 2.0 counted unnamed layers from 1.
    const model = (await import('../../src/model/xception')).buildXception(tf, { inputSize: 71 });
    const keras20Name = (name: string): string => name.replace(/^(conv2d|batch_normalization)(?:_(\d+))?$/, (_, base: string, n?: string) => `${base}_${Number(n ?? 0) + 1}`);
    const layers: [string, WeightToWrite[]][] = model.layers.map((layer, index) => [
      keras20Name(layer.name),
      layer.weights.map((w) => ({ name: `${keras20Name(layer.name)}/${w.originalName.split('/').pop()}:0`, shape: w.shape as number[], value: () => index / 1000, gzip: true })),
    ]);
    model.dispose();
    const file = at('xception_weights_tf_dim_ordering_tf_kernels.h5');
    await writeKeras2H5(file, layers, undefined, { keras_version: '2.0.8', backend: 'tensorflow' });
    const read = await readModelFile(file);
    expect(read.format).toBe('keras-h5-xception-weights');
    // The static report comes with the read, from the registry alone (no TF.js model built).
    expect('report' in read && read.report.totals).toMatchObject({ params: { trainable: 22_855_952, nonTrainable: 54_528 }, macs: 8_357_403_496 });
    expect('report' in read && read.report.layers.map((l) => l.name).slice(0, 3)).toEqual(['input_1', 'block1_conv1', 'block1_conv1_bn']);
    const loaded = await loadModelFile(tf, file);
    try {
      expect(loaded.report.model.name).toBe('Xception');
      expect(loaded.report.totals.params).toEqual({ trainable: 22_855_952, nonTrainable: 54_528 });
      expect(loaded.report.totals.macs).toBe(8_357_403_496);
      const index = loaded.model.layers.findIndex((l) => l.name === 'block14_sepconv2');
      expect(loaded.model.getLayer('block14_sepconv2').getWeights()[1].dataSync()[7]).toBe(Math.fround(index / 1000));
      const residual = loaded.model.layers.findIndex((l) => l.name === 'conv2d_3');
      expect(loaded.model.getLayer('conv2d_3').getWeights()[0].dataSync()[0]).toBe(Math.fround(residual / 1000));
      expect(loaded.report.diagnostics[0].message).toBe('model file: Keras Applications Xception weights (HDF5, Keras 2.0.8)');
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('withZeroInitializers', () => {
  it("sets the initialisers a config leaves to Keras's default (Glorot), and replaces those it lists", () => {
    const zeros = { class_name: 'Zeros', config: {} };
    expect(withZeroInitializers({ name: 'd', units: 3 }, 'Dense')).toEqual({ name: 'd', units: 3, kernel_initializer: zeros, bias_initializer: zeros });
    expect(withZeroInitializers({ name: 's', depthwise_initializer: { class_name: 'GlorotUniform', config: {} } }, 'SeparableConv2D')).toEqual({
      name: 's',
      depthwise_initializer: zeros,
      pointwise_initializer: zeros,
      bias_initializer: zeros,
    });
    // BatchNormalization's (ones and zeros, small) stay as they are.
    expect(withZeroInitializers({ name: 'bn', axis: -1 }, 'BatchNormalization')).toEqual({ name: 'bn', axis: -1 });
  });
});
