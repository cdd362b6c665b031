/**
 * The layer registry called directly, one entry at a time: output dims, the weights Keras creates
 * (names and shapes), MACs, element-wise ops, labels, and the exact message of each config Keras
 * refuses. Numbers are worked by hand from the formulas in registry.ts's header (Keras's
 * `conv_output_length` / `deconv_output_length`, the Xception paper's separable-conv count).
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../../src/importers/errors';
import { activationName, activationOps, canonicalActivation, isKnownActivation } from '../../../src/analysis/layers/activations';
import { LAYERS, layerSpec, type CallResult } from '../../../src/analysis/layers/registry';
import type { Config } from '../../../src/analysis/layers/configReaders';

/** Calls the registry entry of `className` on inputs given without the batch. */
function call(className: string, config: Config, ...inputs: number[][]): CallResult {
  return LAYERS[className].call(config, inputs, (field) => ({ layer: 'l', className, field }));
}

/** The message (with the field) of the ModelFileError the entry throws. */
function refusal(className: string, config: Config, ...inputs: number[][]): string {
  try {
    call(className, config, ...inputs);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return (e as ModelFileError).message;
  }
  throw new Error(`${className} accepted ${JSON.stringify(config)}`);
}

const label = (className: string, config: Config): string => LAYERS[className].label(config);
const weights = (r: CallResult): [string, number[], boolean][] => r.weights.map((w) => [w.name, w.shape, w.trainable]);

describe('conv entries: weights as Keras creates them', () => {
  it('Conv2D: kernel [kh, kw, Cin/groups, filters] and a bias; no bias when use_bias is false', () => {
    const c = call('Conv2D', { filters: 6, kernel_size: [3, 5], groups: 2, padding: 'same' }, [4, 4, 8]);
    expect(c.outputs).toEqual([[4, 4, 6]]);
    expect(weights(c)).toEqual([['kernel', [3, 5, 4, 6], true], ['bias', [6], true]]);
    expect(c.macs).toBe(4 * 4 * 6 * 3 * 5 * 4); // 5,760
    expect(c.elementwiseOps).toBe(4 * 4 * 6); // bias only
    expect(weights(call('Conv2D', { filters: 2, kernel_size: 1, use_bias: false }, [3, 3, 1]))).toEqual([['kernel', [1, 1, 1, 2], true]]);
  });

  it('Conv2D refuses groups that do not divide the channels or the filters', () => {
    expect(refusal('Conv2D', { filters: 6, kernel_size: 1, groups: 3 }, [4, 4, 8])).toBe('layer "l" (Conv2D), field "groups": groups 3 must divide both the input channels (8) and filters (6)');
    expect(refusal('Conv2D', { filters: 4, kernel_size: 1, groups: 3 }, [4, 4, 9])).toBe('layer "l" (Conv2D), field "groups": groups 3 must divide both the input channels (9) and filters (4)');
  });

  it('DepthwiseConv2D: depthwise_kernel [kh, kw, Cin, dm], bias over Cin*dm', () => {
    const c = call('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 2, strides: 2, activation: 'relu' }, [7, 7, 3]);
    // valid: floor((7 - 3) / 2) + 1 = 3.
    expect(c.outputs).toEqual([[3, 3, 6]]);
    expect(weights(c)).toEqual([['depthwise_kernel', [3, 3, 3, 2], true], ['bias', [6], true]]);
    expect(c.macs).toBe(3 * 3 * 6 * 9); // 486
    expect(c.elementwiseOps).toBe(54 + 54); // bias, relu
  });

  it('SeparableConv2D: depthwise_kernel, pointwise_kernel [1, 1, Cin*dm, filters], bias; regular twin Hout*Wout*Cout*K*Cin', () => {
    const c = call('SeparableConv2D', { filters: 4, kernel_size: [3, 3], depth_multiplier: 2, strides: 2, padding: 'same' }, [5, 5, 3]);
    // same: ceil(5 / 2) = 3.
    expect(c.outputs).toEqual([[3, 3, 4]]);
    expect(weights(c)).toEqual([['depthwise_kernel', [3, 3, 3, 2], true], ['pointwise_kernel', [1, 1, 6, 4], true], ['bias', [4], true]]);
    expect(c.macs).toBe(3 * 3 * 3 * 2 * 9 + 3 * 3 * 6 * 4); // 486 + 216
    expect(c.pointwiseMacs).toBe(216);
    expect(c.regularConvMacs).toBe(3 * 3 * 4 * 9 * 3); // 972
    expect(c.elementwiseOps).toBe(36);
  });

  it('Conv2DTranspose: kernel [kh, kw, filters, Cin]; output lengths of deconv_output_length', () => {
    const c = call('Conv2DTranspose', { filters: 2, kernel_size: 3, strides: 2 }, [4, 5, 3]);
    // valid, no output_padding: n*s + max(k - s, 0) = 4*2 + 1 = 9 and 5*2 + 1 = 11.
    expect(c.outputs).toEqual([[9, 11, 2]]);
    expect(weights(c)).toEqual([['kernel', [3, 3, 2, 3], true], ['bias', [2], true]]);
    expect(c.macs).toBe(4 * 5 * 3 * 9 * 2); // 1,080: each input value through the kernel
    expect(c.elementwiseOps).toBe(9 * 11 * 2);
    // A kernel smaller than the stride adds nothing: 4*3 + max(2 - 3, 0) = 12.
    expect(call('Conv2DTranspose', { filters: 1, kernel_size: 2, strides: 3 }, [4, 4, 1]).outputs).toEqual([[12, 12, 1]]);
    // same, no output_padding: n*s.
    expect(call('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, padding: 'same' }, [4, 5, 1]).outputs).toEqual([[8, 10, 1]]);
    // Dilation widens the kernel: 3 at rate 2 covers 5; stride 1 valid: 4 + 4 = 8.
    expect(call('Conv2DTranspose', { filters: 1, kernel_size: 3, dilation_rate: 2 }, [4, 4, 1]).outputs).toEqual([[8, 8, 1]]);
  });

  it('Conv2DTranspose with output_padding: (n - 1)*s + k - 2*pad + op, pad = floor(k / 2) for same', () => {
    // same: (4 - 1)*2 + 3 - 2 + 1 = 8; valid: (4 - 1)*2 + 3 + 1 = 10; per axis.
    expect(call('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, padding: 'same', output_padding: 1 }, [4, 4, 1]).outputs).toEqual([[8, 8, 1]]);
    expect(call('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: [2, 3], output_padding: [1, 0] }, [4, 4, 1]).outputs).toEqual([[10, 12, 1]]);
    expect(call('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, output_padding: null }, [4, 4, 1]).outputs).toEqual([[9, 9, 1]]);
    expect(refusal('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, output_padding: 2 }, [4, 4, 1])).toBe(
      'layer "l" (Conv2DTranspose), field "output_padding": output_padding 2 must be smaller than strides 2 (Keras\'s rule)',
    );
    expect(refusal('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: [3, 2], output_padding: [0, 2] }, [4, 4, 1])).toBe(
      'layer "l" (Conv2DTranspose), field "output_padding": output_padding [0,2] must be smaller than strides [3,2] (Keras\'s rule)',
    );
    expect(refusal('Conv2DTranspose', { filters: 1, kernel_size: 3, output_padding: 1 }, [4, 4, 1])).toBe(
      'layer "l" (Conv2DTranspose), field "output_padding": output_padding 1 must be smaller than strides 1 (Keras\'s rule)',
    );
    expect(refusal('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: 2, output_padding: -1 }, [4, 4, 1])).toBe('layer "l" (Conv2DTranspose), field "output_padding": must not be negative, got -1');
  });

  it('Dense on a 3-D input: kernel [Cin, units], output keeps the leading dims', () => {
    const d = call('Dense', { units: 4, activation: 'tanh' }, [3, 8]);
    expect(d.outputs).toEqual([[3, 4]]);
    expect(weights(d)).toEqual([['kernel', [8, 4], true], ['bias', [4], true]]);
    expect([d.macs, d.elementwiseOps]).toEqual([3 * 8 * 4, 12 + 5 * 12]);
  });
});

describe('config readers: Keras defaults and the messages of refused values', () => {
  it('positive integers', () => {
    expect(refusal('Dense', { units: 'x' }, [4])).toBe('layer "l" (Dense), field "units": expected a positive integer, got "x"');
    expect(refusal('Dense', { units: 2.5 }, [4])).toBe('layer "l" (Dense), field "units": expected a positive integer, got 2.5');
    expect(refusal('Dense', {}, [4])).toBe('layer "l" (Dense), field "units": expected a positive integer, got undefined');
    expect(refusal('Dense', { units: 0 }, [4])).toBe('layer "l" (Dense), field "units": must be positive, got 0');
    expect(refusal('Dense', { units: -3 }, [4])).toBe('layer "l" (Dense), field "units": must be positive, got -3');
    expect(call('Dense', { units: 1 }, [4]).outputs).toEqual([[1]]);
  });

  it('an int or a list of one or two ints', () => {
    // [3] means 3x3; [2, 3] is height 2, width 3.
    expect(call('Conv2D', { filters: 1, kernel_size: [3] }, [5, 5, 1]).outputs).toEqual([[3, 3, 1]]);
    expect(call('Conv2D', { filters: 1, kernel_size: [2, 3] }, [5, 5, 1]).outputs).toEqual([[4, 3, 1]]);
    expect(refusal('Conv2D', { filters: 1, kernel_size: [3, 3, 3] }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "kernel_size": expected an integer or a pair of integers, got [3,3,3]');
    expect(refusal('Conv2D', { filters: 1, kernel_size: [] }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "kernel_size": expected an integer or a pair of integers, got []');
    expect(refusal('Conv2D', { filters: 1, kernel_size: [3, 1.5] }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "kernel_size": expected an integer or a pair of integers, got [3,1.5]');
    expect(refusal('Conv2D', { filters: 1, kernel_size: '3' }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "kernel_size": expected an integer or a pair of integers, got "3"');
    expect(refusal('Conv2D', { filters: 1 }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "kernel_size": expected an integer or a pair of integers, got undefined');
    expect(refusal('Conv2D', { filters: 1, kernel_size: [3, 0] }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "kernel_size": must be positive, got [3,0]');
    expect(refusal('Conv2D', { filters: 1, kernel_size: [0, 3] }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "kernel_size": must be positive, got [0,3]');
    expect(refusal('Conv2D', { filters: 1, kernel_size: 1, dilation_rate: [1, 0] }, [5, 5, 1])).toBe(
      'layer "l" (Conv2D), field "dilation_rate": a dilation rate of [1,0] is not allowed; it must be at least 1 (1 = no dilation)',
    );
    expect(refusal('Conv2D', { filters: 1, kernel_size: 1, strides: 0 }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "strides": must be positive, got 0');
  });

  it('padding: "valid" by default, any case, nothing else', () => {
    expect(call('Conv2D', { filters: 1, kernel_size: 3, padding: 'SAME' }, [5, 5, 1]).outputs).toEqual([[5, 5, 1]]);
    expect(call('Conv2D', { filters: 1, kernel_size: 3, padding: null }, [5, 5, 1]).outputs).toEqual([[3, 3, 1]]);
    expect(refusal('Conv2D', { filters: 1, kernel_size: 3, padding: 'full' }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "padding": expected "valid" or "same", got "full"');
    expect(refusal('Conv2D', { filters: 1, kernel_size: 3, padding: 1 }, [5, 5, 1])).toBe('layer "l" (Conv2D), field "padding": expected "valid" or "same", got 1');
  });

  it('data_format: absent, null or channels_last', () => {
    expect(call('MaxPooling2D', { data_format: 'channels_last' }, [4, 4, 1]).outputs).toEqual([[2, 2, 1]]);
    expect(call('MaxPooling2D', { data_format: null }, [4, 4, 1]).outputs).toEqual([[2, 2, 1]]);
    expect(refusal('ZeroPadding2D', { data_format: 'channels_first' }, [1, 4, 4])).toBe(
      'layer "l" (ZeroPadding2D), field "data_format": data_format "channels_first" is not supported; the analysis and profiling use NHWC (channels_last)',
    );
  });

  it('rank: 4-D NHWC inputs for images, 2-D for RepeatVector', () => {
    expect(refusal('Conv2D', { filters: 1, kernel_size: 1 }, [8, 3])).toBe('layer "l" (Conv2D), field "input": expects a 4-D NHWC input, got [null, 8, 3]');
    expect(refusal('GlobalAveragePooling2D', {}, [2, 2, 2, 2])).toBe('layer "l" (GlobalAveragePooling2D), field "input": expects a 4-D NHWC input, got [null, 2, 2, 2, 2]');
    expect(refusal('RepeatVector', { n: 3 }, [2, 5])).toBe('layer "l" (RepeatVector), field "input": expects a 2-D input, got [null, 2, 5]');
    expect(call('RepeatVector', { n: 3 }, [5]).outputs).toEqual([[3, 5]]);
  });

  it('valid windows: floor((n - dilated window) / stride) + 1, per axis; too large names both sizes', () => {
    // 8 x 9 with a 3 x 4 window, stride 2: floor(5/2)+1 = 3, floor(5/2)+1 = 3; stride [1, 2]: 6, 3.
    expect(call('AveragePooling2D', { pool_size: [3, 4], strides: 2 }, [8, 9, 1]).outputs).toEqual([[3, 3, 1]]);
    expect(call('AveragePooling2D', { pool_size: [3, 4], strides: [1, 2] }, [8, 9, 1]).outputs).toEqual([[6, 3, 1]]);
    // An exact fit gives 1.
    expect(call('Conv2D', { filters: 1, kernel_size: [8, 9] }, [8, 9, 1]).outputs).toEqual([[1, 1, 1]]);
    expect(refusal('Conv2D', { filters: 1, kernel_size: [2, 4] }, [8, 3, 1])).toBe(
      'layer "l" (Conv2D), field "kernel_size": kernel_size 2x4 is larger than its input 8x3 with padding "valid"; pad the input or use padding "same"',
    );
    expect(refusal('Conv2D', { filters: 1, kernel_size: [4, 2] }, [3, 8, 1])).toBe(
      'layer "l" (Conv2D), field "kernel_size": kernel_size 4x2 is larger than its input 3x8 with padding "valid"; pad the input or use padding "same"',
    );
    // 3x3 at rate [3, 1] covers 7x3.
    expect(refusal('Conv2D', { filters: 1, kernel_size: 3, dilation_rate: [3, 1] }, [6, 6, 1])).toBe(
      'layer "l" (Conv2D), field "kernel_size": kernel_size 3x3 (7x3 with dilation) is larger than its input 6x6 with padding "valid"; pad the input or use padding "same"',
    );
    expect(refusal('Conv2D', { filters: 1, kernel_size: 3, dilation_rate: [1, 3] }, [6, 6, 1])).toBe(
      'layer "l" (Conv2D), field "kernel_size": kernel_size 3x3 (3x7 with dilation) is larger than its input 6x6 with padding "valid"; pad the input or use padding "same"',
    );
  });

  it('strides > 1 and dilation > 1 on different axes are refused too', () => {
    expect(refusal('DepthwiseConv2D', { kernel_size: 3, strides: [1, 2], dilation_rate: [2, 1] }, [9, 9, 1])).toBe(
      'layer "l" (DepthwiseConv2D), field "strides": strides [1,2] > 1 cannot be combined with dilation_rate [2,1] > 1 (Keras\'s rule)',
    );
    expect(refusal('DepthwiseConv2D', { kernel_size: 3, strides: [2, 1], dilation_rate: [1, 2] }, [9, 9, 1])).toBe(
      'layer "l" (DepthwiseConv2D), field "strides": strides [2,1] > 1 cannot be combined with dilation_rate [1,2] > 1 (Keras\'s rule)',
    );
    // Dilation alone: 3 at rate 2 covers 5, 9 - 5 + 1 = 5.
    expect(call('DepthwiseConv2D', { kernel_size: 3, dilation_rate: 2 }, [9, 9, 1]).outputs).toEqual([[5, 5, 1]]);
  });

  it('padding and cropping sides: an int, [rows, columns] or [[top, bottom], [left, right]]', () => {
    expect(call('ZeroPadding2D', {}, [2, 3, 1]).outputs).toEqual([[4, 5, 1]]);
    expect(call('ZeroPadding2D', { padding: 2 }, [2, 3, 1]).outputs).toEqual([[6, 7, 1]]);
    expect(call('ZeroPadding2D', { padding: [1, 2] }, [2, 3, 1]).outputs).toEqual([[4, 7, 1]]);
    expect(call('ZeroPadding2D', { padding: [[1, 0], [0, 3]] }, [2, 3, 1]).outputs).toEqual([[3, 6, 1]]);
    expect(call('Cropping2D', { cropping: [[1, 0], [2, 1]] }, [4, 5, 2]).outputs).toEqual([[3, 2, 2]]);
    expect(call('Cropping2D', {}, [4, 5, 2]).outputs).toEqual([[4, 5, 2]]);
    const bad = 'expected an integer, [rows, columns] or [[top, bottom], [left, right]], got';
    expect(refusal('ZeroPadding2D', { padding: [1, 2, 3] }, [2, 3, 1])).toBe(`layer "l" (ZeroPadding2D), field "padding": ${bad} [1,2,3]`);
    expect(refusal('ZeroPadding2D', { padding: [1, 'a'] }, [2, 3, 1])).toBe(`layer "l" (ZeroPadding2D), field "padding": ${bad} [1,"a"]`);
    expect(refusal('ZeroPadding2D', { padding: [[1, 1], [1]] }, [2, 3, 1])).toBe(`layer "l" (ZeroPadding2D), field "padding": ${bad} [[1,1],[1]]`);
    expect(refusal('ZeroPadding2D', { padding: [[1, 1], 2] }, [2, 3, 1])).toBe(`layer "l" (ZeroPadding2D), field "padding": ${bad} [[1,1],2]`);
    expect(refusal('ZeroPadding2D', { padding: 1.5 }, [2, 3, 1])).toBe(`layer "l" (ZeroPadding2D), field "padding": ${bad} 1.5`);
    expect(refusal('ZeroPadding2D', { padding: [[0, 0], [0, -1]] }, [2, 3, 1])).toBe('layer "l" (ZeroPadding2D), field "padding": must not be negative, got [[0,0],[0,-1]]');
    expect(refusal('Cropping2D', { cropping: [[0, 0], [2, 1]] }, [4, 3, 1])).toBe('layer "l" (Cropping2D), field "cropping": cropping [[0,0],[2,1]] removes all of its 4x3 input');
    expect(call('Cropping2D', { cropping: [[0, 0], [1, 1]] }, [4, 3, 1]).outputs).toEqual([[4, 1, 1]]);
  });

  it('axes: negative from the end, a list of one, never the batch axis', () => {
    expect(weights(call('BatchNormalization', { axis: 1 }, [4, 5, 3]))).toEqual([
      ['gamma', [4], true],
      ['beta', [4], true],
      ['moving_mean', [4], false],
      ['moving_variance', [4], false],
    ]);
    expect(call('BatchNormalization', { axis: [-2] }, [4, 5, 3]).weights[0].shape).toEqual([5]);
    expect(call('BatchNormalization', { axis: 3 }, [4, 5, 3]).weights[0].shape).toEqual([3]);
    const out = 'is out of range for a 4-D input (the batch axis 0 is not allowed)';
    expect(refusal('BatchNormalization', { axis: 4 }, [4, 5, 3])).toBe(`layer "l" (BatchNormalization), field "axis": axis 4 ${out}`);
    expect(refusal('BatchNormalization', { axis: 0 }, [4, 5, 3])).toBe(`layer "l" (BatchNormalization), field "axis": axis 0 ${out}`);
    expect(refusal('BatchNormalization', { axis: -4 }, [4, 5, 3])).toBe(`layer "l" (BatchNormalization), field "axis": axis -4 ${out}`);
    expect(refusal('BatchNormalization', { axis: 'c' }, [4, 5, 3])).toBe('layer "l" (BatchNormalization), field "axis": expected an axis (an integer), got "c"');
    expect(refusal('BatchNormalization', { axis: [1, 2] }, [4, 5, 3])).toBe('layer "l" (BatchNormalization), field "axis": expected an axis (an integer), got [1,2]');
    expect(refusal('BatchNormalization', { axis: 1.5 }, [4, 5, 3])).toBe('layer "l" (BatchNormalization), field "axis": expected an axis (an integer), got 1.5');
  });
});

describe('normalisation, merges and data movement', () => {
  it('BatchNormalization without scale or center keeps only what it has', () => {
    const bn = call('BatchNormalization', { scale: false }, [2, 3]);
    expect(weights(bn)).toEqual([['beta', [3], true], ['moving_mean', [3], false], ['moving_variance', [3], false]]);
    expect(weights(call('BatchNormalization', { center: false }, [3])).map(([n]) => n)).toEqual(['gamma', 'moving_mean', 'moving_variance']);
    expect([bn.outputs, bn.macs, bn.elementwiseOps]).toEqual([[[2, 3]], 0, 12]);
  });

  it('LayerNormalization with rms_scaling: gamma whatever scale says, no beta whatever center says (Keras)', () => {
    for (const [scale, center] of [[true, true], [false, true], [false, false]]) {
      const ln = call('LayerNormalization', { scale, center, rms_scaling: true, axis: [1, 2] }, [5, 7]);
      expect([weights(ln), ln.elementwiseOps]).toEqual([[['gamma', [5, 7], true]], 7 * 35]);
    }
    expect(weights(call('LayerNormalization', { rms_scaling: false }, [5, 7])).map(([name]) => name)).toEqual(['gamma', 'beta']);
    expect([LAYERS.LayerNormalization.label({ rms_scaling: true }), LAYERS.LayerNormalization.label({})]).toEqual(['LayerNorm (RMS)', 'LayerNorm']);
  });

  it('LayerNormalization over several axes: gamma and beta of those sizes', () => {
    const ln = call('LayerNormalization', { axis: [1, -1] }, [5, 7]);
    expect(weights(ln)).toEqual([['gamma', [5, 7], true], ['beta', [5, 7], true]]);
    expect(ln.elementwiseOps).toBe(8 * 35);
    expect(weights(call('LayerNormalization', { center: false }, [5, 7]))).toEqual([['gamma', [7], true]]);
    expect(call('LayerNormalization', { scale: false, center: false }, [5, 7]).elementwiseOps).toBe(6 * 35);
  });

  it('element-wise merges broadcast from the last axis, whichever input is shorter', () => {
    expect(call('Add', {}, [3], [4, 4, 3]).outputs).toEqual([[4, 4, 3]]);
    expect(call('Add', {}, [4, 4, 3], [3]).outputs).toEqual([[4, 4, 3]]);
    expect(call('Maximum', {}, [1, 1, 3], [4, 4, 1]).outputs).toEqual([[4, 4, 3]]);
    const three = call('Minimum', {}, [2, 1], [1, 5], [2, 5]);
    expect([three.outputs, three.elementwiseOps]).toEqual([[[2, 5]], 2 * 10]);
    expect(call('Subtract', {}, [2, 5], [2, 5]).elementwiseOps).toBe(10);
    expect(call('Average', {}, [2, 5], [2, 5]).elementwiseOps).toBe(20);
    expect(refusal('Add', {}, [4, 3], [2, 3])).toBe('layer "l" (Add), field "inbound_nodes": cannot combine inputs of shapes [null, 4, 3] and [null, 2, 3] element-wise');
    expect(refusal('Add', {}, [4, 3], [4, 3], [5])).toBe('layer "l" (Add), field "inbound_nodes": cannot combine inputs of shapes [null, 4, 3] and [null, 5] element-wise');
  });

  it('merges count their inputs', () => {
    expect(refusal('Add', {}, [4])).toBe('layer "l" (Add), field "inbound_nodes": takes at least 2 inputs, got 1');
    expect(refusal('Subtract', {}, [4], [4], [4])).toBe('layer "l" (Subtract), field "inbound_nodes": takes 2 inputs, got 3');
    expect(refusal('Subtract', {}, [4])).toBe('layer "l" (Subtract), field "inbound_nodes": takes 2 inputs, got 1');
    expect(refusal('Concatenate', {}, [4])).toBe('layer "l" (Concatenate), field "inbound_nodes": takes at least 2 inputs, got 1');
  });

  it('Concatenate along a given axis, of more than two inputs', () => {
    expect(call('Concatenate', { axis: 1 }, [2, 4, 3], [5, 4, 3], [1, 4, 3]).outputs).toEqual([[8, 4, 3]]);
    expect(call('Concatenate', {}, [2, 1], [2, 3]).outputs).toEqual([[2, 4]]);
    expect(refusal('Concatenate', { axis: 1 }, [2, 4, 3], [2, 4])).toBe('layer "l" (Concatenate), field "inbound_nodes": cannot concatenate [null, 2, 4, 3] and [null, 2, 4] along axis 1');
    expect(refusal('Concatenate', { axis: 1 }, [2, 4, 3], [2, 4, 2])).toBe('layer "l" (Concatenate), field "inbound_nodes": cannot concatenate [null, 2, 4, 3] and [null, 2, 4, 2] along axis 1');
  });

  it('Reshape: one -1 at most, sizes that hold the same values', () => {
    expect(call('Reshape', { target_shape: [4, -1] }, [2, 6]).outputs).toEqual([[4, 3]]);
    expect(call('Reshape', { target_shape: [3, 4] }, [2, 6]).outputs).toEqual([[3, 4]]);
    const list = 'layer "l" (Reshape), field "target_shape": expected a list of integers, got';
    expect(refusal('Reshape', { target_shape: 12 }, [2, 6])).toBe(`${list} 12`);
    expect(refusal('Reshape', { target_shape: [] }, [2, 6])).toBe(`${list} []`);
    expect(refusal('Reshape', { target_shape: [3, 'a'] }, [2, 6])).toBe(`${list} [3,"a"]`);
    expect(refusal('Reshape', { target_shape: [3, 4.5] }, [2, 6])).toBe(`${list} [3,4.5]`);
    const sizes = 'layer "l" (Reshape), field "target_shape": sizes must be positive (one -1 is allowed), got';
    expect(refusal('Reshape', { target_shape: [-1, -1] }, [2, 6])).toBe(`${sizes} [-1,-1]`);
    expect(refusal('Reshape', { target_shape: [0, 12] }, [2, 6])).toBe(`${sizes} [0,12]`);
    expect(refusal('Reshape', { target_shape: [-2, -6] }, [2, 6])).toBe(`${sizes} [-2,-6]`);
    expect(refusal('Reshape', { target_shape: [5, -1] }, [2, 6])).toBe('layer "l" (Reshape), field "target_shape": cannot reshape [null, 2, 6] (12 values) into [5,-1]');
  });

  it('Permute, RepeatVector, Flatten, UpSampling2D', () => {
    expect(call('Permute', { dims: [2, 3, 1] }, [2, 3, 4]).outputs).toEqual([[3, 4, 2]]);
    expect(call('Permute', { dims: [2, 1] }, [2, 3]).outputs).toEqual([[3, 2]]);
    expect(refusal('Permute', { dims: [1, 1] }, [2, 3])).toBe('layer "l" (Permute), field "dims": expected a permutation of 1..2, got [1,1]');
    expect(refusal('Permute', { dims: [1] }, [2, 3])).toBe('layer "l" (Permute), field "dims": expected a permutation of 1..2, got [1]');
    expect(refusal('Permute', { dims: [0, 1] }, [2, 3])).toBe('layer "l" (Permute), field "dims": expected a permutation of 1..2, got [0,1]');
    expect(refusal('Permute', {}, [2, 3])).toBe('layer "l" (Permute), field "dims": expected a permutation of 1..2, got undefined');
    expect(call('Flatten', {}, [2, 3, 4]).outputs).toEqual([[24]]);
    expect(call('UpSampling2D', {}, [2, 3, 1]).outputs).toEqual([[4, 6, 1]]);
    expect(call('UpSampling2D', { size: [3, 1] }, [2, 3, 1]).outputs).toEqual([[6, 3, 1]]);
  });

  it('global pooling keeps dims on request and counts per input value', () => {
    const avg = call('GlobalAveragePooling2D', { keepdims: true }, [3, 3, 4]);
    expect([avg.outputs, avg.elementwiseOps]).toEqual([[[1, 1, 4]], 36 + 4]);
    const max = call('GlobalMaxPooling2D', {}, [3, 3, 4]);
    expect([max.outputs, max.elementwiseOps]).toEqual([[[4]], 36 - 4]);
  });

  it('pooling defaults: pool 2x2, strides = pool; max adds K per value under tf.profiler', () => {
    const max = call('MaxPooling2D', { pool_size: 3, strides: null }, [9, 9, 2]);
    expect([max.outputs, max.elementwiseOps, max.tfProfilerFlops]).toEqual([[[3, 3, 2]], 8 * 18, 9 * 18]);
    const avg = call('AveragePooling2D', { strides: 1 }, [3, 3, 2]);
    expect([avg.outputs, avg.elementwiseOps, avg.tfProfilerFlops]).toEqual([[[2, 2, 2]], 4 * 8, undefined]);
  });

  it('PReLU: alpha of the input shape with shared axes set to 1', () => {
    const all = call('PReLU', {}, [4, 4, 3]);
    expect([weights(all), all.elementwiseOps]).toEqual([[['alpha', [4, 4, 3], true]], 96]);
    expect(call('PReLU', { shared_axes: [1, 2] }, [4, 4, 3]).weights[0].shape).toEqual([1, 1, 3]);
    expect(call('PReLU', { shared_axes: 2 }, [4, 4, 3]).weights[0].shape).toEqual([4, 1, 3]);
  });

  it('activation layers: ops per value', () => {
    expect(call('LeakyReLU', {}, [5]).elementwiseOps).toBe(10);
    expect(call('ELU', {}, [5]).elementwiseOps).toBe(15);
    expect(call('ThresholdedReLU', {}, [5]).elementwiseOps).toBe(10);
    expect(call('Rescaling', { scale: 0.5 }, [5]).elementwiseOps).toBe(10);
    expect(call('ReLU', { max_value: null }, [5]).elementwiseOps).toBe(5);
    expect(call('ReLU', { max_value: 0 }, [5]).elementwiseOps).toBe(10);
    expect(call('Activation', {}, [5]).elementwiseOps).toBe(0);
    expect(call('Dropout', { rate: 0.5 }, [5], [7]).outputs).toEqual([[5]]);
    expect(call('InputLayer', {}, [5], [7]).outputs).toEqual([[5], [7]]);
  });

  it('a layer without weights reports none', () => {
    for (const c of ['Flatten', 'ReLU', 'Dropout', 'GaussianNoise', 'Identity']) {
      const r = call(c, {}, [2, 2, 2]);
      expect([r.weights, r.macs]).toEqual([[], 0]);
    }
  });
});

describe('TimeDistributed', () => {
  it('multiplies every count of its inner layer by the steps, and prefixes the steps', () => {
    const sep = call('TimeDistributed', { layer: { class_name: 'SeparableConv2D', config: { filters: 4, kernel_size: 3, padding: 'same' } } }, [5, 3, 3, 2]);
    expect(sep.outputs).toEqual([[5, 3, 3, 4]]);
    // One step: depthwise 3*3*2*9 = 162, pointwise 3*3*2*4 = 72, regular twin 3*3*4*9*2 = 648, bias 36.
    expect([sep.macs, sep.pointwiseMacs, sep.regularConvMacs, sep.elementwiseOps]).toEqual([5 * 234, 5 * 72, 5 * 648, 5 * 36]);
    const pool = call('TimeDistributed', { layer: { class_name: 'MaxPooling2D', config: {} } }, [3, 4, 4, 1]);
    expect([pool.outputs, pool.elementwiseOps, pool.tfProfilerFlops]).toEqual([[[3, 2, 2, 1]], 3 * 3 * 4, 3 * 4 * 4]);
    const dense = call('TimeDistributed', { layer: { class_name: 'Dense', config: { units: 2 } } }, [3, 4]);
    expect([dense.pointwiseMacs, dense.regularConvMacs, dense.tfProfilerFlops]).toEqual([undefined, undefined, undefined]);
  });

  it('names its inner layer\'s fields and refuses unknown classes and inputs without a time axis', () => {
    expect(refusal('TimeDistributed', { layer: { class_name: 'Dense', config: { units: 0 } } }, [3, 4])).toBe('layer "l" (TimeDistributed), field "layer.config.units": must be positive, got 0');
    expect(refusal('TimeDistributed', { layer: { class_name: 'Conv2D', config: { filters: 1, kernel_size: 1 } } }, [3, 4])).toBe(
      'layer "l" (TimeDistributed), field "layer.config.input": expects a 4-D NHWC input, got [null, 4]',
    );
    expect(refusal('TimeDistributed', { layer: { class_name: 'Magic', config: {} } }, [3, 4])).toBe('layer "l" (TimeDistributed), field "layer": wraps "Magic", a layer class the analysis does not know');
    expect(refusal('TimeDistributed', { layer: { class_name: 'Dense', config: null } }, [3, 4])).toBe('layer "l" (TimeDistributed), field "layer": wraps "Dense", a layer class the analysis does not know');
    expect(refusal('TimeDistributed', { layer: { class_name: 'Dense' } }, [3, 4])).toBe('layer "l" (TimeDistributed), field "layer": wraps "Dense", a layer class the analysis does not know');
    expect(refusal('TimeDistributed', {}, [3, 4])).toBe('layer "l" (TimeDistributed), field "layer": wraps undefined, a layer class the analysis does not know');
    expect(refusal('TimeDistributed', { layer: { class_name: 'Dense', config: { units: 2 } } }, [4])).toBe('layer "l" (TimeDistributed), field "input": expects an input with a time axis, got [null, 4]');
  });
});

describe('labels', () => {
  it.each([
    ['Conv2D', { filters: 32, kernel_size: [3, 5], strides: [2, 2] }, 'Conv 3x5/2, 32'],
    ['Conv2D', { filters: 32, kernel_size: 3, strides: 1, groups: 4 }, 'Conv 3x3, 32, groups 4'],
    ['Conv2D', { filters: 8, kernel_size: [1], groups: 1 }, 'Conv 1x1, 8'],
    ['DepthwiseConv2D', { kernel_size: 3, strides: 2 }, 'DWConv 3x3/2'],
    ['SeparableConv2D', { kernel_size: [3, 3], filters: 728 }, 'SepConv 3x3, 728'],
    ['Conv2DTranspose', { kernel_size: 4, strides: [2, 2], filters: 8 }, 'ConvT 4x4/2, 8'],
    ['MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, 'MaxPool 3x3/2'],
    ['AveragePooling2D', {}, 'AvgPool 2x2'],
    ['UpSampling2D', {}, 'UpSample 2x2'],
    ['UpSampling2D', { size: [3, 2] }, 'UpSample 3x2'],
    ['Activation', { activation: 'relu' }, 'ReLU'],
    ['Activation', { activation: 'swish' }, 'silu'],
    ['Activation', {}, 'Linear'],
    ['TimeDistributed', { layer: { class_name: 'Magic' } }, 'TimeDistributed'],
    ['TimeDistributed', { layer: { class_name: 'Conv2D', config: { filters: 2, kernel_size: 1 } } }, 'TimeDistributed(Conv 1x1, 2)'],
    ['Add', {}, '+'],
    ['Multiply', {}, '×'],
    ['Average', {}, 'Avg'],
    ['Maximum', {}, 'Max'],
    ['Minimum', {}, 'Min'],
    ['Subtract', {}, '−'],
    ['InputLayer', {}, 'Input'],
    ['LayerNormalization', {}, 'LayerNorm'],
    ['GlobalMaxPooling2D', {}, 'GlobalMaxPool'],
    ['GlobalAveragePooling2D', {}, 'GlobalAvgPool'],
    ['ZeroPadding2D', {}, 'ZeroPad'],
    ['Cropping2D', {}, 'Crop'],
    ['Flatten', {}, 'Flatten'],
    ['Reshape', {}, 'Reshape'],
    ['Permute', {}, 'Permute'],
    ['RepeatVector', {}, 'Repeat'],
    ['Concatenate', {}, 'Concat'],
    ['ReLU', {}, 'ReLU'],
    ['LeakyReLU', {}, 'LeakyReLU'],
    ['ELU', {}, 'ELU'],
    ['ThresholdedReLU', {}, 'ThresholdedReLU'],
    ['Softmax', {}, 'Softmax'],
    ['PReLU', {}, 'PReLU'],
    ['Rescaling', {}, 'Rescale'],
    ['Dropout', {}, 'Dropout'],
    ['GaussianNoise', {}, 'Noise'],
    ['ActivityRegularization', {}, 'Identity'],
  ])('%s %o -> %s', (className, config, expected) => {
    expect(label(className, config)).toBe(expected);
  });
});

describe('kinds and the fields an engine mismatch names', () => {
  it('gives each class its kind and shape fields', () => {
    const kinds = Object.fromEntries(Object.entries(LAYERS).map(([c, s]) => [c, s.kind]));
    expect(kinds).toMatchObject({
      InputLayer: 'input',
      Conv2D: 'conv',
      DepthwiseConv2D: 'depthwise',
      SeparableConv2D: 'separable',
      Conv2DTranspose: 'transposed-conv',
      Dense: 'dense',
      BatchNormalization: 'normalization',
      MaxPooling2D: 'pooling',
      GlobalAveragePooling2D: 'pooling',
      ZeroPadding2D: 'data-movement',
      Add: 'merge',
      Activation: 'activation',
      ReLU: 'activation',
      PReLU: 'activation',
      Dropout: 'data-movement',
      TimeDistributed: 'wrapper',
    });
    expect(LAYERS.SeparableConv2D.shapeFields).toEqual(['kernel_size', 'strides', 'padding', 'dilation_rate', 'depth_multiplier', 'use_bias', 'filters']);
    expect(LAYERS.Conv2DTranspose.shapeFields).toEqual(['filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', 'groups', 'use_bias', 'output_padding']);
    expect(LAYERS.MaxPooling2D.shapeFields).toEqual(['pool_size', 'strides', 'padding']);
    expect(LAYERS.GlobalMaxPooling2D.shapeFields).toEqual(['keepdims']);
    expect(LAYERS.PReLU.shapeFields).toEqual(['shared_axes']);
    expect(LAYERS.Add.shapeFields).toEqual([]);
  });

  it('layerSpec knows only the registry\'s own classes', () => {
    expect(layerSpec('Conv2D')).toBe(LAYERS.Conv2D);
    expect(layerSpec('toString')).toBeUndefined();
    expect(layerSpec('Conv3D')).toBeUndefined();
  });
});

describe('activations (activations.ts)', () => {
  it('reads every way Keras writes an activation', () => {
    expect(activationName('relu')).toBe('relu');
    expect(activationName('')).toBeUndefined();
    expect(activationName(null)).toBeUndefined();
    expect(activationName(3)).toBeUndefined();
    // Keras 3: {"class_name": "function", "config": "relu"}, or a config object with a name.
    expect(activationName({ class_name: 'function', config: 'gelu' })).toBe('gelu');
    expect(activationName({ class_name: 'function', config: { name: 'tanh' } })).toBe('tanh');
    expect(activationName({ class_name: 'Swish', config: { beta: 1 } })).toBe('Swish');
    expect(activationName({ config: 7 })).toBeUndefined();
  });

  it('canonical names of the other spellings, and which names are known', () => {
    expect(['swish', 'hard_swish', 'hardSigmoid', 'hardswish', 'logSoftmax', 'leakyRelu', 'relu', 'magic'].map(canonicalActivation)).toEqual([
      'silu',
      'hard_silu',
      'hard_sigmoid',
      'hard_silu',
      'log_softmax',
      'leaky_relu',
      'relu',
      'magic',
    ]);
    expect(['linear', 'swish', 'hardswish', 'mish', 'log_sigmoid'].every(isKnownActivation)).toBe(true);
    expect(['magic', 'toString', 'constructor'].some(isKnownActivation)).toBe(false);
  });

  it('ops per value: the table, 1 for an unknown name, 0 for none', () => {
    expect(activationOps('gelu', 10)).toBe(80);
    expect(activationOps({ class_name: 'function', config: 'hardSigmoid' }, 10)).toBe(30);
    expect(activationOps('linear', 10)).toBe(0);
    expect(activationOps('magic', 10)).toBe(10);
    expect(activationOps(undefined, 10)).toBe(0);
  });
});

describe('registry: outputs, fields and messages the tests above leave open', () => {
  it('element-wise layers pass their input\'s shape through', () => {
    for (const c of ['LeakyReLU', 'Activation', 'PReLU', 'LayerNormalization']) expect(call(c, {}, [3, 5]).outputs, c).toEqual([[3, 5]]);
  });

  it('use_bias false removes the bias add from the element-wise ops', () => {
    expect(call('Dense', { units: 4, use_bias: false }, [8]).elementwiseOps).toBe(0);
    expect(call('Conv2D', { filters: 2, kernel_size: 1, use_bias: false, activation: 'relu' }, [3, 3, 1]).elementwiseOps).toBe(18);
  });

  it('UpSampling2D bilinear: 7 ops per output value', () => {
    expect(call('UpSampling2D', { size: 2, interpolation: 'bilinear' }, [2, 3, 1]).elementwiseOps).toBe(7 * 4 * 6);
    expect(call('UpSampling2D', { size: 2, interpolation: 'nearest' }, [2, 3, 1]).elementwiseOps).toBe(0);
  });

  it('Cropping2D subtracts both sides of each axis; 1 row left is enough', () => {
    expect(call('Cropping2D', { cropping: [[0, 2], [1, 0]] }, [5, 3, 1]).outputs).toEqual([[3, 2, 1]]);
    expect(call('Cropping2D', { cropping: [[1, 2], [0, 0]] }, [4, 4, 1]).outputs).toEqual([[1, 4, 1]]);
    expect(refusal('Cropping2D', { cropping: [[2, 2], [0, 0]] }, [4, 4, 1])).toBe('layer "l" (Cropping2D), field "cropping": cropping [[2,2],[0,0]] removes all of its 4x4 input');
  });

  it('output_padding is checked on each axis', () => {
    expect(refusal('Conv2DTranspose', { filters: 1, kernel_size: 3, strides: [2, 3], output_padding: [2, 0] }, [4, 4, 1])).toBe(
      'layer "l" (Conv2DTranspose), field "output_padding": output_padding [2,0] must be smaller than strides [2,3] (Keras\'s rule)',
    );
  });

  it('windows too large name the field of each layer', () => {
    const tail = 'is larger than its input 2x2 with padding "valid"; pad the input or use padding "same"';
    expect(refusal('MaxPooling2D', { pool_size: 3 }, [2, 2, 1])).toBe(`layer "l" (MaxPooling2D), field "pool_size": pool_size 3x3 ${tail}`);
    expect(refusal('DepthwiseConv2D', { kernel_size: 3 }, [2, 2, 1])).toBe(`layer "l" (DepthwiseConv2D), field "kernel_size": kernel_size 3x3 ${tail}`);
    expect(refusal('SeparableConv2D', { filters: 1, kernel_size: 3 }, [2, 2, 1])).toBe(`layer "l" (SeparableConv2D), field "kernel_size": kernel_size 3x3 ${tail}`);
  });

  it('axes out of range name the axis field', () => {
    expect(refusal('LayerNormalization', { axis: 3 }, [2, 5])).toBe('layer "l" (LayerNormalization), field "axis": axis 3 is out of range for a 3-D input (the batch axis 0 is not allowed)');
    expect(refusal('Concatenate', { axis: 3 }, [2, 5], [2, 5])).toBe('layer "l" (Concatenate), field "axis": axis 3 is out of range for a 3-D input (the batch axis 0 is not allowed)');
    expect(refusal('Concatenate', {}, [2, 4], [3, 5])).toBe('layer "l" (Concatenate), field "inbound_nodes": cannot concatenate [null, 2, 4] and [null, 3, 5] along axis -1');
  });

  it('Reshape without -1 must keep the number of values', () => {
    expect(refusal('Reshape', { target_shape: [5, 3] }, [2, 6])).toBe('layer "l" (Reshape), field "target_shape": cannot reshape [null, 2, 6] (12 values) into [5,3]');
  });

  it('pairs of pairs: exactly two, each a pair of integers', () => {
    const bad = 'layer "l" (ZeroPadding2D), field "padding": expected an integer, [rows, columns] or [[top, bottom], [left, right]], got';
    expect(refusal('ZeroPadding2D', { padding: 'ab' }, [2, 3, 1])).toBe(`${bad} "ab"`);
    expect(refusal('ZeroPadding2D', { padding: [[1, 1], [1, 1], [1, 1]] }, [2, 3, 1])).toBe(`${bad} [[1,1],[1,1],[1,1]]`);
    expect(refusal('ZeroPadding2D', { padding: [[1, 1], [1, 2, 3]] }, [2, 3, 1])).toBe(`${bad} [[1,1],[1,2,3]]`);
    expect(refusal('ZeroPadding2D', { padding: [[1, 1], ['a', 1]] }, [2, 3, 1])).toBe(`${bad} [[1,1],["a",1]]`);
    expect(refusal('ZeroPadding2D', { padding: [[1, 1], { length: 2, 0: 1, 1: 1 }] }, [2, 3, 1])).toBe(`${bad} [[1,1],{"0":1,"1":1,"length":2}]`);
  });

  it('labels of Dense, BN and a TimeDistributed without a layer', () => {
    expect([label('Dense', { units: 10 }), label('BatchNormalization', {}), label('TimeDistributed', {})]).toEqual(['Dense 10', 'BN', 'TimeDistributed']);
  });

  it('an activation object with a class name that is not a string names nothing', () => {
    expect(activationName({ class_name: 5 })).toBeUndefined();
  });
});
