/**
 * Property-based tests (fast-check) of the faithful replacements: random valid Keras configs per
 * replaced class are built through the importer (Keras JSON -> buildModel), run on the cpu
 * backend, and compared with the plain-JavaScript references (importers/faithful/reference.ts)
 * computed from the generated config and the layer's weights. Shapes are Keras's formulas.
 */
import * as fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/importers/build';
import { convOutputLength, deconvOutputLength } from '../../src/importers/faithful/layers';
import {
  ACTIVATION_REFERENCE,
  addBiasReference,
  conv2dReference,
  conv2dTransposeReference,
  globalPoolReference,
  kerasReluReference,
  mapReference,
  upsampleBilinearReference,
  type HostTensor,
} from '../../src/importers/faithful/reference';
import { importModelBytes } from '../../src/importers/modelFile';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const RUNS = { numRuns: 25, seed: 20261130 };

/** Builds `className(config)` on an input of `shape` (no batch) through the importer; runs it on a random input. */
async function runLayer(className: string, config: Record<string, unknown>, shape: number[], kerasVersion = '2.15.0'): Promise<{ x: HostTensor; y: HostTensor; weights: HostTensor[] }> {
  const json = {
    class_name: 'Functional',
    keras_version: kerasVersion,
    config: {
      name: 'one',
      layers: [
        { name: 'in', class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, ...shape] }, inbound_nodes: [] },
        { name: 'layer', class_name: className, config: { name: 'layer', ...config }, inbound_nodes: [[['in', 0, 0, {}]]] },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['layer', 0, 0]],
    },
  };
  const checked = importModelBytes(Buffer.from(JSON.stringify(json)), 'one.json');
  const built = await buildModel(tf, checked);
  try {
    const input = tf.randomUniform([1, ...shape], -2, 2, 'float32', shape.reduce((a, b) => a * 31 + b, 7));
    const out = built.model.predict(input) as tf.Tensor;
    // What TF.js declared must be what it computed.
    expect(built.model.outputs[0].shape.slice(1)).toEqual(out.shape.slice(1));
    const host = (t: tf.Tensor): HostTensor => ({ shape: t.shape, data: t.dataSync() as Float32Array });
    const result = { x: host(input), y: host(out), weights: built.model.getLayer('layer').getWeights().map(host) };
    tf.dispose([input, out]);
    return result;
  } finally {
    built.model.dispose();
  }
}

function expectClose(actual: HostTensor, expected: HostTensor): void {
  expect(actual.shape).toEqual(expected.shape);
  let scale = 1e-6;
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    scale = Math.max(scale, Math.abs(expected.data[i]));
    worst = Math.max(worst, Math.abs(actual.data[i] - expected.data[i]));
  }
  expect(worst / scale).toBeLessThan(1e-4);
}

const size = fc.integer({ min: 1, max: 7 });
const kernel = fc.integer({ min: 1, max: 3 });
const padding = fc.constantFrom('same', 'valid');

describe('faithful replacements agree with the references on random configs', () => {
  it('DepthwiseConv2D with dilation (and depth multiplier)', async () => {
    const config = fc.record({ h: size, w: size, c: fc.integer({ min: 1, max: 3 }), kh: kernel, kw: kernel, m: fc.integer({ min: 1, max: 3 }), padding, dh: fc.integer({ min: 1, max: 3 }), dw: fc.integer({ min: 1, max: 3 }) });
    const valid = config.filter((g) => (g.dh > 1 || g.dw > 1) && (g.padding === 'same' || (g.h >= (g.kh - 1) * g.dh + 1 && g.w >= (g.kw - 1) * g.dw + 1)));
    await fc.assert(
      fc.asyncProperty(valid, async (g) => {
        const { x, y, weights } = await runLayer('DepthwiseConv2D', { kernel_size: [g.kh, g.kw], depth_multiplier: g.m, padding: g.padding, dilation_rate: [g.dh, g.dw], use_bias: true }, [g.h, g.w, g.c]);
        expect(y.shape).toEqual([1, convOutputLength(g.h, g.kh, g.padding, 1, g.dh), convOutputLength(g.w, g.kw, g.padding, 1, g.dw), g.c * g.m]);
        const asGrouped = { shape: [g.kh, g.kw, 1, g.c * g.m], data: weights[0].data };
        expectClose(y, addBiasReference(conv2dReference(x, asGrouped, { strides: [1, 1], padding: g.padding, dilation: [g.dh, g.dw], groups: g.c }), weights[1].data));
      }),
      RUNS,
    );
  });

  it('Conv2D with groups, strides or dilation, and a Keras 3 activation', async () => {
    const config = fc.record({
      h: size,
      w: size,
      groups: fc.integer({ min: 2, max: 3 }),
      perGroupIn: fc.integer({ min: 1, max: 2 }),
      perGroupOut: fc.integer({ min: 1, max: 2 }),
      k: kernel,
      padding,
      stride: fc.integer({ min: 1, max: 2 }),
      dilation: fc.integer({ min: 1, max: 2 }),
      activation: fc.constantFrom('linear', 'relu', 'hard_silu', 'silu', 'leaky_relu', 'gelu'),
    });
    const valid = config.filter((g) => !(g.stride > 1 && g.dilation > 1) && (g.padding === 'same' || Math.min(g.h, g.w) >= (g.k - 1) * g.dilation + 1));
    await fc.assert(
      fc.asyncProperty(valid, async (g) => {
        const cin = g.groups * g.perGroupIn;
        const filters = g.groups * g.perGroupOut;
        const { x, y, weights } = await runLayer(
          'Conv2D',
          { filters, kernel_size: g.k, strides: g.stride, padding: g.padding, dilation_rate: g.dilation, groups: g.groups, activation: g.activation, use_bias: true },
          [g.h, g.w, cin],
        );
        expect(weights[0].shape).toEqual([g.k, g.k, g.perGroupIn, filters]);
        const conv = conv2dReference(x, weights[0], { strides: [g.stride, g.stride], padding: g.padding, dilation: [g.dilation, g.dilation], groups: g.groups });
        expectClose(y, mapReference(addBiasReference(conv, weights[1].data), ACTIVATION_REFERENCE[g.activation]));
      }),
      RUNS,
    );
  });

  it('Conv2DTranspose with output_padding, strides and dilation', async () => {
    const config = fc
      .record({
        h: fc.integer({ min: 1, max: 5 }),
        w: fc.integer({ min: 1, max: 5 }),
        cin: fc.integer({ min: 1, max: 3 }),
        filters: fc.integer({ min: 1, max: 3 }),
        kh: fc.integer({ min: 1, max: 4 }),
        kw: fc.integer({ min: 1, max: 4 }),
        padding,
        stride: fc.integer({ min: 1, max: 3 }),
        dilation: fc.integer({ min: 1, max: 2 }),
        op: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
      })
      .map((g) => ({ ...g, dilation: g.stride > 1 ? 1 : g.dilation, op: g.op === null ? null : Math.min(g.op, g.stride - 1) }))
      // Configs TF's conv2d_transpose (which Keras calls) accepts: the forward convolution of the
      // output gives the input length back.
      .filter((g) =>
        [[g.h, g.kh], [g.w, g.kw]].every(([len, k]) => {
          const out = deconvOutputLength(len, k, g.padding, g.op, g.stride, g.dilation);
          return out >= 1 && convOutputLength(out, k, g.padding, g.stride, g.dilation) === len;
        }),
      );
    await fc.assert(
      fc.asyncProperty(config, async (g) => {
        const { x, y, weights } = await runLayer(
          'Conv2DTranspose',
          { filters: g.filters, kernel_size: [g.kh, g.kw], strides: g.stride, padding: g.padding, dilation_rate: g.dilation, output_padding: g.op, use_bias: true },
          [g.h, g.w, g.cin],
        );
        const ref = conv2dTransposeReference(x, weights[0], { strides: [g.stride, g.stride], padding: g.padding, dilation: [g.dilation, g.dilation], outputPadding: g.op === null ? null : [g.op, g.op] });
        expectClose(y, addBiasReference(ref, weights[1].data));
      }),
      RUNS,
    );
  });

  it('global pooling with keepdims', async () => {
    const config = fc.record({ cls: fc.constantFrom('GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D'), h: size, w: size, c: fc.integer({ min: 1, max: 4 }) });
    await fc.assert(
      fc.asyncProperty(config, async (g) => {
        const shape = g.cls.endsWith('2D') ? [g.h, g.w, g.c] : [g.h, g.c];
        const { x, y } = await runLayer(g.cls, { keepdims: true }, shape);
        expectClose(y, globalPoolReference(x, g.cls.includes('Max') ? 'max' : 'average'));
      }),
      RUNS,
    );
  });

  it('UpSampling2D bilinear (half-pixel centres)', async () => {
    const config = fc.record({ h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 3 }), sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }) });
    await fc.assert(
      fc.asyncProperty(config, async (g) => {
        const { x, y } = await runLayer('UpSampling2D', { size: [g.sh, g.sw], interpolation: 'bilinear' }, [g.h, g.w, g.c]);
        expectClose(y, upsampleBilinearReference(x, [g.sh, g.sw]));
      }),
      RUNS,
    );
  });

  it('ReLU with negative_slope, threshold and max_value', async () => {
    const config = fc.record({
      slope: fc.constantFrom(0, 0.1, 0.3, 1),
      // Keras refuses a negative threshold (the analysis too: registry.test.ts).
      threshold: fc.constantFrom(0, 0.25, 0.5, 1.5),
      max: fc.constantFrom(null, 1, 6),
    }).filter((g) => g.slope !== 0 || g.threshold !== 0);
    await fc.assert(
      fc.asyncProperty(config, async (g) => {
        const { x, y } = await runLayer('ReLU', { negative_slope: g.slope, threshold: g.threshold, max_value: g.max }, [4, 5]);
        expectClose(y, mapReference(x, (v) => kerasReluReference(v, g.slope, g.max, g.threshold)));
      }),
      RUNS,
    );
  });
});

describe('activations', () => {
  const computed = ['silu', 'swish', 'hard_silu', 'hard_swish', 'gelu', 'leaky_relu', 'mish', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'exponential', 'celu', 'hard_tanh', 'log_sigmoid', 'tanh_shrink', 'squareplus', 'sparse_plus', 'sparse_sigmoid', 'soft_shrink', 'hard_shrink'];
  it.each(computed)('%s on an Activation layer and on a Dense layer is Keras\'s formula', async (name) => {
    const act = await runLayer('Activation', { activation: name }, [3, 8], '3.6.0');
    expectClose(act.y, mapReference(act.x, ACTIVATION_REFERENCE[name]));
    const dense = await runLayer('Dense', { units: 4, activation: name }, [6], '3.6.0');
    const [kernel, bias] = dense.weights;
    const linear = new Float32Array(4).map((_, j) => bias.data[j] + Array.from(dense.x.data).reduce((s, v, i) => s + v * kernel.data[i * 4 + j], 0));
    expectClose(dense.y, mapReference({ shape: [1, 4], data: linear }, ACTIVATION_REFERENCE[name]));
  });

  it('hard_sigmoid is relu6(x + 3) / 6 in Keras 3 files and clip(0.2 x + 0.5, 0, 1) in Keras 2 files', async () => {
    const k3 = await runLayer('Activation', { activation: 'hard_sigmoid' }, [40], '3.6.0');
    expectClose(k3.y, mapReference(k3.x, ACTIVATION_REFERENCE.hard_sigmoid));
    const k2 = await runLayer('Activation', { activation: 'hard_sigmoid' }, [40], '2.15.0');
    expectClose(k2.y, mapReference(k2.x, ACTIVATION_REFERENCE.hard_sigmoid_keras2));
    // The two differ (at x = 1: 0.667 vs 0.7), so the version matters.
    expect(ACTIVATION_REFERENCE.hard_sigmoid(1)).not.toBeCloseTo(ACTIVATION_REFERENCE.hard_sigmoid_keras2(1), 3);
  });
});
