import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { DEFAULT_IMAGE_SIZE, parseKerasModel } from '../../src/importers/kerasConfig';
import { importKerasJson } from '../../src/importers/kerasJson';
import { loadModelFile, type LoadedModel } from '../../src/importers/modelFile';
import type { Diagnostic } from '../../src/report/schema';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'models', name);

describe('a Keras 3 functional config (keras3-siamese.json)', () => {
  let loaded: LoadedModel;
  beforeAll(async () => {
    loaded = await loadModelFile(tf, fixture('keras3-siamese.json'));
  });
  afterAll(() => loaded.model.dispose());

  it('reads batch_shape, keras_history nodes, dtype policies, two inputs and two outputs', () => {
    const { report } = loaded;
    expect(report.model.inputShapes).toEqual([[null, 32, 32, 3], [null, 32, 32, 3]]);
    expect(report.model.outputShapes).toEqual([[null, 10], [null, 1]]);
    expect(report.diagnostics.map((d) => d.message)).toContain('dtype policy "mixed_float16" is analysed as float32 (TF.js computes layers in float32)');
    expect(report.diagnostics[0].message).toBe('model file: Keras 3 model config (JSON), model "siamese"');
  });

  it('counts a shared layer once per call: 2 x 32*32*8*27 MACs', () => {
    const conv = loaded.report.layers.find((l) => l.name === 'shared_conv')!;
    expect(conv.params.trainable).toBe(3 * 3 * 3 * 8 + 8);
    expect(conv.macs).toBe(2 * 32 * 32 * 8 * 27);
    // Bias add and ReLU, one op each per output value, per call.
    expect(conv.elementwiseOps).toBe(2 * 2 * 32 * 32 * 8);
    expect(loaded.report.layers.find((l) => l.name === 'merge')!.inbound).toEqual(['shared_conv', 'shared_conv']);
  });

  it('counts the nested Sequential as the sum of its layers', () => {
    const head = loaded.report.layers.find((l) => l.name === 'head_seq')!;
    // DepthwiseConv2D 3x3/2 valid, depth multiplier 2: 32 -> 15, 8 -> 16 channels; BN; MaxPooling2D 2x2: 15 -> 7.
    expect(head.outputShape).toEqual([null, 7, 7, 16]);
    expect(head.macs).toBe(15 * 15 * 16 * 9);
    expect(head.params).toEqual({ trainable: 3 * 3 * 8 * 2 + 2 * 16, nonTrainable: 2 * 16 });
    expect(head.elementwiseOps).toBe(2 * 15 * 15 * 16 + 3 * 7 * 7 * 16);
  });

  it('has hand-computed totals: 619 params, 474,944 MACs', () => {
    const t = loaded.report.totals;
    expect(t.params.trainable + t.params.nonTrainable).toBe(224 + 208 + 170 + 17);
    expect(t.macs).toBe(2 * 221_184 + 32_400 + 160 + 16);
  });

  it('runs: predict gives one output per output layer', () => {
    const out = loaded.model.predict([tf.ones([1, 32, 32, 3]), tf.ones([1, 32, 32, 3])]) as tf.Tensor[];
    expect(out.map((t) => t.shape)).toEqual([[1, 10], [1, 1]]);
    expect(out[0].sum().dataSync()[0]).toBeCloseTo(1, 5);
    tf.dispose(out);
  });
});

describe('a Keras 2.2.4 Sequential without an InputLayer (keras2-sequential.json)', () => {
  let loaded: LoadedModel;
  beforeAll(async () => {
    loaded = await loadModelFile(tf, fixture('keras2-sequential.json'));
  });
  afterAll(() => loaded.model.dispose());

  it('adds the input from batch_input_shape and chains the layers', () => {
    const names = loaded.report.layers.map((l) => l.name);
    expect(names).toEqual(['dilated_input', 'dilated', 'pool', 'up_conv', 'upsample', 'crop', 'ln', 'flatten', 'drop', 'out']);
    expect(loaded.report.layers[1].inbound).toEqual(['dilated_input']);
  });

  it('matches hand-computed shapes and costs of dilation, transposed conv, bilinear up-sampling, cropping and LayerNormalization', () => {
    const by = new Map(loaded.report.layers.map((l) => [l.name, l]));
    // 3x3 with dilation 2 covers 5x5: 28 - 5 + 1 = 24. Dilation does not change the MACs per output.
    expect([by.get('dilated')!.outputShape, by.get('dilated')!.macs]).toEqual([[null, 24, 24, 4], 24 * 24 * 4 * 9]);
    // Conv2DTranspose 3x3/2 valid: 12 * 2 + max(3 - 2, 0) = 25; MACs Hin*Win*Cin*K*Cout.
    expect([by.get('up_conv')!.outputShape, by.get('up_conv')!.macs]).toEqual([[null, 25, 25, 2], 12 * 12 * 4 * 9 * 2]);
    expect(by.get('up_conv')!.params.trainable).toBe(3 * 3 * 2 * 4 + 2);
    // Bilinear: 7 ops per output value.
    expect([by.get('upsample')!.outputShape, by.get('upsample')!.elementwiseOps]).toEqual([[null, 50, 50, 2], 7 * 50 * 50 * 2]);
    expect(by.get('crop')!.outputShape).toEqual([null, 48, 48, 2]);
    // LayerNormalization over channels: gamma and beta (2 x 2), 8 ops per value.
    expect([by.get('ln')!.params.trainable, by.get('ln')!.elementwiseOps]).toEqual([4, 8 * 48 * 48 * 2]);
    expect(by.get('out')!.macs).toBe(48 * 48 * 2 * 3);
  });
});

describe('parseKerasModel', () => {
  const ctx = (): { file: string; diagnostics: Diagnostic[] } => ({ file: 'm.json', diagnostics: [] });

  it('gives an image input with unknown height and width the default size, with a warning', () => {
    const c = ctx();
    const t = parseKerasModel({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, null, null, 3] } }, { class_name: 'ReLU', config: { name: 'r' } }] } }, c);
    expect(t.layers[0].config.batch_input_shape).toEqual([null, DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE, 3]);
    expect(c.diagnostics[0]).toMatchObject({ severity: 'warning', layer: 'in' });
  });

  it('refuses other unknown dimensions, naming the field', () => {
    expect(() => parseKerasModel({ class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { name: 'tokens', batch_input_shape: [null, null] } }] } }, ctx())).toThrow(
      'm.json: layer "tokens" (InputLayer), field "batch_input_shape": dimension 1 is unknown (null); analysis and timing need fixed sizes',
    );
  });

  it('reads a Keras 3 single output given as a flat [name, node, tensor]', () => {
    const t = parseKerasModel(
      {
        class_name: 'Functional',
        config: {
          name: 'f',
          layers: [
            { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_shape: [null, 4] }, inbound_nodes: [] },
            { class_name: 'Dense', name: 'd', config: { name: 'd', units: 2 }, inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['in', 0, 0] } }], kwargs: { mask: null } }] },
          ],
          input_layers: ['in', 0, 0],
          output_layers: ['d', 0, 0],
        },
      },
      ctx(),
    );
    expect(t.inputs).toEqual([{ layer: 'in', call: 0, tensor: 0 }]);
    expect(t.outputs).toEqual([{ layer: 'd', call: 0, tensor: 0 }]);
    expect(t.layers[1].calls).toEqual([{ inputs: [{ layer: 'in', call: 0, tensor: 0 }], kwargs: { mask: null } }]);
  });

  it('reads the Keras <= 2.1 Sequential config (a bare list of layers)', () => {
    const t = parseKerasModel({ class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] }, ctx());
    expect(t.layers.map((l) => l.name)).toEqual(['d_input', 'd']);
  });

  it('refuses a top-level class that is not a model', () => {
    expect(() => importKerasJson({ class_name: 'Conv2D', config: {} }, 'x.json')).toThrow(ModelFileError);
    expect(() => importKerasJson({ class_name: 'Conv2D', config: {} }, 'x.json')).toThrow('x.json: field "class_name": "Conv2D" is not a model class; expected Functional, Model or Sequential');
  });

  it('reads the {"model_config": ...} wrapper, also as a JSON string', () => {
    const config = JSON.parse(readFileSync(fixture('keras2-sequential.json'), 'utf8')) as object;
    const imported = importKerasJson({ model_config: JSON.stringify(config), keras_version: '2.2.4' }, 'm.json');
    expect(imported.topology.layers).toHaveLength(10);
    expect(imported.formatDescription).toBe('Keras 2.2.4 model config (JSON)');
  });
});
