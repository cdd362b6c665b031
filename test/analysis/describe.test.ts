import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeLayers } from '../../src/analysis/describe';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('describeLayers', () => {
  it('reads shapes, inbound names, params (trainable / non-trainable) and bytes per value', () => {
    const x = tf.input({ shape: [8, 8, 3], name: 'x' });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' }).apply(x) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(conv) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: bn });
    const [input, c, b] = describeLayers(model);
    expect(input).toMatchObject({ name: 'x', className: 'InputLayer', inbound: [], inputShapes: [], outputShapes: [[null, 8, 8, 3]] });
    // Conv2D 3x3, 3 -> 4 channels: 3*3*3*4 kernel + 4 bias = 112 trainable.
    expect(c).toMatchObject({ className: 'Conv2D', inbound: ['x'], inputShapes: [[null, 8, 8, 3]], outputShapes: [[null, 8, 8, 4]], params: { trainable: 112, nonTrainable: 0 }, bytesPerValue: 4 });
    // BatchNormalization over 4 channels: gamma, beta trainable; moving mean, variance not.
    expect(b.params).toEqual({ trainable: 8, nonTrainable: 8 });
    expect(c.laterCalls).toBeUndefined();
    model.dispose();
  });

  it("lists a shared layer's later calls and a nested model's own layers", () => {
    const shared = tf.layers.dense({ units: 2, name: 'shared' });
    const a = tf.input({ shape: [3], name: 'a' });
    const inner = tf.model({ inputs: a, outputs: shared.apply(a) as tf.SymbolicTensor, name: 'inner' });
    const x = tf.input({ shape: [3], name: 'x' });
    const y = tf.input({ shape: [2], name: 'y' });
    const viaInner = inner.apply(x) as tf.SymbolicTensor;
    const again = tf.layers.dense({ units: 3, name: 'up' }).apply(viaInner) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [x, y], outputs: [inner.apply(again) as tf.SymbolicTensor, y] });
    const layers = describeLayers(model);
    const nested = layers.find((l) => l.name === 'inner')!;
    // The nested model is called twice in this graph (its built-in node is not one of them).
    expect(nested.laterCalls).toHaveLength(1);
    expect(nested.laterCalls![0].inputShapes).toEqual([[null, 3]]);
    expect(nested.children?.map((l) => l.name)).toEqual(['a', 'shared']);
    // Dense 3 -> 2: 6 weights + 2 biases.
    expect(nested.children?.[1].params).toEqual({ trainable: 8, nonTrainable: 0 });
    model.dispose();
  });
});
