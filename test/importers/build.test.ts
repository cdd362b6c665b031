import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, tfjsHasLayer } from '../../src/importers/build';
import { ModelFileError } from '../../src/importers/errors';
import { analyzeImportedModel, importModelBytes, loadModelFile } from '../../src/importers/modelFile';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'models', name);

describe('unknown layer classes', () => {
  it('stand in as shape-preserving layers: a named warning, zero cost, the rest analysed', async () => {
    const { model, report } = await loadModelFile(tf, fixture('unknown-layer.json'));
    try {
      const x = report.layers.find((l) => l.name === 'x')!;
      expect(x.className).toBe('FixedDropout');
      expect(x.outputShape).toEqual([null, 8, 8, 4]);
      expect([x.macs, x.params.trainable]).toEqual([0, 0]);
      const warning = report.diagnostics.find((d) => d.severity === 'warning' && d.layer === 'x')!;
      expect(warning.message).toBe('layer "x" of class "FixedDropout" is not supported; it counts as 0 MACs and is assumed to keep its input\'s shape');
      expect(report.diagnostics.find((d) => d.severity === 'info' && d.layer === 'x')!.message).toMatch(/analysed and timed as a shape-preserving stand-in/);
      // Its timing is marked as a stand-in's, not the real layer's.
      expect(x.execution).toEqual({ kind: 'stand-in', why: expect.stringMatching(/^TF\.js has no layer class "FixedDropout": .* its timing is not the real layer's$/) });
      // The layers after it are analysed: GAP over 8x8x4, Dense 4 -> 5.
      expect(report.layers.find((l) => l.name === 'fc')!.macs).toBe(4 * 5);
      expect(report.totals.macs).toBe(8 * 8 * 4 * 3 + 4 * 5);
      // And it runs: the stand-in passes its input through.
      const input = tf.ones([1, 8, 8, 3]);
      const out = model.predict(input) as tf.Tensor;
      expect(out.shape).toEqual([1, 5]);
      tf.dispose([input, out]);
    } finally {
      model.dispose();
    }
  });

  it('fail with a named error, before TF.js, when the layers after a stand-in cannot take its shape', () => {
    // The custom layer really halves the size (a pooling); as a stand-in it does not, so the Add fails.
    const call = (name: string): unknown[] => [[[name, 0, 0, {}]]];
    const json = {
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [
          { name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4, 4, 3] }, inbound_nodes: [] },
          { name: 'custom', class_name: 'MyPool', config: { name: 'custom' }, inbound_nodes: call('in') },
          { name: 'pool', class_name: 'MaxPooling2D', config: { name: 'pool', pool_size: 2 }, inbound_nodes: call('in') },
          { name: 'sum', class_name: 'Add', config: { name: 'sum' }, inbound_nodes: [[['custom', 0, 0, {}], ['pool', 0, 0, {}]]] },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['sum', 0, 0]],
      },
    };
    expect(() => importModelBytes(Buffer.from(JSON.stringify(json)), 'custom.json')).toThrow(ModelFileError);
    expect(() => importModelBytes(Buffer.from(JSON.stringify(json)), 'custom.json')).toThrow(
      'custom.json: layer "sum" (Add), field "inbound_nodes": cannot combine inputs of shapes [null, 4, 4, 3] and [null, 2, 2, 3] element-wise; its input comes from "custom" (MyPool), which the analysis does not know and assumes to keep its input\'s shape',
    );
  });

  it('get the weights the manifest lists for them, so the params total is right', async () => {
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 4, batch_input_shape: [null, 3] } }, { class_name: 'LearnedScale', config: { name: 'scale' } }] },
      },
      weightsManifest: [{
        paths: ['absent.bin'],
        weights: [
          { name: 'd/kernel', shape: [3, 4], dtype: 'float32' },
          { name: 'd/bias', shape: [4], dtype: 'float32' },
          { name: 'scale/gamma', shape: [4], dtype: 'float32' },
        ],
      }],
    };
    const checked = importModelBytes(Buffer.from(JSON.stringify(json)), path.join(__dirname, 'model.json'));
    const built = await buildModel(tf, checked);
    const report = analyzeImportedModel(built.model, checked, built.diagnostics);
    expect(report.layers.find((l) => l.name === 'scale')!.params.trainable).toBe(4);
    expect(report.totals.params.trainable).toBe(3 * 4 + 4 + 4);
    expect(built.model.weights.map((w) => w.originalName)).toEqual(['d/kernel', 'd/bias', 'scale/gamma']);
    built.model.dispose();
  });

  it('tells TF.js layer classes from other registered classes', () => {
    expect(tfjsHasLayer(tf, 'Conv2D')).toBe(true);
    expect(tfjsHasLayer(tf, 'FixedDropout')).toBe(false);
    // `Identity` is registered as an initializer, not a layer.
    expect(tfjsHasLayer(tf, 'Identity')).toBe(false);
  });
});

describe('grouped convolutions', () => {
  it('run as Keras computes them: a [3, 3, Cin / groups, filters] kernel, one convolution per group', async () => {
    const json = {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'Conv2D', config: { name: 'grouped', batch_input_shape: [null, 8, 8, 4], filters: 8, kernel_size: 3, padding: 'same', groups: 2 } }] },
    };
    const checked = importModelBytes(Buffer.from(JSON.stringify(json)), 'g.json');
    expect(checked.report.layers.find((l) => l.name === 'grouped')!.params.trainable).toBe(3 * 3 * 2 * 8 + 8);
    const built = await buildModel(tf, checked);
    try {
      const layer = built.model.getLayer('grouped');
      expect(layer.getWeights().map((w) => w.shape)).toEqual([[3, 3, 2, 8], [8]]);
      expect(layer.countParams()).toBe(3 * 3 * 2 * 8 + 8);
      expect(built.executions.get('grouped')).toEqual({ kind: 'faithful-replacement', why: expect.stringMatching(/^TF\.js has no grouped convolution; runs 2 convolutions/) });
      const report = analyzeImportedModel(built.model, checked, built.diagnostics, built.executions);
      expect(report.layers.find((l) => l.name === 'grouped')!.execution?.kind).toBe('faithful-replacement');
      expect(report.diagnostics.some((d) => /ungrouped/.test(d.message))).toBe(false);
    } finally {
      built.model.dispose();
    }
  });
});

describe('what only TF.js rejects, named after the analysis passed it', () => {
  const call = (name: string): unknown[] => [[[name, 0, 0, {}]]];
  /** A functional model: input `shape` (with batch) -> `layers`, output the last layer. */
  const functional = (shape: (number | null)[], layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[]) => ({
    class_name: 'Functional',
    config: {
      name: 'f',
      layers: [{ name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: shape }, inbound_nodes: [] }, ...layers],
      input_layers: [['in', 0, 0]],
      output_layers: [[layers[layers.length - 1].name, 0, 0]],
    },
  });
  const buildError = async (json: unknown): Promise<unknown> => {
    const imported = importModelBytes(Buffer.from(JSON.stringify(json)), 'm.json');
    try {
      (await buildModel(tf, imported)).model.dispose();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it("a layer config TF.js cannot build (a custom activation function, as Keras 3 saves one): TF.js's reason, and the stand-ins", async () => {
    const activation = { module: null, class_name: 'function', config: 'my_act', registered_name: 'function' };
    const dense = { name: 'dense', class_name: 'Dense', config: { name: 'dense', units: 2, activation }, inbound_nodes: call('in') };
    const reason = 'Unknown activation: function. This may be due to one of the following reasons:';
    expect(await buildError(functional([null, 6], [dense]))).toMatchObject({ name: 'ModelFileError', message: expect.stringMatching(new RegExp(`^m\\.json: TF\\.js could not build the model: ${reason}`)) });
    const custom = { name: 'x', class_name: 'FixedDropout', config: { name: 'x' }, inbound_nodes: call('in') };
    expect(await buildError(functional([null, 6], [custom, { ...dense, inbound_nodes: call('x') }]))).toMatchObject({
      name: 'ModelFileError',
      message: expect.stringMatching(new RegExp(`^m\\.json: TF\\.js could not build the model: ${reason}[^]*; unsupported layers stood in as shape-preserving: "x"$`)),
    });
  });

  it('an output dimension below 1 that TF.js computes for a layer the analysis assumed shape-preserving', async () => {
    // MaxPooling1D is no class of the analysis (a shape-preserving stand-in there: [null, 2, 3]), but
    // TF.js builds it: pool 4, stride 4, valid, over 2 steps: floor((2 - 4) / 4) + 1 = 0 steps.
    const pool = { name: 'pool', class_name: 'MaxPooling1D', config: { name: 'pool', pool_size: 4, strides: 4 }, inbound_nodes: call('in') };
    expect(await buildError(functional([null, 2, 3], [pool]))).toMatchObject({
      name: 'ModelFileError',
      message: 'm.json: layer "pool" (MaxPooling1D), field "output shape": TF.js computes the output shape [null, 0, 3], which has a dimension below 1',
    });
  });
});
