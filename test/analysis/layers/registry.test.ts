import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../../src/analysis/layers/registry';
import { analyzeFunctional, analyzeSequential, inputEntry, layer, layerEntry, merged, params, single } from '../helpers';

describe('registry MACs (hand-computed)', () => {
  it('Conv2D: Hout*Wout*Cout*kh*kw*Cin; bias and activation are element-wise', () => {
    // block1_conv1 of Xception: 3x3/2 valid, 299x299x3 -> 149x149x32.
    const c = single('Conv2D', { filters: 32, kernel_size: [3, 3], strides: [2, 2], use_bias: false, activation: 'linear' }, [null, 299, 299, 3]);
    expect(c.outputShape).toEqual([null, 149, 149, 32]);
    expect(c.macs).toBe(149 * 149 * 32 * 3 * 3 * 3); // 6,391,296
    expect(c.elementwiseOps).toBe(0);
    expect(c.label).toBe('Conv 3x3/2, 32');
    const withBias = single('Conv2D', { filters: 16, kernel_size: [1, 1], use_bias: true, activation: 'relu' }, [null, 4, 4, 8]);
    expect(withBias.macs).toBe(4 * 4 * 16 * 8);
    expect(withBias.elementwiseOps).toBe(2 * 4 * 4 * 16);
  });

  it('Conv2D with groups divides the input channels, in MACs and in the kernel', () => {
    const c = single('Conv2D', { filters: 32, kernel_size: [3, 3], groups: 4, padding: 'same' }, [null, 8, 8, 16]);
    expect(c.macs).toBe(8 * 8 * 32 * 9 * 4);
    expect(params(c)).toBe(3 * 3 * 4 * 32 + 32);
  });

  it('DepthwiseConv2D: Hout*Wout*Cin*depthMultiplier*kh*kw', () => {
    const c = single('DepthwiseConv2D', { kernel_size: [3, 3], depth_multiplier: 2, padding: 'same' }, [null, 112, 112, 32]);
    expect(c.outputShape).toEqual([null, 112, 112, 64]);
    expect(c.macs).toBe(112 * 112 * 64 * 9);
  });

  it('SeparableConv2D: depthwise + pointwise, and the regular-conv twin', () => {
    // block2_sepconv1: 147x147x64 -> 147x147x128, 3x3 same.
    const c = single('SeparableConv2D', { filters: 128, kernel_size: [3, 3], padding: 'same', use_bias: false }, [null, 147, 147, 64]);
    expect(c.macs).toBe(147 * 147 * 64 * 9 + 147 * 147 * 64 * 128); // 12,446,784 + 177,020,928
    expect(c.pointwiseMacs).toBe(147 * 147 * 64 * 128);
    expect(c.regularConvMacs).toBe(147 * 147 * 128 * 9 * 64);
  });

  it('SeparableConv2D with a depth multiplier and strides: both parts at the output size, pointwise over Cin*dm', () => {
    // 9x9x3 -> stride 2 valid -> 4x4; dm 2 gives 6 intermediate channels; 5 filters.
    const c = single('SeparableConv2D', { filters: 5, kernel_size: 3, strides: 2, depth_multiplier: 2 }, [null, 9, 9, 3]);
    expect(c.outputShape).toEqual([null, 4, 4, 5]);
    expect(c.macs - c.pointwiseMacs!).toBe(4 * 4 * 3 * 2 * 9); // depthwise 864
    expect(c.pointwiseMacs).toBe(4 * 4 * 3 * 2 * 5); // pointwise 480
    expect(params(c)).toBe(3 * 3 * 3 * 2 + 6 * 5 + 5);
  });

  it('Conv2DTranspose: Hin*Win*Cin*kh*kw*Cout', () => {
    const c = single('Conv2DTranspose', { filters: 8, kernel_size: [4, 4], strides: [2, 2], padding: 'same' }, [null, 8, 8, 16]);
    expect(c.outputShape).toEqual([null, 16, 16, 8]);
    expect(c.macs).toBe(8 * 8 * 16 * 16 * 8);
  });

  it('Dense: inputs*units, softmax as element-wise ops', () => {
    const c = single('Dense', { units: 1000, use_bias: true, activation: 'softmax' }, [null, 2048]);
    expect(c.macs).toBe(2_048_000);
    expect(c.elementwiseOps).toBe(1000 + 3 * 1000);
    expect(c.label).toBe('Dense 1000');
  });
});

describe('registry element-wise ops (never MACs)', () => {
  it('BatchNormalization: 2 per value; ReLU: 1; ReLU6: 2', () => {
    const bn = single('BatchNormalization', {}, [null, 10, 10, 4]);
    expect([bn.macs, bn.elementwiseOps, bn.params]).toEqual([0, 800, { trainable: 8, nonTrainable: 8 }]);
    expect(single('Activation', { activation: 'relu' }, [null, 10, 10, 4]).elementwiseOps).toBe(400);
    expect(single('ReLU', { max_value: 6 }, [null, 10, 10, 4]).elementwiseOps).toBe(800);
  });

  it('Add of n inputs: (n-1) per output value', () => {
    const add = merged('Add', {}, [[null, 74, 74, 128], [null, 74, 74, 128]]);
    expect([add.macs, add.elementwiseOps, add.label]).toEqual([0, 74 * 74 * 128, '+']);
  });

  it('MaxPooling2D 3x3: 8 comparisons per output value (9 FLOPs under tf.profiler); global average pooling: one add per input', () => {
    const pool = single('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, [null, 147, 147, 128]);
    expect(pool.outputShape).toEqual([null, 74, 74, 128]);
    expect(pool.elementwiseOps).toBe(8 * 74 * 74 * 128);
    expect(pool.tfProfilerFlops).toBe(9 * 74 * 74 * 128);
    expect(pool.label).toBe('MaxPool 3x3/2');
    expect(single('GlobalAveragePooling2D', {}, [null, 10, 10, 2048]).elementwiseOps).toBe(10 * 10 * 2048 + 2048);
  });

  it('an unknown layer counts as zero, keeps its shape, and gets a named diagnostic', () => {
    const report = analyzeSequential([null, 4], ['FixedDropout', {}]);
    expect(layer(report, 'l0')).toMatchObject({ macs: 0, outputShape: [null, 4], kind: 'unknown' });
    expect(report.diagnostics.find((d) => d.layer === 'l0')!.message).toBe('layer "l0" of class "FixedDropout" is not supported; it counts as 0 MACs and is assumed to keep its input\'s shape');
  });
});

describe('registry across the layer kinds of model files (hand-computed)', () => {
  it('Conv2D: dilation does not change the count; groups divide the input channels', () => {
    const dilated = single('Conv2D', { filters: 4, kernel_size: [3, 3], dilation_rate: [2, 2], use_bias: true }, [null, 28, 28, 1]);
    expect(dilated.outputShape).toEqual([null, 24, 24, 4]);
    expect(dilated.macs).toBe(24 * 24 * 4 * 9 * 1);
    expect(dilated.elementwiseOps).toBe(24 * 24 * 4); // bias
    const grouped = single('Conv2D', { filters: 6, kernel_size: [1, 1], groups: 2 }, [null, 4, 4, 8]);
    expect(grouped.macs).toBe(4 * 4 * 6 * 1 * 4);
  });

  it('DepthwiseConv2D with a depth multiplier and a bias', () => {
    const c = single('DepthwiseConv2D', { kernel_size: [5, 5], depth_multiplier: 3, use_bias: true, activation: 'relu6', padding: 'same' }, [null, 10, 10, 4]);
    expect(c.macs).toBe(10 * 10 * 12 * 25);
    expect(c.elementwiseOps).toBe(1200 + 2 * 1200); // bias, relu6
  });

  it('LayerNormalization: 6 ops per value for the statistics, plus gamma and beta', () => {
    expect(single('LayerNormalization', { scale: true, center: true }, [null, 5, 7]).elementwiseOps).toBe(8 * 35);
    expect(single('LayerNormalization', { scale: false, center: true }, [null, 5, 7]).elementwiseOps).toBe(7 * 35);
  });

  it('data movement costs nothing: asymmetric ZeroPadding2D, Flatten, Reshape, Dropout, Cropping2D, Concatenate', () => {
    const pad = single('ZeroPadding2D', { padding: [[0, 1], [0, 1]] }, [null, 224, 224, 3]);
    expect([pad.outputShape, pad.macs, pad.elementwiseOps]).toEqual([[null, 225, 225, 3], 0, 0]);
    for (const [c, config] of [['Flatten', {}], ['Reshape', { target_shape: [32] }], ['Dropout', { rate: 0.5 }], ['Cropping2D', { cropping: 1 }]] as const) {
      const l = single(c, config, [null, 4, 4, 2]);
      expect([l.macs, l.elementwiseOps]).toEqual([0, 0]);
    }
    const cat = merged('Concatenate', { axis: -1 }, [[null, 4, 4, 2], [null, 4, 4, 3]]);
    expect([cat.outputShape, cat.macs, cat.elementwiseOps]).toEqual([[null, 4, 4, 5], 0, 0]);
  });

  it('Multiply of 3 inputs: 2 per value; Average: 3 per value', () => {
    const shapes = [[null, 2, 2, 5], [null, 2, 2, 5], [null, 2, 2, 5]];
    expect(merged('Multiply', {}, shapes).elementwiseOps).toBe(2 * 20);
    expect(merged('Average', {}, shapes).elementwiseOps).toBe(3 * 20);
  });

  it('pooling: average kh*kw per output value; global max one comparison per input value beyond the first', () => {
    expect(single('AveragePooling2D', { pool_size: [7, 7] }, [null, 7, 7, 2048]).elementwiseOps).toBe(49 * 2048);
    expect(single('GlobalMaxPooling2D', {}, [null, 7, 7, 8]).elementwiseOps).toBe(7 * 7 * 8 - 8);
  });

  it("ReLU refuses a negative max_value, negative_slope or threshold, as Keras's ReLU does", () => {
    for (const field of ['max_value', 'negative_slope', 'threshold']) {
      expect(() => analyzeSequential([null, 4], ['ReLU', { [field]: -1 }])).toThrow(`m.json: layer "l0" (ReLU), field "${field}": must be a number of at least 0 (Keras's ReLU), got -1`);
      expect(single('ReLU', { [field]: 0 }, [null, 4]).outputShape).toEqual([null, 4]);
    }
    expect(() => analyzeSequential([null, 4], ['ReLU', { max_value: '6' }])).toThrow('field "max_value": must be a number of at least 0 (Keras\'s ReLU), got "6"');
    expect(single('ReLU', { max_value: null }, [null, 4]).elementwiseOps).toBe(4);
    expect(() => analyzeSequential([null, 4], ['ReLU', { threshold: null }])).toThrow('field "threshold": must be a number of at least 0 (Keras\'s ReLU), got null');
  });

  it('activations: ReLU 1 (2 with max_value), Softmax 3, Activation by name, Keras 3 names', () => {
    expect(single('ReLU', {}, [null, 10]).elementwiseOps).toBe(10);
    expect(single('Softmax', {}, [null, 10]).elementwiseOps).toBe(30);
    expect(single('Activation', { activation: 'sigmoid' }, [null, 10]).elementwiseOps).toBe(30);
    // Keras 3 writes silu for swish and hard_silu for hard swish: the same functions, the same cost.
    expect(single('Activation', { activation: 'silu' }, [null, 10]).elementwiseOps).toBe(single('Activation', { activation: 'swish' }, [null, 10]).elementwiseOps);
    expect(single('Activation', { activation: 'hard_silu' }, [null, 10]).elementwiseOps).toBe(50);
  });

  it('UpSampling2D: nearest and area copy; a kernel of t taps per axis costs t^2 multiplies and t^2 - 1 adds per output value', () => {
    // 4x4x3 upsampled by 2: 8 x 8 x 3 = 192 output values.
    const ops = (interpolation?: string): number => single('UpSampling2D', { size: [2, 2], ...(interpolation ? { interpolation } : {}) }, [null, 4, 4, 3]).elementwiseOps;
    expect([undefined, 'nearest', 'area', 'bilinear', 'gaussian', 'bicubic', 'mitchellcubic', 'lanczos3', 'lanczos5'].map((i) => ops(i))).toEqual(
      [0, 0, 0, 7, 17, 31, 31, 71, 199].map((perValue) => perValue * 192),
    );
    expect(() => analyzeSequential([null, 4, 4, 3], ['UpSampling2D', { size: 2, interpolation: 'cubic' }])).toThrow(
      'm.json: layer "l0" (UpSampling2D), field "interpolation": expected one of "nearest", "area", "bilinear", "bicubic", "mitchellcubic", "gaussian", "lanczos3", "lanczos5", got "cubic"',
    );
  });

  it('TimeDistributed counts its inner layer once per step', () => {
    const td = single('TimeDistributed', { layer: { class_name: 'Dense', config: { units: 4, use_bias: false } } }, [null, 3, 8]);
    expect([td.outputShape, td.macs, params(td)]).toEqual([[null, 3, 4], 3 * 8 * 4, 8 * 4]);
    expect(td.label).toBe('TimeDistributed(Dense 4)');
  });

  it('a shared layer costs once per call, each call with its own shapes; its weights once', () => {
    const report = analyzeFunctional(
      [inputEntry('a', [null, 8]), inputEntry('b', [null, 3, 8]), layerEntry('d', 'Dense', { units: 4, use_bias: false }, ['a'], ['b'])],
      ['a', 'b'],
      [['d', 0, 0], ['d', 1, 0]],
    );
    const d = layer(report, 'd');
    expect([d.macs, d.calls, params(d)]).toEqual([8 * 4 + 3 * 8 * 4, 2, 32]);
  });

  it('a nested model costs the sum of its layers and keeps them as children', () => {
    const inner = {
      name: 'backbone',
      class_name: 'Functional',
      config: { name: 'backbone', layers: [inputEntry('x', [null, 8, 8, 3]), layerEntry('pw', 'Conv2D', { filters: 4, kernel_size: 1, use_bias: false }, ['x']), layerEntry('fd', 'FixedDropout', {}, ['pw'])], input_layers: [['x', 0, 0]], output_layers: [['fd', 0, 0]] },
      inbound_nodes: [[['img', 0, 0, {}]]],
    };
    const report = analyzeFunctional([inputEntry('img', [null, 8, 8, 3]), inner], ['img'], [['backbone', 1, 0]]);
    const b = layer(report, 'backbone');
    expect([b.macs, b.kind, b.children!.map((c) => c.name)]).toEqual([8 * 8 * 4 * 3, 'model', ['x', 'pw', 'fd']]);
    expect(report.totals.macs).toBe(8 * 8 * 4 * 3);
    expect(report.diagnostics.find((d) => d.layer === 'backbone/fd')!.code).toBe('unsupported-layer');
  });
});

describe('the registry', () => {
  it('has one entry per class, each with a label', () => {
    for (const [className, spec] of Object.entries(LAYERS)) {
      expect(typeof spec.label({ filters: 1, kernel_size: 1, units: 1 }), className).toBe('string');
    }
  });
});
