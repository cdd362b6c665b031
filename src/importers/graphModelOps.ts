/**
 * Counting rules for TensorFlow ops of a TF.js graph model, per image: every shape given here is
 * the batch-1 shape (the graph is run once with batch 1), from each node's shapes (NHWC as TensorFlow and TF.js compute them) and attributes. The MAC formulas are the
 * Keras ones of the README's counting table, written for the ops that the converter emits for
 * those layers (TensorFlow's op definitions, `tensorflow/core/ops/nn_ops.cc`, `math_ops.cc`):
 *
 * - `Conv2D`, `_FusedConv2D` (filter `[kh, kw, Cin, Cout]`): `Hout*Wout*Cout*kh*kw*Cin`.
 * - `DepthwiseConv2dNative`, `FusedDepthwiseConv2dNative` (filter `[kh, kw, Cin, dm]`):
 *   `Hout*Wout*Cin*dm*kh*kw`.
 * - `Conv2DBackpropInput` (the transposed convolution; filter `[kh, kw, Cout, Cin]`, input
 *   `out_backprop` `[N, Hin, Win, Cin]`): `Hin*Win*Cin*kh*kw*Cout`.
 * - `MatMul`, `_FusedMatMul`, `BatchMatMul(V2/V3)`: output values x the contracted size K.
 * - `Einsum` with two operands and no ellipsis: the product of the sizes of all its distinct
 *   indices (each combination of indices is one multiply-add), which is the matmul count.
 *
 * Element-wise ops (never in MACs), per output value: BiasAdd 1, Relu 1, Relu6 2, LeakyRelu 2,
 * Elu 1, Sigmoid 3, Tanh 5, Softmax 3, binary arithmetic (Add, AddV2, Sub, Mul, RealDiv, Maximum,
 * Minimum) 1, AddN inputs - 1, FusedBatchNorm 2; MaxPool kh*kw - 1 comparisons, AvgPool kh*kw;
 * Mean / Sum / Max one per input value. The fused ops of `_Fused*` nodes add their own.
 */
import type { Shape } from '../report/schema';
import { isObject } from './errors';
import type { GraphNodeSpec } from './graphModel';

/** Ops that do multiply-accumulates. */
export const MAC_OPS = new Set([
  'Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Conv2DBackpropInput',
  'MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2', 'BatchMatMulV3', 'Einsum',
]);

/** Ops that carry no computation of their own: inputs, constants, identities. */
export const NON_COMPUTE_OPS = new Set(['Const', 'Placeholder', 'PlaceholderWithDefault', 'Identity', 'IdentityN', 'NoOp']);

const ELEMENTWISE_PER_OUTPUT: Record<string, number> = {
  BiasAdd: 1, Relu: 1, Relu6: 2, LeakyRelu: 2, Elu: 1, Selu: 2, Sigmoid: 3, Tanh: 5, Softmax: 3,
  Add: 1, AddV2: 1, Sub: 1, Mul: 1, RealDiv: 1, Maximum: 1, Minimum: 1, FusedBatchNorm: 2, FusedBatchNormV3: 2, Prelu: 2,
};

/** A string attribute (the converter writes strings base64-encoded, `{"s": "U0FNRQ=="}`). */
export function attrString(node: GraphNodeSpec, name: string): string | undefined {
  const a = node.attr[name];
  return isObject(a) && typeof a.s === 'string' ? Buffer.from(a.s, 'base64').toString('utf8') : undefined;
}

/** A list-of-strings attribute (`fused_ops`). */
export function attrStrings(node: GraphNodeSpec, name: string): string[] {
  const a = node.attr[name];
  const list = isObject(a) && isObject(a.list) && Array.isArray(a.list.s) ? a.list.s : [];
  return list.filter((s): s is string => typeof s === 'string').map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

/** A list-of-ints attribute (`strides`, `ksize`). */
export function attrInts(node: GraphNodeSpec, name: string): number[] {
  const a = node.attr[name];
  const list = isObject(a) && isObject(a.list) && Array.isArray(a.list.i) ? a.list.i : [];
  return list.map(Number);
}

const size = (shape: Shape | undefined): number => (shape ? shape.reduce<number>((n, d) => n * (d ?? 1), 1) : 0);

/** MACs and element-wise ops of one node, and why it could not be counted (shapes unknown). */
export interface NodeCost {
  macs: number;
  elementwiseOps: number;
  /** Set when the node does MACs but a shape it needs is unknown (counted as 0). */
  unknown?: string;
}

/**
 * Counts one node per image.
 * @param inputShapes shapes of the node's inputs (weights included), batch 1; undefined when unknown.
 * @param output the node's first output shape, batch 1; undefined when unknown.
 */
export function countNode(node: GraphNodeSpec, inputShapes: (Shape | undefined)[], output: Shape | undefined): NodeCost {
  const macs = countMacs(node, inputShapes, output);
  const out = size(output);
  let ops = (ELEMENTWISE_PER_OUTPUT[node.op] ?? 0) * out;
  if (node.op === 'AddN') ops = Math.max(0, inputShapes.length - 1) * out;
  if (node.op === 'MaxPool' || node.op === 'AvgPool') {
    const k = attrInts(node, 'ksize');
    const area = (k[1] ?? 1) * (k[2] ?? 1);
    ops = (node.op === 'MaxPool' ? area - 1 : area) * out;
  }
  if (node.op === 'Mean' || node.op === 'Sum' || node.op === 'Max') ops = size(inputShapes[0]);
  for (const fused of attrStrings(node, 'fused_ops')) ops += (ELEMENTWISE_PER_OUTPUT[fused] ?? 0) * out;
  if (MAC_OPS.has(node.op) && macs === undefined) return { macs: 0, elementwiseOps: ops, unknown: `the shapes of node "${node.name}" (${node.op}) are unknown, so its MACs count as 0` };
  return { macs: macs ?? 0, elementwiseOps: ops };
}

function countMacs(node: GraphNodeSpec, inputs: (Shape | undefined)[], output: Shape | undefined): number | undefined {
  if (!MAC_OPS.has(node.op)) return 0;
  const dims = (s: Shape | undefined): number[] | undefined => (s && s.every((d) => d !== null) ? (s as number[]) : undefined);
  const out = dims(output);
  switch (node.op) {
    case 'Conv2D':
    case '_FusedConv2D': {
      const f = dims(inputs[1]);
      if (!out || !f || f.length !== 4) return undefined;
      return size(out) * f[0] * f[1] * f[2];
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2dNative': {
      const f = dims(inputs[1]);
      if (!out || !f || f.length !== 4) return undefined;
      return size(out) * f[0] * f[1];
    }
    case 'Conv2DBackpropInput': {
      const f = dims(inputs[1]);
      const x = dims(inputs[2]);
      if (!f || !x || f.length !== 4 || x.length !== 4) return undefined;
      return x[1] * x[2] * x[3] * f[0] * f[1] * f[2];
    }
    case 'Einsum':
      return einsumMacs(node, inputs.map(dims));
    default: {
      // MatMul family: output values x K, K the contracted size of the first operand.
      const a = dims(inputs[0]);
      if (!out || !a || a.length < 2) return undefined;
      const transposed = isObject(node.attr.transpose_a) ? node.attr.transpose_a.b === true : isObject(node.attr.adj_x) && node.attr.adj_x.b === true;
      const k = transposed ? a[a.length - 2] : a[a.length - 1];
      return size(out) * k;
    }
  }
}

/** Einsum `ab,bc->ac`: the product of the sizes of every distinct index of the two operands. */
function einsumMacs(node: GraphNodeSpec, inputs: (number[] | undefined)[]): number | undefined {
  const equation = attrString(node, 'equation');
  if (!equation || equation.includes('...') || inputs.length !== 2) return undefined;
  const [lhs] = equation.split('->');
  const operands = lhs.split(',');
  if (operands.length !== 2) return undefined;
  const sizes = new Map<string, number>();
  for (let o = 0; o < 2; o++) {
    const shape = inputs[o];
    if (!shape || shape.length !== operands[o].length) return undefined;
    [...operands[o]].forEach((letter, i) => sizes.set(letter, shape[i]));
  }
  return [...sizes.values()].reduce((n, d) => n * d, 1);
}
