/**
 * Counting rules for ONNX operators, per image (every shape here is from a batch-1 run; tensors
 * are NCHW as ONNX defines them, https://onnx.ai/onnx/operators/):
 *
 * - `Conv` (W `[Cout, Cin/group, kh, kw]`): output values x `Cin/group * kh * kw`
 *   (= Keras's `Hout*Wout*Cout*kh*kw*Cin/groups`).
 * - `ConvTranspose` (W `[Cin, Cout/group, kh, kw]`): input values x `Cout/group * kh * kw`
 *   (= Keras's Conv2DTranspose `Hin*Win*Cin*kh*kw*Cout`).
 * - `Gemm`, `MatMul`: output values x K, the contracted size (`Gemm` with `transA`: A's rows).
 *
 * Element-wise ops per output value, as for Keras layers and TF ops: Relu 1, Clip 2, LeakyRelu 2,
 * Sigmoid 3, HardSigmoid 2, HardSwish 3, Tanh 5, Softmax 3, Add / Sub / Mul / Div / Max / Min 1,
 * BatchNormalization 2; MaxPool kh*kw - 1, AveragePool kh*kw; GlobalAveragePool / ReduceMean one per input value.
 */
import type { Shape } from '../report/schema';
import type { GraphNodeSpec } from './graphModel';
import type { NodeCost } from './graphModelOps';

const MAC_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

const PER_OUTPUT: Record<string, number> = {
  Relu: 1, Clip: 2, LeakyRelu: 2, Sigmoid: 3, HardSigmoid: 2, HardSwish: 3, Tanh: 5, Softmax: 3,
  Add: 1, Sub: 1, Mul: 1, Div: 1, Max: 1, Min: 1, BatchNormalization: 2,
};

const size = (shape: Shape | undefined): number => (shape ? shape.reduce<number>((n, d) => n * (d ?? 1), 1) : 0);
const known = (s: Shape | undefined): number[] | undefined => (s && s.every((d) => d !== null) ? (s as number[]) : undefined);

/**
 * Counts one ONNX node per image.
 * @param inputShapes shapes of the node's inputs (weights included), batch 1; undefined when unknown.
 * @param output the node's first output shape, batch 1.
 */
export function countOnnxNode(node: GraphNodeSpec, inputShapes: (Shape | undefined)[], output: Shape | undefined): NodeCost {
  const out = size(output);
  let ops = (PER_OUTPUT[node.op] ?? 0) * out;
  if (node.op === 'MaxPool' || node.op === 'AveragePool') {
    const k = Array.isArray(node.attr.kernel_shape) ? (node.attr.kernel_shape as number[]) : [1];
    const area = k.reduce((a, b) => a * b, 1);
    ops = (node.op === 'MaxPool' ? area - 1 : area) * out;
  }
  if (node.op === 'GlobalAveragePool' || node.op === 'ReduceMean') ops = size(inputShapes[0]);
  if (!MAC_OPS.has(node.op)) return { macs: 0, elementwiseOps: ops };
  const macs = countMacs(node, inputShapes.map(known), known(output));
  if (macs === undefined) return { macs: 0, elementwiseOps: ops, unknown: `the shapes of node "${node.name}" (${node.op}) are unknown, so its MACs count as 0` };
  return { macs, elementwiseOps: ops };
}

function countMacs(node: GraphNodeSpec, inputs: (number[] | undefined)[], out: number[] | undefined): number | undefined {
  const [a, w] = inputs;
  switch (node.op) {
    case 'Conv':
      return out && w && w.length >= 3 ? size(out) * w.slice(1).reduce((x, y) => x * y, 1) : undefined;
    case 'ConvTranspose':
      return a && w && w.length >= 3 ? size(a) * w.slice(1).reduce((x, y) => x * y, 1) : undefined;
    case 'Gemm':
      if (!out || !a || a.length !== 2) return undefined;
      return size(out) * (node.attr.transA === 1 ? a[0] : a[1]);
    default:
      return out && a && a.length >= 1 ? size(out) * a[a.length - 1] : undefined;
  }
}
