import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBuiltLayers } from '../../src/analysis/describe';
import { checkBuiltModel } from '../../src/analysis/engineCheck';
import { importModelBytes } from '../../src/importers/modelFile';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('describeBuiltLayers', () => {
  it('reads the output shape of the first call and params (trainable / non-trainable)', () => {
    const x = tf.input({ shape: [8, 8, 3], name: 'x' });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' }).apply(x) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(conv) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: bn });
    const [input, c, b] = describeBuiltLayers(model);
    expect(input).toMatchObject({ name: 'x', className: 'InputLayer', outputShapes: [[null, 8, 8, 3]] });
    // Conv2D 3x3, 3 -> 4 channels: 3*3*3*4 kernel + 4 bias = 112 trainable.
    expect(c).toEqual({ name: 'conv', className: 'Conv2D', outputShapes: [[null, 8, 8, 4]], params: { trainable: 112, nonTrainable: 0 } });
    // BatchNormalization over 4 channels: gamma, beta trainable; moving mean, variance not.
    expect(b.params).toEqual({ trainable: 8, nonTrainable: 8 });
    model.dispose();
  });
});

describe('checkBuiltModel (Keras is the reference)', () => {
  it("flags a layer TF.js builds with another shape, names the config field, and keeps Keras's numbers", () => {
    // TF.js 4.22's DepthwiseConv2D ignores dilation_rate: 11x11, k3, rate 2, valid is 7x7 in Keras, 9x9 in TF.js.
    const json = {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'DepthwiseConv2D', config: { name: 'dw', batch_input_shape: [null, 11, 11, 4], kernel_size: 3, dilation_rate: 2, use_bias: false } }] },
    };
    const checked = importModelBytes(Buffer.from(JSON.stringify(json)), 'dw.json');
    const x = tf.input({ shape: [11, 11, 4], name: 'dw_input' });
    const model = tf.model({ inputs: x, outputs: tf.layers.depthwiseConv2d({ kernelSize: 3, dilationRate: 2, useBias: false, name: 'dw' }).apply(x) as tf.SymbolicTensor });
    const diagnostics = checkBuiltModel(checked.report, checked.topology, model);
    expect(diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'engine-shape-mismatch',
        layer: 'dw',
        message: 'TF.js builds layer "dw" (DepthwiseConv2D) with output shape [null, 9, 9, 4] where Keras gives [null, 7, 7, 4] (config: kernel_size=3, dilation_rate=2, use_bias=false); the report keeps Keras\'s values',
      },
    ]);
    expect(checked.report.layers[1].outputShape).toEqual([null, 7, 7, 4]);
    model.dispose();
  });

  it('says nothing when TF.js builds what Keras does', () => {
    const json = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', batch_input_shape: [null, 5], units: 3 } }] } };
    const checked = importModelBytes(Buffer.from(JSON.stringify(json)), 'd.json');
    const x = tf.input({ shape: [5], name: 'd_input' });
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3, name: 'd' }).apply(x) as tf.SymbolicTensor });
    expect(checkBuiltModel(checked.report, checked.topology, model)).toEqual([]);
    model.dispose();
  });
});

describe('checkBuiltModel, edge by edge', () => {
  /** Dense 5 -> 3 then BatchNormalization (3 trainable gammas/betas: 6, moving mean/variance: 6). */
  function checked() {
    const json = {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'Dense', config: { name: 'd', batch_input_shape: [null, 5], units: 3 } },
          { class_name: 'BatchNormalization', config: { name: 'bn' } },
        ],
      },
    };
    const c = importModelBytes(Buffer.from(JSON.stringify(json)), 's.json');
    const x = tf.input({ shape: [5], name: 'd_input' });
    const y = tf.layers.dense({ units: 3, name: 'd' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: tf.layers.batchNormalization({ name: 'bn' }).apply(y) as tf.SymbolicTensor });
    return { ...c, model };
  }
  it('counts non-trainable params too, and says how many each side has', () => {
    const c = checked();
    const bn = c.report.layers.find((l) => l.name === 'bn')!;
    expect(bn.params).toEqual({ trainable: 6, nonTrainable: 6 });
    expect(checkBuiltModel(c.report, c.topology, c.model)).toEqual([]);
    bn.params = { trainable: 6, nonTrainable: 0 };
    expect(checkBuiltModel(c.report, c.topology, c.model).map((d) => d.message)).toEqual([
      'TF.js builds layer "bn" (BatchNormalization) with 12 params where Keras gives 6; the report keeps Keras\'s values',
    ]);
    c.model.dispose();
  });
  it('a shape of another rank, or none, differs; both differences are named together', () => {
    const c = checked();
    const d = c.report.layers.find((l) => l.name === 'd')!;
    d.outputShape = [null, 3, 1];
    d.params = { trainable: 1, nonTrainable: 2 };
    expect(checkBuiltModel(c.report, c.topology, c.model).map((x) => x.message)).toEqual([
      'TF.js builds layer "d" (Dense) with output shape [null, 3] where Keras gives [null, 3, 1] and 18 params where Keras gives 3 (config: units=3); the report keeps Keras\'s values',
    ]);
    d.outputShape = undefined as never;
    d.params = { trainable: 18, nonTrainable: 0 };
    expect(checkBuiltModel(c.report, c.topology, c.model).map((x) => x.message)).toEqual([
      'TF.js builds layer "d" (Dense) with output shape [null, 3] where Keras gives none (config: units=3); the report keeps Keras\'s values',
    ]);
    c.model.dispose();
  });
  it('skips the input layer and layers the report does not have (by their original names)', () => {
    const c = checked();
    const input = c.report.layers.find((l) => l.className === 'InputLayer')!;
    input.outputShape = [null, 99];
    expect(checkBuiltModel(c.report, c.topology, c.model)).toEqual([]);
    c.report.layers.find((l) => l.name === 'bn')!.outputShape = [null, 4];
    expect(checkBuiltModel(c.report, c.topology, c.model, (n) => `renamed_${n}`)).toEqual([]);
    expect(checkBuiltModel(c.report, c.topology, c.model, (n) => n).map((x) => x.layer)).toEqual(['bn']);
    c.model.dispose();
  });
});

describe('describeBuiltLayers, shapes of several outputs', () => {
  it('a nested model with two outputs gives both shapes; a one-output layer gives a list of one', () => {
    const x = tf.input({ shape: [4], name: 'inner_in' });
    const a = tf.layers.dense({ units: 3, name: 'a' }).apply(x) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 2, name: 'b' }).apply(x) as tf.SymbolicTensor;
    const inner = tf.model({ inputs: x, outputs: [a, b], name: 'inner' });
    const y = tf.input({ shape: [4], name: 'outer_in' });
    const [p, q] = inner.apply(y) as tf.SymbolicTensor[];
    const outer = tf.model({ inputs: y, outputs: tf.layers.concatenate({ name: 'cat' }).apply([p, q]) as tf.SymbolicTensor });
    const built = describeBuiltLayers(outer);
    expect(built.map((l) => [l.name, l.outputShapes])).toEqual([
      ['outer_in', [[null, 4]]],
      ['inner', [[null, 3], [null, 2]]],
      ['cat', [[null, 5]]],
    ]);
    // Dense 4 -> 3 (15) and 4 -> 2 (10).
    expect(built[1].params).toEqual({ trainable: 25, nonTrainable: 0 });
    outer.dispose();
  });
});
