// Counting rules of TensorFlow ops (src/importers/graphModelOps.ts) on single nodes with batch-1
// shapes given here: MACs and element-wise ops worked by hand from the formulas of the module's
// docstring (Keras's counting table; TensorFlow's op definitions for the shapes).
import { describe, expect, it } from 'vitest';
import type { GraphNodeSpec } from '../../src/importers/graphModel';
import { attrInts, attrString, attrStrings, countNode } from '../../src/importers/graphModelOps';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const node = (op: string, attr: Record<string, unknown> = {}, name = 'n'): GraphNodeSpec => ({ name, op, inputs: [], attr });
const fused = (...ops: string[]): Record<string, unknown> => ({ fused_ops: { list: { s: ops.map(b64) } } });

describe('MACs of the multiply-accumulate ops', () => {
  it('Conv2D: Hout*Wout*Cout * kh*kw*Cin', () => {
    // out 4x4x8, filter 3x3x2x8: 128 outputs x 18 = 2304.
    expect(countNode(node('Conv2D'), [[1, 6, 6, 2], [3, 3, 2, 8]], [1, 4, 4, 8])).toEqual({ macs: 2304, elementwiseOps: 0 });
    // Fused BiasAdd + Relu: 1 + 1 op per output value = 256.
    expect(countNode(node('_FusedConv2D', fused('BiasAdd', 'Relu')), [[1, 6, 6, 2], [3, 3, 2, 8], [8]], [1, 4, 4, 8])).toEqual({ macs: 2304, elementwiseOps: 256 });
    // A non-square filter: kh=1, kw=5, Cin=3 over out 2x2x4 (16 outputs) = 16 * 15 = 240.
    expect(countNode(node('Conv2D'), [[1, 2, 6, 3], [1, 5, 3, 4]], [1, 2, 2, 4]).macs).toBe(240);
  });

  it('depthwise: Hout*Wout*(Cin*dm) * kh*kw', () => {
    // out 4x4x6 (Cin 3, dm 2), filter 3x2: 96 x 6 = 576.
    expect(countNode(node('DepthwiseConv2dNative'), [[1, 6, 5, 3], [3, 2, 3, 2]], [1, 4, 4, 6]).macs).toBe(576);
    expect(countNode(node('FusedDepthwiseConv2dNative', fused('BiasAdd', 'Relu6')), [[1, 6, 5, 3], [3, 2, 3, 2]], [1, 4, 4, 6])).toEqual({ macs: 576, elementwiseOps: 96 * 3 });
  });

  it('transposed conv: Hin*Win*Cin * kh*kw*Cout, from the filter and out_backprop', () => {
    // inputs: output_sizes [4], filter [kh 3, kw 2, Cout 5, Cin 2], out_backprop 1x4x3x2 -> 24 x 30 = 720.
    expect(countNode(node('Conv2DBackpropInput'), [[4], [3, 2, 5, 2], [1, 4, 3, 2]], [1, 8, 6, 5]).macs).toBe(720);
    // The output shape is not needed.
    expect(countNode(node('Conv2DBackpropInput'), [[4], [3, 2, 5, 2], [1, 4, 3, 2]], undefined)).toEqual({ macs: 720, elementwiseOps: 0 });
  });

  it('MatMul family: output values x K, K from the first operand (transposed or not)', () => {
    expect(countNode(node('MatMul'), [[1, 10], [10, 4]], [1, 4]).macs).toBe(40);
    // a stored as [K=10, 1] with transpose_a: K is the first dim.
    expect(countNode(node('MatMul', { transpose_a: { b: true } }), [[10, 1], [10, 4]], [1, 4]).macs).toBe(40);
    expect(countNode(node('MatMul', { transpose_a: { b: false } }), [[10, 1], [1, 4]], [1, 4]).macs).toBe(4);
    expect(countNode(node('_FusedMatMul', fused('BiasAdd', 'Relu')), [[1, 10], [10, 4], [4]], [1, 4])).toEqual({ macs: 40, elementwiseOps: 8 });
    // BatchMatMulV2 [1,3,5,4] x [1,3,4,6] -> [1,3,5,6]: 90 outputs x K 4 = 360; with adj_x a is [1,3,K=4,5] (450 if K were read from the last dim).
    expect(countNode(node('BatchMatMulV2'), [[1, 3, 5, 4], [1, 3, 4, 6]], [1, 3, 5, 6]).macs).toBe(360);
    expect(countNode(node('BatchMatMulV3', { adj_x: { b: true } }), [[1, 3, 4, 5], [1, 3, 4, 6]], [1, 3, 5, 6]).macs).toBe(360);
    expect(countNode(node('BatchMatMul', { adj_x: { b: false } }), [[1, 3, 4, 5], [1, 3, 5, 6]], [1, 3, 4, 6]).macs).toBe(360);
  });

  it('Einsum with two operands: the product of the distinct index sizes', () => {
    const einsum = (equation: string): GraphNodeSpec => node('Einsum', { equation: { s: b64(equation) } });
    // ab,bc->ac with a=2, b=3, c=5: 30.
    expect(countNode(einsum('ab,bc->ac'), [[2, 3], [3, 5]], [2, 5]).macs).toBe(30);
    // bij,bjk->bik with b=2, i=3, j=4, k=5: 120.
    expect(countNode(einsum('bij,bjk->bik'), [[2, 3, 4], [2, 4, 5]], [2, 3, 5]).macs).toBe(120);
  });
});

describe('MACs that cannot be counted', () => {
  const unknown = (name: string, op: string): string => `the shapes of node "${name}" (${op}) are unknown, so its MACs count as 0`;

  it('names the node when a shape it needs is missing or has an unknown dim', () => {
    expect(countNode(node('Conv2D', {}, 'conv/Conv2D'), [[1, 6, 6, 2], [3, 3, 2, 8]], undefined)).toEqual({ macs: 0, elementwiseOps: 0, unknown: unknown('conv/Conv2D', 'Conv2D') });
    expect(countNode(node('Conv2D'), [[1, 6, 6, 2], undefined], [1, 4, 4, 8]).unknown).toBe(unknown('n', 'Conv2D'));
    expect(countNode(node('Conv2D'), [[1, 6, 6, 2], [3, 3, 8]], [1, 4, 4, 8]).unknown).toBe(unknown('n', 'Conv2D'));
    expect(countNode(node('Conv2D'), [[1, 6, 6, 2], [3, 3, 2, 8]], [1, null, 4, 8]).unknown).toBe(unknown('n', 'Conv2D'));
    expect(countNode(node('DepthwiseConv2dNative'), [[1, 6, 6, 2], [3, 3, 2]], [1, 4, 4, 2]).unknown).toBe(unknown('n', 'DepthwiseConv2dNative'));
    expect(countNode(node('DepthwiseConv2dNative'), [[1, 6, 6, 2], [3, 3, 2, 1]], undefined).unknown).toBe(unknown('n', 'DepthwiseConv2dNative'));
    expect(countNode(node('Conv2DBackpropInput'), [[4], [3, 3, 2, 2], [1, 4, 4]], [1, 8, 8, 2]).unknown).toBe(unknown('n', 'Conv2DBackpropInput'));
    expect(countNode(node('Conv2DBackpropInput'), [[4], [3, 3, 2], [1, 4, 4, 2]], [1, 8, 8, 2]).unknown).toBe(unknown('n', 'Conv2DBackpropInput'));
    expect(countNode(node('Conv2DBackpropInput'), [[4], undefined, [1, 4, 4, 2]], [1, 8, 8, 2]).unknown).toBe(unknown('n', 'Conv2DBackpropInput'));
    expect(countNode(node('Conv2DBackpropInput'), [[4], [3, 3, 2, 2], undefined], [1, 8, 8, 2]).unknown).toBe(unknown('n', 'Conv2DBackpropInput'));
    expect(countNode(node('MatMul'), [[10], [10, 4]], [1, 4]).unknown).toBe(unknown('n', 'MatMul'));
    expect(countNode(node('MatMul'), [[1, 10], [10, 4]], undefined).unknown).toBe(unknown('n', 'MatMul'));
  });

  it('Einsum with an ellipsis, three operands or shapes that do not match its indices', () => {
    const einsum = (equation: string, inputs: (number[] | undefined)[]) => countNode(node('Einsum', { equation: { s: b64(equation) } }), inputs, [2, 5]);
    expect(einsum('...ab,bc->...ac', [[2, 3], [3, 5]]).unknown).toBe(unknown('n', 'Einsum'));
    expect(einsum('ab,bc,cd->ad', [[2, 3], [3, 5]]).unknown).toBe(unknown('n', 'Einsum'));
    expect(einsum('ab,bc->ac', [[2, 3], [3, 5], [5]]).unknown).toBe(unknown('n', 'Einsum'));
    expect(einsum('ab,bc->ac', [[2, 3, 1], [3, 5]]).unknown).toBe(unknown('n', 'Einsum'));
    expect(einsum('ab,bc->ac', [[2, 3], undefined]).unknown).toBe(unknown('n', 'Einsum'));
    expect(countNode(node('Einsum'), [[2, 3], [3, 5]], [2, 5]).unknown).toBe(unknown('n', 'Einsum'));
  });

  it('an op without MACs never reports unknown shapes', () => {
    expect(countNode(node('Relu'), [undefined], undefined)).toEqual({ macs: 0, elementwiseOps: 0 });
    // ... and counts no MACs even with shapes a MatMul would be counted from.
    expect(countNode(node('Relu'), [[1, 2, 3]], [1, 2, 3])).toEqual({ macs: 0, elementwiseOps: 6 });
  });
});

describe('element-wise ops per output value', () => {
  it('activations and arithmetic: their cost x output values', () => {
    const out = [1, 2, 3]; // 6 values
    const per = (op: string): number => countNode(node(op), [out], out).elementwiseOps;
    expect([per('BiasAdd'), per('Relu'), per('Relu6'), per('LeakyRelu'), per('Elu'), per('Selu'), per('Sigmoid'), per('Tanh'), per('Softmax')]).toEqual([6, 6, 12, 12, 6, 12, 18, 30, 18]);
    expect([per('Add'), per('AddV2'), per('Sub'), per('Mul'), per('RealDiv'), per('Maximum'), per('Minimum'), per('Prelu')]).toEqual([6, 6, 6, 6, 6, 6, 6, 12]);
    expect([per('FusedBatchNorm'), per('FusedBatchNormV3'), per('Reshape'), per('Placeholder')]).toEqual([12, 12, 0, 0]);
    // An unknown dim counts as 1: [1, null, 3] has 3 values.
    expect(countNode(node('Relu'), [], [1, null, 3]).elementwiseOps).toBe(3);
  });

  it('AddN: inputs - 1 additions per value', () => {
    expect(countNode(node('AddN'), [[1, 4], [1, 4], [1, 4]], [1, 4]).elementwiseOps).toBe(8);
    expect(countNode(node('AddN'), [[1, 4]], [1, 4]).elementwiseOps).toBe(0);
    expect(countNode(node('AddN'), [], [1, 4]).elementwiseOps).toBe(0);
  });

  it('pools: kh*kw - 1 comparisons (max) or kh*kw additions (average) per output value', () => {
    const ksize = { ksize: { list: { i: ['1', '3', '2', '1'] } } };
    // out 2x2x4 = 16 values, window 3x2.
    expect(countNode(node('MaxPool', ksize), [[1, 6, 4, 4]], [1, 2, 2, 4]).elementwiseOps).toBe(80);
    expect(countNode(node('AvgPool', ksize), [[1, 6, 4, 4]], [1, 2, 2, 4]).elementwiseOps).toBe(96);
    // Without ksize the window is 1x1.
    expect(countNode(node('MaxPool'), [[1, 2, 2, 4]], [1, 2, 2, 4]).elementwiseOps).toBe(0);
    expect(countNode(node('AvgPool'), [[1, 2, 2, 4]], [1, 2, 2, 4]).elementwiseOps).toBe(16);
  });

  it('reductions: one op per input value', () => {
    for (const op of ['Mean', 'Sum', 'Max']) expect(countNode(node(op), [[1, 4, 4, 3], [2]], [1, 3]).elementwiseOps).toBe(48);
    expect(countNode(node('Mean'), [undefined], [1, 3]).elementwiseOps).toBe(0);
  });

  it('fused ops add their own per output value; unknown fused ops add nothing', () => {
    expect(countNode(node('_FusedConv2D', fused('BiasAdd', 'Sigmoid', 'Unheard')), [[1, 1, 1, 1], [1, 1, 1, 2]], [1, 1, 1, 2])).toEqual({ macs: 2, elementwiseOps: 8 });
  });
});

describe('attributes as the converter writes them', () => {
  it('strings are base64', () => {
    expect(attrString(node('Einsum', { equation: { s: b64('ab,bc->ac') } }), 'equation')).toBe('ab,bc->ac');
    expect(attrString(node('Einsum', { equation: { i: 3 } }), 'equation')).toBeUndefined();
    expect(attrString(node('Einsum', { equation: 'ab' }), 'equation')).toBeUndefined();
    expect(attrString(node('Einsum'), 'equation')).toBeUndefined();
  });

  it('lists of strings keep only strings; lists of ints become numbers', () => {
    expect(attrStrings(node('x', { fused_ops: { list: { s: [b64('BiasAdd'), 7, b64('Relu')] } } }), 'fused_ops')).toEqual(['BiasAdd', 'Relu']);
    expect(attrStrings(node('x', { fused_ops: { list: { s: b64('BiasAdd') } } }), 'fused_ops')).toEqual([]);
    expect(attrStrings(node('x', { fused_ops: { list: 'x' } }), 'fused_ops')).toEqual([]);
    expect(attrStrings(node('x', { fused_ops: 'x' }), 'fused_ops')).toEqual([]);
    expect(attrInts(node('x', { strides: { list: { i: ['1', '2', 2, '1'] } } }), 'strides')).toEqual([1, 2, 2, 1]);
    expect(attrInts(node('x', { strides: { list: { i: '2' } } }), 'strides')).toEqual([]);
    expect(attrInts(node('x', { strides: { list: 3 } }), 'strides')).toEqual([]);
    expect(attrInts(node('x', { strides: 3 }), 'strides')).toEqual([]);
    expect(attrInts(node('x'), 'strides')).toEqual([]);
  });
});
