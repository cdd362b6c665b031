import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/importers/build';
import { importModelBytes, loadModelFile } from '../../src/importers/modelFile';
import { buildXception } from '../../src/model/xception';
import { exportOnnx, OnnxExportError, samePads, transposeArray } from '../../src/onnx/export';
import { decodeModel, OPSET_VERSION, toNumber } from '../../src/onnx/proto';
import { exportError } from '../helpers/onnxExportError';
import { randomizeWeights } from '../helpers/randomWeights';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'models', name);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ONNX export matches TF.js cpu (random weights, rel. error <= 1e-4)', () => {
  it('Xception 71x71 without the top (features) and with it', async () => {
    for (const includeTop of [false, true]) {
      const model = buildXception(tf, { inputSize: 71, includeTop, seed: 1 });
      randomizeWeights(tf, model);
      const { rel } = await exportError(model);
      expect(rel).toBeLessThan(1e-4);
      model.dispose();
    }
  }, 120_000);

  it('Xception 299x299 with the top, the size the product profiles (odd sizes 147, 73, 37, 19, 10 take other pads than at 71)', async () => {
    // About 30 s on 2 idle cores, most of it TF.js's plain-JS predict: the reference the export is held to.
    const model = buildXception(tf, { inputSize: 299, seed: 1 });
    try {
      randomizeWeights(tf, model);
      const { rel } = await exportError(model);
      expect(rel).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  }, 600_000);

  // Topologies (random weights) and model files with their own weights (HDF5, Keras 3 zips, a TF.js model with shards).
  const withWeights = ['tiny-nested/model.json', 'keras-h5/mini-xception-fer2013.hdf5', 'keras-h5/resnet8-mlperf-tiny.h5', 'keras-v3/mnist-cnn.keras', 'keras3-siamese.keras'];
  it.each(['mobilenet-v1.model.json', 'resnet50.model.json', 'keras2-sequential.json', 'keras3-siamese.json', ...withWeights])('%s', async (file) => {
    const { model } = await loadModelFile(tf, fixture(file));
    try {
      if (!withWeights.includes(file)) randomizeWeights(tf, model);
      const { rel, outputs } = await exportError(model);
      expect(outputs).toBe(model.outputs.length);
      expect(rel).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  }, 240_000);
});

describe('Rescaling (x * scale + offset, numbers or one value per channel)', () => {
  it.each([[0.5, -1], [[0.5, 2, -1], [0, 1, 2]]])('scale %j, offset %j: the export gives what TF.js computes', async (scale, offset) => {
    const layers = [
      { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4, 5, 3] } },
      { class_name: 'Rescaling', config: { name: 'rs', scale, offset } },
      { class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: 3 } },
    ];
    const { model } = await buildModel(tf, importModelBytes(Buffer.from(JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers } })), 'rs.json'));
    try {
      randomizeWeights(tf, model);
      expect((await exportError(model)).rel).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });
});

describe('the exported model', () => {
  it('is opset 17 with node names tied to Keras layers, weights included', () => {
    const model = buildXception(tf, { inputSize: 71, seed: 1 });
    const exported = exportOnnx(model);
    const proto = decodeModel(exported.bytes);
    expect(toNumber(proto.opsetImport[0].version)).toBe(OPSET_VERSION);
    expect(OPSET_VERSION).toBeGreaterThanOrEqual(17);
    const nodes = proto.graph!.node!.map((n) => n.name);
    // A separable conv is a grouped (depthwise) Conv then a 1x1 Conv, both tied to the layer.
    expect(nodes).toContain('block4_sepconv2/depthwise');
    expect(nodes).toContain('block4_sepconv2/pointwise');
    expect(exported.nodeLayers.get('block4_sepconv2/depthwise')).toBe('block4_sepconv2');
    expect(exported.nodeLayers.get('block4_sepconv2_bn')).toBe('block4_sepconv2_bn');
    const dw = proto.graph!.node!.find((n) => n.name === 'block4_sepconv2/depthwise')!;
    expect(toNumber(dw.attribute!.find((a) => a.name === 'group')!.i)).toBe(728);
    // Every Keras weight value is in the file: 22,910,480 params at 299 = the same count at 71 (Xception's params do not depend on the input size).
    const values = proto.graph!.initializer!.reduce((a, t) => a + t.dims!.reduce((p: number, d) => p * toNumber(d), 1), 0);
    expect(values).toBe(22_910_480);
    expect(exported.inputNames).toEqual(['input_1']);
    model.dispose();
  });

  it('names the layer a class has no translation for', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const permuted = tf.layers.permute({ dims: [2, 1, 3], name: 'swap' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: permuted });
    expect(() => exportOnnx(model)).toThrow(OnnxExportError);
    expect(() => exportOnnx(model)).toThrow('ONNX export: layer "swap": class Permute has no ONNX translation');
  });
});

describe('helpers', () => {
  it("same padding as TensorFlow: 147 -> 74 with 3x3 stride 2 pads 0 before, 1 after; 4 with 2x2 stride 2 pads nothing", () => {
    expect(samePads(147, 3, 2, 1)).toEqual([1, 1]);
    expect(samePads(148, 3, 2, 1)).toEqual([0, 1]);
    expect(samePads(4, 2, 2, 1)).toEqual([0, 0]);
    expect(samePads(10, 3, 1, 2)).toEqual([2, 2]);
  });

  it('transposes [kh, kw, cin, cout] to [cout, cin, kh, kw]', () => {
    // shape [1, 2, 1, 3]: value = 10 * w + c
    const v = Float32Array.from([0, 1, 2, 10, 11, 12]);
    const t = transposeArray(v, [1, 2, 1, 3], [3, 2, 0, 1]);
    expect(t.shape).toEqual([3, 1, 1, 2]);
    expect([...t.values]).toEqual([0, 10, 1, 11, 2, 12]);
  });
});
