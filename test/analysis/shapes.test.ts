import { describe, expect, it } from 'vitest';
import { findJsonError, parseJson } from '../../src/importers/errors';
import { importModelBytes } from '../../src/importers/modelFile';
import { MAX_TENSOR_VALUES } from '../../src/analysis/analyze';
import { analyzeSequential as check, layer, params } from './helpers';

const out = (report: ReturnType<typeof check>, name: string): unknown => layer(report, name).outputShape;

describe('static shape inference (Keras formulas, hand-computed)', () => {
  it('Conv2D valid: floor((in - dilated kernel) / stride) + 1; same: ceil(in / stride)', () => {
    const s = check([null, 15, 15, 3], ['Conv2D', { filters: 6, kernel_size: [3, 5], strides: [2, 2], padding: 'valid' }], ['Conv2D', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }]);
    expect(out(s, 'l0')).toEqual([null, 7, 6, 6]); // (15-3)/2+1 = 7, (15-5)/2+1 = 6
    expect(out(s, 'l1')).toEqual([null, 4, 3, 4]); // ceil(7/2), ceil(6/2)
    expect(params(layer(s, 'l0'))).toBe(3 * 5 * 3 * 6 + 6);
  });

  it('dilation widens the kernel: 3x3 at rate 3 covers 7x7', () => {
    expect(out(check([null, 10, 10, 1], ['Conv2D', { filters: 1, kernel_size: 3, dilation_rate: 3 }]), 'l0')).toEqual([null, 4, 4, 1]);
  });

  it('ZeroPadding2D with asymmetric padding, then pooling with default strides = pool size', () => {
    const s = check([null, 7, 7, 2], ['ZeroPadding2D', { padding: [[0, 1], [2, 3]] }], ['AveragePooling2D', { pool_size: [2, 2] }]);
    expect(out(s, 'l0')).toEqual([null, 8, 12, 2]);
    expect(out(s, 'l1')).toEqual([null, 4, 6, 2]);
  });

  it('SeparableConv2D, DepthwiseConv2D, Conv2DTranspose params', () => {
    const s = check(
      [null, 8, 8, 4],
      ['SeparableConv2D', { filters: 8, kernel_size: 3, padding: 'same', depth_multiplier: 2 }],
      ['DepthwiseConv2D', { kernel_size: 3, use_bias: false }],
      ['Conv2DTranspose', { filters: 2, kernel_size: 4, strides: 2, padding: 'same' }],
    );
    expect(params(layer(s, 'l0'))).toBe(3 * 3 * 4 * 2 + 4 * 2 * 8 + 8);
    expect([out(s, 'l1'), params(layer(s, 'l1'))]).toEqual([[null, 6, 6, 8], 3 * 3 * 8]);
    expect([out(s, 'l2'), params(layer(s, 'l2'))]).toEqual([[null, 12, 12, 2], 4 * 4 * 2 * 8 + 2]);
  });

  it('Reshape with -1, Flatten, Dense, global pooling with keepdims', () => {
    const s = check([null, 4, 4, 6], ['GlobalMaxPooling2D', { keepdims: true }], ['Reshape', { target_shape: [-1, 2] }], ['Flatten', {}], ['Dense', { units: 5 }]);
    expect(out(s, 'l0')).toEqual([null, 1, 1, 6]);
    expect(out(s, 'l1')).toEqual([null, 3, 2]);
    expect(out(s, 'l2')).toEqual([null, 6]);
    expect(params(layer(s, 'l3'))).toBe(6 * 5 + 5);
  });

  it('refuses a Reshape that changes the number of values, naming target_shape', () => {
    expect(() => check([null, 4, 4, 6], ['Reshape', { target_shape: [5, 5] }])).toThrow('m.json: layer "l0" (Reshape), field "target_shape": cannot reshape [null, 4, 4, 6] (96 values) into [5,5]');
  });

  it('refuses strides > 1 with dilation > 1 (Keras rule) and a crop that removes everything', () => {
    expect(() => check([null, 9, 9, 1], ['Conv2D', { filters: 1, kernel_size: 3, strides: 2, dilation_rate: 2 }])).toThrow(/field "strides": strides 2 > 1 cannot be combined with dilation_rate 2 > 1/);
    expect(() => check([null, 4, 4, 1], ['Cropping2D', { cropping: [[2, 2], [0, 0]] }])).toThrow(/field "cropping": cropping \[\[2,2\],\[0,0\]\] removes all of its 4x4 input/);
  });

  it('refuses a pool window larger than its input with valid padding', () => {
    expect(() => check([null, 2, 2, 1], ['MaxPooling2D', { pool_size: 3, padding: 'valid' }])).toThrow(/field "pool_size": pool_size 3x3 is larger than its input 2x2/);
  });

  it('refuses channels_first data', () => {
    expect(() => check([null, 3, 8, 8], ['Conv2D', { filters: 1, kernel_size: 3, data_format: 'channels_first' }])).toThrow(/field "data_format": data_format "channels_first" is not supported/);
  });

  it('limits one tensor to 2^28 values', () => {
    expect(MAX_TENSOR_VALUES).toBe(268_435_456);
    expect(() => check([null, 16384, 16384, 1], ['ReLU', {}])).not.toThrow();
    expect(() => check([null, 16384, 16384, 1], ['Conv2D', { filters: 2, kernel_size: 1 }])).toThrow(/field "output shape": the output \[null, 16384, 16384, 2\] holds 536,870,912 values/);
  });
});

describe('functional graphs', () => {
  const graph = (layers: unknown[], outputs: unknown[] = [['c', 0, 0]]) =>
    importModelBytes(Buffer.from(JSON.stringify({ class_name: 'Functional', config: { name: 'g', layers, input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: outputs } })), 'g.json').report;
  const input = (name: string, shape: unknown[]) => ({ name, class_name: 'InputLayer', config: { name, batch_input_shape: shape }, inbound_nodes: [] });

  it('Concatenate adds up the axis and refuses other mismatches', () => {
    const ok = graph([input('a', [null, 4, 4, 3]), input('b', [null, 4, 4, 5]), { name: 'c', class_name: 'Concatenate', config: { name: 'c', axis: -1 }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] }]);
    expect(layer(ok, 'c').outputShape).toEqual([null, 4, 4, 8]);
    expect(() => graph([input('a', [null, 4, 4, 3]), input('b', [null, 2, 4, 5]), { name: 'c', class_name: 'Concatenate', config: { name: 'c' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] }])).toThrow(
      'g.json: layer "c" (Concatenate), field "inbound_nodes": cannot concatenate [null, 4, 4, 3] and [null, 2, 4, 5] along axis -1',
    );
  });

  it('element-wise merges broadcast a size of 1 and refuse other mismatches', () => {
    const ok = graph([input('a', [null, 4, 4, 3]), input('b', [null, 1, 1, 3]), { name: 'c', class_name: 'Multiply', config: { name: 'c' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] }]);
    expect(layer(ok, 'c').outputShape).toEqual([null, 4, 4, 3]);
    expect(() => graph([input('a', [null, 4, 4, 3]), input('b', [null, 4, 4, 2]), { name: 'c', class_name: 'Add', config: { name: 'c' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] }])).toThrow(
      /cannot combine inputs of shapes \[null, 4, 4, 3\] and \[null, 4, 4, 2\] element-wise/,
    );
  });

  it('refuses an output that is not in the model, and an input that is not an InputLayer', () => {
    const c = { name: 'c', class_name: 'Add', config: { name: 'c' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] };
    expect(() => graph([input('a', [null, 2]), input('b', [null, 2]), c], [['d', 0, 0]])).toThrow('g.json: field "output_layers[0]": refers to layer "d", which is not in the model');
    expect(() => graph([input('a', [null, 2]), input('b', [null, 2]), c], [['c', 0, 1]])).toThrow('g.json: field "output_layers[0]": refers to output 1 of layer "c", which has 1 output(s)');
  });
});

describe('JSON syntax errors', () => {
  it('are located by line and column', () => {
    expect(findJsonError('{"a": [1, 2,]}')).toEqual({ offset: 12, reason: 'unexpected "]", expected a value' });
    expect(findJsonError('{"a" 1}')).toEqual({ offset: 5, reason: 'unexpected "1", expected ":"' });
    expect(findJsonError('{"a": 1} x')).toEqual({ offset: 9, reason: 'unexpected "x", expected the end of the file' });
    expect(findJsonError('{"a": "b')).toEqual({ offset: 6, reason: 'unterminated string' });
    expect(findJsonError('[[[[[')).toEqual({ offset: 5, reason: 'unexpected end of the file, expected a value' });
    expect(findJsonError('{"a": [true, null, -1.5e3, {"b": {}}]}')).toBeUndefined();
    expect(() => parseJson('\n\n  {\n', 'f.json')).toThrow('f.json: not valid JSON at line 4, column 1: unexpected end of the file, expected a property name or "}"');
  });

  it('a deeply nested document does not overflow the stack', () => {
    const deep = '['.repeat(200_000);
    expect(findJsonError(deep)?.reason).toBe('unexpected end of the file, expected a value');
  });
});
