// Counting rules of ONNX operators (src/importers/onnxOps.ts) on single nodes with batch-1 NCHW
// shapes given here: MACs and element-wise ops worked by hand from the module's formulas
// (https://onnx.ai/onnx/operators/ for the weight layouts).
import { describe, expect, it } from 'vitest';
import type { GraphNodeSpec } from '../../src/importers/graphModel';
import { countOnnxNode } from '../../src/importers/onnxOps';

const node = (op: string, attr: Record<string, unknown> = {}, name = 'n'): GraphNodeSpec => ({ name, op, inputs: [], attr });
const unknown = (name: string, op: string): string => `the shapes of node "${name}" (${op}) are unknown, so its MACs count as 0`;

describe('MACs of Conv, ConvTranspose, Gemm and MatMul', () => {
  it('Conv: output values x Cin/group * kh * kw', () => {
    // W [Cout 8, Cin 2, 3, 3], out 8x4x4 = 128 values: 128 x 18 = 2304.
    expect(countOnnxNode(node('Conv'), [[1, 2, 6, 6], [8, 2, 3, 3], [8]], [1, 8, 4, 4])).toEqual({ macs: 2304, elementwiseOps: 0 });
    // Depthwise (group 3, multiplier 2): W [6, 1, 3, 2], out 6x4x5 = 120 values: 120 x 6 = 720.
    expect(countOnnxNode(node('Conv', { group: 3 }), [[1, 3, 6, 6], [6, 1, 3, 2]], [1, 6, 4, 5]).macs).toBe(720);
    // 1-D conv: W [4, 2, 3], out 4x5 = 20 values: 20 x 6 = 120.
    expect(countOnnxNode(node('Conv'), [[1, 2, 7], [4, 2, 3]], [1, 4, 5]).macs).toBe(120);
  });

  it('ConvTranspose: input values x Cout/group * kh * kw (the output shape is not needed)', () => {
    // X 2x4x4 = 32 values, W [Cin 2, Cout 5, 3, 3]: 32 x 45 = 1440.
    expect(countOnnxNode(node('ConvTranspose'), [[1, 2, 4, 4], [2, 5, 3, 3]], undefined)).toEqual({ macs: 1440, elementwiseOps: 0 });
    // 1-D: X 2x4 = 8 values, W [2, 5, 3]: 8 x 15 = 120.
    expect(countOnnxNode(node('ConvTranspose'), [[1, 2, 4], [2, 5, 3]], [1, 5, 6]).macs).toBe(120);
  });

  it('Gemm: output values x K, K A\'s rows when transA is 1', () => {
    expect(countOnnxNode(node('Gemm'), [[1, 10], [10, 4], [4]], [1, 4]).macs).toBe(40);
    expect(countOnnxNode(node('Gemm', { transA: 1 }), [[10, 1], [10, 4]], [1, 4]).macs).toBe(40);
    expect(countOnnxNode(node('Gemm', { transA: 0 }), [[10, 1], [1, 4]], [1, 4]).macs).toBe(4);
  });

  it('MatMul: output values x the last dim of A', () => {
    // [1,3,5,4] x [1,3,4,6] -> [1,3,5,6]: 90 x 4 = 360.
    expect(countOnnxNode(node('MatMul'), [[1, 3, 5, 4], [1, 3, 4, 6]], [1, 3, 5, 6]).macs).toBe(360);
    expect(countOnnxNode(node('MatMul'), [[7], [7, 2]], [2]).macs).toBe(14);
  });

  it('names the node when a shape it needs is unknown', () => {
    expect(countOnnxNode(node('Conv', {}, 'conv1'), [[1, 2, 6, 6], [8, 2, 3, 3]], undefined)).toEqual({ macs: 0, elementwiseOps: 0, unknown: unknown('conv1', 'Conv') });
    expect(countOnnxNode(node('Conv'), [[1, 2, 6, 6], [8, 2]], [1, 8, 4, 4]).unknown).toBe(unknown('n', 'Conv'));
    expect(countOnnxNode(node('Conv'), [[1, 2, 6, 6], undefined], [1, 8, 4, 4]).unknown).toBe(unknown('n', 'Conv'));
    expect(countOnnxNode(node('Conv'), [[1, 2, 6, 6], [8, 2, 3, 3]], [1, 8, null, 4]).unknown).toBe(unknown('n', 'Conv'));
    expect(countOnnxNode(node('ConvTranspose'), [undefined, [2, 5, 3, 3]], [1, 5, 6, 6]).unknown).toBe(unknown('n', 'ConvTranspose'));
    expect(countOnnxNode(node('ConvTranspose'), [[1, 2, 4, 4], [2, 5]], [1, 5, 6, 6]).unknown).toBe(unknown('n', 'ConvTranspose'));
    expect(countOnnxNode(node('Gemm'), [[1, 1, 10], [10, 4]], [1, 4]).unknown).toBe(unknown('n', 'Gemm'));
    expect(countOnnxNode(node('Gemm'), [[1, 10], [10, 4]], undefined).unknown).toBe(unknown('n', 'Gemm'));
    expect(countOnnxNode(node('Gemm'), [undefined, [10, 4]], [1, 4]).unknown).toBe(unknown('n', 'Gemm'));
    expect(countOnnxNode(node('MatMul'), [[], [10, 4]], [1, 4]).unknown).toBe(unknown('n', 'MatMul'));
    expect(countOnnxNode(node('MatMul'), [undefined, [10, 4]], [1, 4]).unknown).toBe(unknown('n', 'MatMul'));
    expect(countOnnxNode(node('MatMul'), [[1, 10], [10, 4]], undefined).unknown).toBe(unknown('n', 'MatMul'));
    // Ops without MACs never report unknown shapes.
    expect(countOnnxNode(node('Relu'), [undefined], undefined)).toEqual({ macs: 0, elementwiseOps: 0 });
  });
});

describe('element-wise ops', () => {
  it('per output value: each op\'s cost', () => {
    const out = [1, 2, 3]; // 6 values
    const per = (op: string): number => countOnnxNode(node(op), [out], out).elementwiseOps;
    expect(['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softmax'].map(per)).toEqual([6, 12, 12, 18, 12, 18, 30, 18]);
    expect(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'BatchNormalization', 'Reshape', 'Conv'].map(per)).toEqual([6, 6, 6, 6, 6, 6, 12, 0, 0]);
    // An unknown dim counts as 1; an unknown output as 0 values.
    expect(countOnnxNode(node('Relu'), [], [1, null, 3]).elementwiseOps).toBe(3);
    expect(countOnnxNode(node('Relu'), [], undefined).elementwiseOps).toBe(0);
  });

  it('pools: kh*kw - 1 (max) or kh*kw (average) per output value', () => {
    // out 4x2x2 = 16 values, window 3x2.
    expect(countOnnxNode(node('MaxPool', { kernel_shape: [3, 2] }), [[1, 4, 6, 4]], [1, 4, 2, 2]).elementwiseOps).toBe(80);
    expect(countOnnxNode(node('AveragePool', { kernel_shape: [3, 2] }), [[1, 4, 6, 4]], [1, 4, 2, 2]).elementwiseOps).toBe(96);
    // Without kernel_shape (or not a list) the window is one value.
    expect(countOnnxNode(node('MaxPool'), [[1, 4, 2, 2]], [1, 4, 2, 2]).elementwiseOps).toBe(0);
    expect(countOnnxNode(node('AveragePool', { kernel_shape: 3 }), [[1, 4, 2, 2]], [1, 4, 2, 2]).elementwiseOps).toBe(16);
  });

  it('GlobalAveragePool and ReduceMean: one per input value', () => {
    expect(countOnnxNode(node('GlobalAveragePool'), [[1, 3, 4, 4]], [1, 3, 1, 1]).elementwiseOps).toBe(48);
    expect(countOnnxNode(node('ReduceMean'), [[1, 3, 4, 4], [2]], [1, 3]).elementwiseOps).toBe(48);
    expect(countOnnxNode(node('ReduceMean'), [undefined], [1, 3]).elementwiseOps).toBe(0);
  });
});
