/**
 * What analyzeTopology puts in the report beyond the registry's counts: the config shown, bytes per
 * dtype, frozen layers, nested models (weights once, costs per call, frozen children), the size
 * limits with their exact messages, and the diagnostics for unknown activations and layers.
 * Hand-computed numbers.
 */
import { describe, expect, it } from 'vitest';
import { MAX_MODEL_WEIGHTS, MAX_TENSOR_VALUES, sumTotals } from '../../src/analysis/analyze';
import { analyzeFunctional, analyzeSequential, inputEntry, layer, layerEntry, params } from './helpers';

describe('the layer report', () => {
  it('shows the config fields worth showing, lists joined with x, the activation by name', () => {
    const r = analyzeSequential([null, 9, 9, 2], ['Conv2D', { filters: 4, kernel_size: [3, 3], strides: 2, padding: 'same', dilation_rate: [1, 1], use_bias: false, activation: { class_name: 'function', config: 'relu' }, kernel_initializer: 'zeros' }]);
    expect(layer(r, 'l0').config).toEqual({ filters: 4, kernelSize: '3x3', strides: 2, padding: 'same', dilationRate: '1x1', useBias: false, activation: 'relu' });
    const d = analyzeSequential([null, 3], ['Dense', { units: 2, activation: null }], ['ReLU', { max_value: 6 }], ['Dropout', { rate: 0.25 }], ['BatchNormalization', { epsilon: 0.001 }]);
    expect(layer(d, 'l0').config).toEqual({ units: 2, activation: 'linear' });
    expect(layer(d, 'l1').config).toEqual({ maxValue: 6 });
    expect(layer(d, 'l2').config).toEqual({ rate: 0.25 });
    expect(layer(d, 'l3').config).toEqual({ epsilon: 0.001 });
    const p = analyzeSequential([null, 4, 4, 1], ['MaxPooling2D', { pool_size: [2, 2], padding: null, keepdims: { x: 1 } }]);
    expect(layer(p, 'l0').config).toEqual({ poolSize: '2x2', padding: null, keepdims: '{"x":1}' });
  });

  it('bytes per value follow the dtype: uint8 and bool 1, int32 4; float16 and float64 are analysed as float32, 4', () => {
    const input = (name: string, dtype: string): unknown => ({ name, class_name: 'InputLayer', config: { name, batch_input_shape: [null, 4, 3], dtype }, inbound_nodes: [] });
    const r = analyzeFunctional([input('u', 'uint8'), input('b', 'bool'), input('i', 'int32'), input('h', 'float16'), input('d', 'float64')], ['u', 'b', 'i', 'h', 'd'], [['u', 0, 0], ['b', 0, 0], ['i', 0, 0], ['h', 0, 0], ['d', 0, 0]]);
    expect(['u', 'b', 'i', 'h', 'd'].map((n) => layer(r, n).activationBytes)).toEqual([12, 12, 48, 48, 48]);
    const dense = analyzeSequential([null, 3], ['Dense', { units: 2, dtype: 'float64' }]);
    // Dense 3 -> 2: 8 params; output 2 values.
    expect([layer(dense, 'l0').weightBytes, layer(dense, 'l0').activationBytes]).toEqual([8 * 4, 2 * 4]);
  });

  it('a frozen layer\'s weights are all non-trainable; BN moving statistics always are', () => {
    const r = analyzeSequential([null, 4], ['Dense', { units: 2, trainable: false }], ['BatchNormalization', {}], ['Dense', { units: 1, trainable: true }]);
    expect(layer(r, 'l0').params).toEqual({ trainable: 0, nonTrainable: 10 });
    expect(layer(r, 'l1').params).toEqual({ trainable: 4, nonTrainable: 4 });
    expect(layer(r, 'l2').params).toEqual({ trainable: 3, nonTrainable: 0 });
    expect(r.totals.params).toEqual({ trainable: 7, nonTrainable: 14 });
  });

  it('FLOPs are 2 x MACs; tf.profiler FLOPs too, except MaxPooling2D\'s K per output value; a SeparableConv2D has its regular-conv ratio', () => {
    const r = analyzeSequential([null, 6, 6, 2], ['SeparableConv2D', { filters: 4, kernel_size: 3, padding: 'same', use_bias: false }], ['MaxPooling2D', { pool_size: 3, strides: 3 }]);
    const sep = layer(r, 'l0');
    // depthwise 6*6*2*9 = 648, pointwise 6*6*2*4 = 288; regular 6*6*4*9*2 = 2,592.
    expect([sep.macs, sep.flops, sep.tfProfilerFlops, sep.pointwiseMacs, sep.regularConvMacs]).toEqual([936, 1872, 1872, 288, 2592]);
    expect(sep.regularConvRatio).toBe(2592 / 936);
    const pool = layer(r, 'l1');
    // 6x6 -> 2x2x4 = 16 values, 9 per value under tf.profiler, 8 comparisons.
    expect([pool.macs, pool.flops, pool.tfProfilerFlops, pool.elementwiseOps]).toEqual([0, 0, 144, 128]);
    expect('regularConvMacs' in pool || 'pointwiseMacs' in pool || 'calls' in pool || 'outputShapes' in pool || 'children' in pool).toBe(false);
    expect(r.totals).toEqual(sumTotals(r.layers));
    expect(r.totals).toMatchObject({ layers: 3, macs: 936, flops: 1872, elementwiseOps: 128, activationBytes: (72 + 144 + 16) * 4, weightBytes: (18 + 8) * 4 });
    expect(r.model.inputShapes).toEqual([[null, 6, 6, 2]]);
    expect(r.model.outputShapes).toEqual([[null, 2, 2, 4]]);
  });

  it('a shared layer: calls, activation bytes of every call, weights once', () => {
    const r = analyzeFunctional(
      [inputEntry('a', [null, 8]), inputEntry('b', [null, 3, 8]), layerEntry('d', 'Dense', { units: 4 }, ['a'], ['b'])],
      ['a', 'b'],
      [['d', 0, 0], ['d', 1, 0]],
    );
    const d = layer(r, 'd');
    expect([d.calls, params(d), d.weightBytes, d.activationBytes]).toEqual([2, 36, 36 * 4, (4 + 12) * 4]);
    // bias adds: 4 + 12.
    expect(d.elementwiseOps).toBe(16);
    // The shapes shown are one call's (which one follows the topological order, see the closing note of issue 16).
    expect([[[null, 4], [[null, 8]]], [[null, 3, 4], [[null, 3, 8]]]]).toContainEqual([d.outputShape, d.inputShapes]);
    expect(r.model.outputShapes).toEqual([[null, 4], [null, 3, 4]]);
    expect(r.model.inputShapes).toEqual([[null, 8], [null, 3, 8]]);
  });
});

describe('nested models', () => {
  /** A nested Functional model `inner` (Conv2D 1x1 then MaxPooling2D 2x2) with two outputs, called `calls` times. */
  function nested(trainable: boolean, ...calls: string[][]) {
    return {
      name: 'inner',
      class_name: 'Functional',
      config: {
        name: 'inner',
        trainable,
        layers: [
          inputEntry('x', [null, 4, 4, 2]),
          layerEntry('pw', 'Conv2D', { filters: 3, kernel_size: 1 }, ['x']),
          layerEntry('pool', 'MaxPooling2D', {}, ['pw']),
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['pool', 0, 0], ['pw', 0, 0]],
      },
      inbound_nodes: calls.map((c) => c.map((i) => [i, 0, 0, {}])),
    };
  }

  it('costs the sum of its layers per call, keeps its weights once, and lists its outputs', () => {
    const r = analyzeFunctional([inputEntry('a', [null, 4, 4, 2]), inputEntry('b', [null, 4, 4, 2]), nested(true, ['a'], ['b'])], ['a', 'b'], [['inner', 0, 0], ['inner', 1, 1]]);
    const m = layer(r, 'inner');
    // pw: 4*4*3*2 = 96 MACs, 48 bias adds; pool 2x2: 2*2*3 = 12 values, 3 comparisons each, 4 under tf.profiler.
    expect([m.className, m.kind, m.label, m.calls]).toEqual(['Functional', 'model', 'Model (3 layers)', 2]);
    expect([m.macs, m.flops, m.elementwiseOps, m.tfProfilerFlops]).toEqual([2 * 96, 2 * 192, 2 * (48 + 36), 2 * (192 + 48)]);
    expect(m.params).toEqual({ trainable: 9, nonTrainable: 0 });
    expect(m.weightBytes).toBe(36);
    expect(m.outputShape).toEqual([null, 2, 2, 3]);
    expect(m.outputShapes).toEqual([[null, 2, 2, 3], [null, 4, 4, 3]]);
    expect(m.children!.map((c) => [c.name, c.macs, c.flow, c.block])).toEqual([
      ['x', 0, m.flow, m.block],
      ['pw', 2 * 96, m.flow, m.block],
      ['pool', 0, m.flow, m.block],
    ]);
    expect(r.model.outputShapes).toEqual([[null, 2, 2, 3], [null, 4, 4, 3]]);
  });

  it('a frozen nested model makes all of its children\'s weights non-trainable', () => {
    const r = analyzeFunctional([inputEntry('a', [null, 4, 4, 2]), nested(false, ['a'])], ['a'], [['inner', 0, 0]]);
    const m = layer(r, 'inner');
    expect(m.params).toEqual({ trainable: 0, nonTrainable: 9 });
    expect(m.children!.find((c) => c.name === 'pw')!.params).toEqual({ trainable: 0, nonTrainable: 9 });
  });
});

describe('size limits and diagnostics (exact messages)', () => {
  it('an output dimension below 1 is refused', () => {
    // Conv2DTranspose 'same', kernel 2, stride 2, output_padding 0 on 1x1: (1 - 1)*2 + 2 - 2*1 + 0 = 0.
    expect(() => analyzeSequential([null, 1, 1, 1], ['Conv2DTranspose', { filters: 1, kernel_size: 2, strides: 2, padding: 'same', output_padding: 0 }])).toThrow(
      'm.json: layer "l0" (Conv2DTranspose), field "output shape": the output shape [null, 0, 0, 1] has a dimension of 0; sizes must be positive',
    );
  });

  it('one weight tensor may hold 2^28 values, not more', () => {
    expect(MAX_TENSOR_VALUES).toBe(2 ** 28);
    // 16384 x 16384 = 2^28 exactly: accepted.
    expect(layer(analyzeSequential([null, 16384], ['Dense', { units: 16384, use_bias: false }]), 'l0').params.trainable).toBe(2 ** 28);
    // 16384 x 16385 = 268,451,840 weights, 1.00 GiB as float32.
    expect(() => analyzeSequential([null, 16384], ['Dense', { units: 16385, use_bias: false }])).toThrow(
      'm.json: layer "l0" (Dense), field "units": needs 268,451,840 weights (1.00 GiB as float32), more than the 268,435,456 a tensor may hold here; the sizes are absurd',
    );
    expect(() => analyzeSequential([null, 16385, 1, 1], ['Conv2D', { filters: 16385, kernel_size: [16385, 1], use_bias: false, padding: 'same' }])).toThrow(
      'm.json: layer "l0" (Conv2D), field "filters": needs 268,468,225 weights (1.00 GiB as float32), more than the 268,435,456 a tensor may hold here; the sizes are absurd',
    );
  });

  it('the model may hold 2^30 weights, not more', () => {
    expect(MAX_MODEL_WEIGHTS).toBe(2 ** 30);
    const big: [string, Record<string, unknown>] = ['Dense', { units: 16384, use_bias: false }];
    // Four layers of 2^28 weights: exactly 2^30, accepted; a fifth weight is one too many.
    expect(analyzeSequential([null, 16384], big, big, big, big).totals.params.trainable).toBe(2 ** 30);
    expect(() => analyzeSequential([null, 16384], big, big, big, big, ['Dense', { units: 1, use_bias: false, trainable: true }])).toThrow(
      'm.json: layer "l4" (Dense): the model needs more than 1,073,741,824 weights (4.00 GiB as float32) by this layer; too large to profile',
    );
  });

  it('an activation the analysis does not know is counted as 1 op per value, with a note', () => {
    const r = analyzeSequential([null, 5], ['Dense', { units: 3, activation: 'magic' }], ['Activation', { activation: 'gelu' }]);
    expect(layer(r, 'l0').elementwiseOps).toBe(3 + 3);
    expect(r.diagnostics.filter((d) => d.layer !== undefined)).toEqual([{ severity: 'info', layer: 'l0', message: 'layer "l0": activation "magic" is not one the analysis knows; counted as 1 element-wise op per value' }]);
  });

  it('an unknown layer keeps its input\'s shape; an error after it, even through known layers, says so', () => {
    const r = analyzeSequential([null, 6, 6, 2], ['FixedDropout', {}], ['ReLU', {}]);
    expect(layer(r, 'l0')).toMatchObject({ kind: 'unknown', label: 'FixedDropout', outputShape: [null, 6, 6, 2], params: { trainable: 0, nonTrainable: 0 } });
    expect(r.diagnostics.filter((d) => d.layer !== undefined).map((d) => [d.severity, d.code, d.layer])).toEqual([['warning', 'unsupported-layer', 'l0']]);
    expect(() => analyzeSequential([null, 6, 6, 2], ['FixedDropout', {}], ['ReLU', {}], ['Conv2D', { filters: 1, kernel_size: 7 }])).toThrow(
      'm.json: layer "l2" (Conv2D), field "kernel_size": kernel_size 7x7 is larger than its input 6x6 with padding "valid"; pad the input or use padding "same"; its input comes from "l0" (FixedDropout), which the analysis does not know and assumes to keep its input\'s shape',
    );
    // Without an unknown layer before it, the message is the registry's alone.
    expect(() => analyzeSequential([null, 6, 6, 2], ['ReLU', {}], ['Conv2D', { filters: 1, kernel_size: 7 }])).toThrow(
      /^m\.json: layer "l1" \(Conv2D\), field "kernel_size": kernel_size 7x7 is larger than its input 6x6 with padding "valid"; pad the input or use padding "same"$/,
    );
  });
});
