// Static analysis of a TF.js graph model (src/importers/graphModelAnalysis.ts) on a tiny graph built
// here: scopes to layers, params from the weights manifest, MACs and element-wise ops per group
// worked by hand (graphModelOps.ts's formulas), with and without the shapes of a batch-1 run.
import { beforeEach, describe, expect, it } from 'vitest';
import type { GraphNodeSpec } from '../../src/importers/graphModel';
import { analyzeGraphModel, commonScope, nodeGroups, scopeOf, type AnalysableGraph, type NodeShapes } from '../../src/importers/graphModelAnalysis';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const S = 'StatefulPartitionedCall/model';
const n = (name: string, op: string, inputs: string[] = [], attr: Record<string, unknown> = {}): GraphNodeSpec => ({ name, op, inputs, attr });

/**
 * x [1,6,6,2] -> conv (_FusedConv2D 3x3, 8 filters, BiasAdd + Relu) [1,4,4,8] -> pool (Mean over
 * H, W) [1,8] -> dense (MatMul 8x3, then BiasAdd) [1,3]. `extra/w` is stored but read by no compute node.
 */
function tinyGraph(): AnalysableGraph {
  return {
    file: '/models/tiny/model.json',
    nodes: [
      n('x', 'Placeholder'),
      // A constant outside the model's scope: constants do not set the common scope.
      n('consts/one', 'Const'),
      n(`${S}/conv/kernel`, 'Const'),
      n(`${S}/conv/bias`, 'Const'),
      n(`${S}/conv/Conv2D`, '_FusedConv2D', ['x', `${S}/conv/kernel`, `${S}/conv/bias`], { fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } } }),
      n(`${S}/pool/axes`, 'Const', [], { value: { tensor: { tensorShape: { dim: [{ size: '2' }] } } } }),
      n(`${S}/pool/Mean`, 'Mean', [`${S}/conv/Conv2D`, `${S}/pool/axes`]),
      n(`${S}/dense/kernel`, 'Const'),
      n(`${S}/dense/bias`, 'Const'),
      n(`${S}/dense/MatMul`, 'MatMul', [`${S}/pool/Mean`, `${S}/dense/kernel`]),
      n(`${S}/dense/BiasAdd`, 'BiasAdd', [`${S}/dense/MatMul`, `${S}/dense/bias`]),
    ],
    weightsManifest: [{
      paths: ['group1-shard1of1.bin'],
      weights: [
        { name: `${S}/conv/kernel`, shape: [3, 3, 2, 8], dtype: 'float32' },
        { name: `${S}/conv/bias`, shape: [8], dtype: 'float32' },
        { name: `${S}/dense/kernel`, shape: [8, 3], dtype: 'float32' },
        { name: `${S}/dense/bias`, shape: [3], dtype: 'float32' },
        { name: 'extra/w', shape: [5], dtype: 'float32' },
      ],
    }],
    inputs: [{ name: 'x:0', shape: [-1, 6, 6, 2] }],
    outputs: [{ name: `${S}/dense/BiasAdd:0`, shape: [-1, 3] }],
  } as AnalysableGraph;
}

const ranShapes = (): NodeShapes => new Map([
  ['x', [1, 6, 6, 2]],
  [`${S}/conv/Conv2D`, [1, 4, 4, 8]],
  [`${S}/pool/Mean`, [1, 8]],
  [`${S}/dense/MatMul`, [1, 3]],
  [`${S}/dense/BiasAdd`, [1, 3]],
]);

describe('name scopes to layers', () => {
  it('commonScope keeps one component below the shared prefix', () => {
    expect(commonScope([`${S}/conv/Conv2D`, `${S}/dense/MatMul`, `${S}/dense/BiasAdd`])).toEqual(['StatefulPartitionedCall', 'model']);
    // Only one scoped name: its parent scope minus the layer component.
    expect(commonScope(['a/b/c/d'])).toEqual(['a', 'b']);
    // A shorter name caps the prefix: `a/b` keeps `b` as its layer, so at most ['a'] is shared... minus one more.
    expect(commonScope(['a/b/c/d', 'a/b'])).toEqual([]);
    expect(commonScope(['a/b/c/d', 'a/b/e'])).toEqual(['a']);
    expect(commonScope(['a/x/c', 'b/x/c'])).toEqual([]);
    expect(commonScope(['x', 'y'])).toEqual([]);
    // Unscoped names (inputs) do not shorten the prefix.
    expect(commonScope(['x', 'a/b/c'])).toEqual(['a']);
    expect(commonScope([])).toEqual([]);
  });

  it('scopeOf takes the component below the prefix, else the first component, else the name', () => {
    expect(scopeOf(`${S}/conv/Conv2D`, ['StatefulPartitionedCall', 'model'])).toBe('conv');
    expect(scopeOf('other/conv/Conv2D', ['StatefulPartitionedCall', 'model'])).toBe('other');
    expect(scopeOf('StatefulPartitionedCall/model', ['StatefulPartitionedCall', 'model'])).toBe('StatefulPartitionedCall');
    expect(scopeOf('lonely', ['StatefulPartitionedCall'])).toBe('lonely');
    expect(scopeOf('a/b', [])).toBe('a');
    // Under only part of the prefix: not under it.
    expect(scopeOf('StatefulPartitionedCall/other/conv', ['StatefulPartitionedCall', 'model'])).toBe('StatefulPartitionedCall');
  });

  it('nodeGroups: placeholders are groups of their own, constants do not set the prefix', () => {
    const { groupOf, prefix } = nodeGroups(tinyGraph());
    expect(prefix).toEqual(['StatefulPartitionedCall', 'model']);
    expect(['x', `${S}/conv/Conv2D`, `${S}/conv/kernel`, `${S}/dense/BiasAdd`].map(groupOf)).toEqual(['x', 'conv', 'conv', 'dense']);
    const scopedInput = { ...tinyGraph(), nodes: [n('in/x', 'Placeholder'), n('in/y', 'Identity'), ...tinyGraph().nodes.slice(1)] };
    expect(nodeGroups(scopedInput).prefix).toEqual(['StatefulPartitionedCall', 'model']);
    expect(nodeGroups(scopedInput).groupOf('in/x')).toBe('in/x');
    expect(nodeGroups(scopedInput).groupOf('in/y')).toBe('in');
  });
});

describe('analyzeGraphModel on a tiny graph that ran', () => {
  // Built in each test, not while the file is collected (a mutation run sets its mutant before the tests).
  let report: ReturnType<typeof analyzeGraphModel>;
  beforeEach(() => {
    report = analyzeGraphModel(tinyGraph(), ranShapes());
  });
  const layer = (name: string) => report.layers.find((l) => l.name === name)!;

  it('one layer per scope, with its main op, kind and inbound layers', () => {
    expect(report.layers.map((l) => [l.name, l.className, l.kind, l.inbound])).toEqual([
      ['x', 'InputLayer', 'input', []],
      ['conv', '_FusedConv2D', 'conv', ['x']],
      ['pool', 'Mean', 'pooling', ['conv']],
      ['dense', 'MatMul', 'dense', ['pool']],
    ]);
    expect(layer('conv').inputShapes).toEqual([[null, 6, 6, 2]]);
    expect(layer('dense').inputShapes).toEqual([[null, 8]]);
    expect(layer('dense').outputShape).toEqual([null, 3]);
    expect(layer('dense').config).toEqual({ ops: 'MatMul, BiasAdd', nodes: 2 });
    expect(layer('dense').graphNodes).toEqual([
      { name: `${S}/dense/MatMul`, op: 'MatMul', outputShape: [null, 3], params: 24, macs: 24 },
      { name: `${S}/dense/BiasAdd`, op: 'BiasAdd', outputShape: [null, 3], params: 3, macs: 0 },
    ]);
  });

  it('MACs, FLOPs and element-wise ops per layer, hand-worked', () => {
    // conv: 4*4*8 outputs x 3*3*2 = 2304 MACs; BiasAdd + Relu fused: 2 x 128 = 256 ops.
    expect([layer('conv').macs, layer('conv').flops, layer('conv').tfProfilerFlops, layer('conv').elementwiseOps]).toEqual([2304, 4608, 4608, 256]);
    // pool: Mean reads 4*4*8 = 128 values.
    expect([layer('pool').macs, layer('pool').elementwiseOps]).toEqual([0, 128]);
    // dense: 3 outputs x K 8 = 24 MACs; BiasAdd 3 ops.
    expect([layer('dense').macs, layer('dense').elementwiseOps]).toEqual([24, 3]);
    expect(report.totals.macs).toBe(2328);
    expect(report.totals.flops).toBe(4656);
    expect(report.totals.elementwiseOps).toBe(387);
    expect(report.totals.layers).toBe(4);
  });

  it('params: each stored weight once; weights no compute node reads go to the first non-input layer', () => {
    // conv 3*3*2*8 + 8 = 152, plus extra/w (5) = 157; dense 8*3 + 3 = 27.
    expect(report.layers.map((l) => [l.name, l.params.trainable, l.params.nonTrainable, l.weightBytes])).toEqual([
      ['x', 0, 0, 0], ['conv', 157, 0, 628], ['pool', 0, 0, 0], ['dense', 27, 0, 108],
    ]);
    expect(report.totals.params).toEqual({ trainable: 184, nonTrainable: 0 });
    expect(layer('conv').activationBytes).toBe(512);
    expect(report.diagnostics).toEqual([
      { severity: 'info', message: 'graph model: the 4 "layers" are groups of the graph\'s 5 non-constant nodes by name scope (below "StatefulPartitionedCall/model"); params are the stored weights, all counted as trainable' },
      { severity: 'info', message: 'graph: 1 stored weights are not read directly by a compute node (extra/w); their 5 values are counted in "conv"' },
    ]);
  });

  it('the model: name from the file, signature shapes with a null batch, groups from analysis/grouping', () => {
    expect(report.model.source).toBe('/models/tiny/model.json');
    expect(report.model.inputShapes).toEqual([[null, 6, 6, 2]]);
    expect(report.model.outputShapes).toEqual([[null, 3]]);
    expect(report.model.grouping.endsWith('/graph-scopes')).toBe(true);
    expect(report.blocks.map((b) => b.totals.macs).reduce((a, b) => a + b, 0)).toBe(2328);
    expect(report.flows.flatMap((f) => f.layers).sort()).toEqual(['conv', 'dense', 'pool', 'x']);
    // analysis/grouping.ts's fallback (no halving of H, W here): the input, then one stage.
    expect(report.layers.map((l) => [l.name, l.flow, l.block])).toEqual([['x', 'input', 'input'], ['conv', 'stage1', 'stage1'], ['pool', 'stage1', 'stage1'], ['dense', 'stage1', 'stage1']]);
    expect(report.blocks.map((b) => [b.name, b.flow, b.layers, b.totals.macs])).toEqual([['input', 'input', ['x'], 0], ['stage1', 'stage1', ['conv', 'pool', 'dense'], 2328]]);
    expect(report.flows.map((f) => [f.name, f.layers.length])).toEqual([['input', 1], ['stage1', 3]]);
    expect([report.model.name, report.model.grouping]).toEqual(['tiny', 'downsampling/graph-scopes']);
  });
});

describe('analyzeGraphModel without a run', () => {
  it('only the signature shapes are known: MAC nodes count 0 with a warning naming the node', () => {
    const report = analyzeGraphModel(tinyGraph(), undefined);
    expect(report.totals.macs).toBe(0);
    expect(report.diagnostics.filter((d) => d.severity === 'warning')).toEqual([
      { severity: 'warning', layer: 'conv', message: `the shapes of node "${S}/conv/Conv2D" (_FusedConv2D) are unknown, so its MACs count as 0` },
      { severity: 'warning', layer: 'dense', message: `the shapes of node "${S}/dense/MatMul" (MatMul) are unknown, so its MACs count as 0` },
    ]);
    // The output node's shape comes from the signature, with batch 1 then shown as null.
    expect(report.layers.find((l) => l.name === 'dense')!.outputShape).toEqual([null, 3]);
    // Read as batch 1 (the signature's -1 replaced): 3 values of 4 bytes.
    expect(report.layers.find((l) => l.name === 'dense')!.activationBytes).toBe(12);
    // x from the input signature: conv's input shape is known.
    expect(report.layers.find((l) => l.name === 'conv')!.inputShapes).toEqual([[null, 6, 6, 2]]);
    expect(report.layers.find((l) => l.name === 'pool')!.outputShape).toEqual([]);
  });

  it('a Const node\'s shape comes from its value attribute (a conv kernel not in the manifest)', () => {
    const graph = tinyGraph();
    graph.weightsManifest[0].weights = graph.weightsManifest[0].weights.filter((w) => w.name !== `${S}/conv/kernel`);
    const dim = [3, 3, 2, 8].map((size) => ({ size: String(size) }));
    graph.nodes = graph.nodes.map((node) => (node.name === `${S}/conv/kernel` ? { ...node, attr: { value: { tensor: { tensorShape: { dim } } } } } : node));
    const conv = analyzeGraphModel(graph, ranShapes()).layers.find((l) => l.name === 'conv')!;
    // Not stored: no params for the kernel (bias 8 + extra/w 5), but its shape is known, so the conv is counted.
    expect([conv.params.trainable, conv.macs]).toEqual([13, 2304]);
    // Without the value attribute the kernel's shape is unknown.
    graph.nodes = graph.nodes.map((node) => (node.name === `${S}/conv/kernel` ? { ...node, attr: { value: { tensor: {} } } } : node));
    expect(analyzeGraphModel(graph, ranShapes()).layers.find((l) => l.name === 'conv')!.macs).toBe(0);
  });

  it('a custom counter (ONNX ops) is used for every non-constant node', () => {
    const seen: string[] = [];
    const report = analyzeGraphModel(tinyGraph(), ranShapes(), (node) => {
      seen.push(node.op);
      return { macs: 1, elementwiseOps: 2 };
    });
    expect(seen).toEqual(['Placeholder', '_FusedConv2D', 'Mean', 'MatMul', 'BiasAdd']);
    expect([report.totals.macs, report.totals.elementwiseOps]).toEqual([5, 10]);
  });
});

describe('the kind of a node group, from its main op (TensorFlow and ONNX names)', () => {
  it('maps each op family to its kind', () => {
    const kinds: [string, string][] = [
      ['Conv2D', 'conv'], ['_FusedConv2D', 'conv'], ['Conv', 'conv'], ['Conv3D', 'unknown'], ['ConvInteger', 'unknown'],
      ['DepthwiseConv2dNative', 'depthwise'], ['FusedDepthwiseConv2dNative', 'depthwise'], ['DepthwiseConv2dNativeX', 'unknown'],
      ['Conv2DBackpropInput', 'transposed-conv'], ['ConvTranspose', 'transposed-conv'],
      ['MatMul', 'dense'], ['_FusedMatMul', 'dense'], ['BatchMatMul', 'dense'], ['BatchMatMulV2', 'dense'], ['BatchMatMulV3', 'dense'], ['BatchMatMulV4', 'unknown'], ['XMatMul', 'unknown'], ['Einsum', 'dense'], ['Gemm', 'dense'], ['MatMulInteger', 'unknown'], ['XEinsum', 'unknown'], ['Gemmx', 'unknown'],
      ['FusedBatchNormV3', 'normalization'], ['BatchNormalization', 'normalization'], ['XFusedBatchNorm', 'unknown'], ['BatchNormalizationX', 'unknown'],
      ['Relu', 'activation'], ['Relu6', 'activation'], ['Elu', 'activation'], ['Selu', 'activation'], ['Sigmoid', 'activation'], ['Tanh', 'activation'], ['Softmax', 'activation'],
      ['LeakyRelu', 'activation'], ['Prelu', 'activation'], ['PRelu', 'activation'], ['Clip', 'activation'], ['HardSigmoid', 'activation'], ['HardSwish', 'activation'], ['Relu66', 'unknown'], ['XRelu', 'unknown'],
      ['MaxPool', 'pooling'], ['AvgPool', 'pooling'], ['AveragePool', 'pooling'], ['GlobalAveragePool', 'pooling'], ['GlobalMaxPool', 'pooling'], ['Mean', 'pooling'], ['Max', 'pooling'], ['ReduceMean', 'pooling'], ['MaxPool3D', 'unknown'], ['XMean', 'unknown'],
      ['Add', 'merge'], ['AddV2', 'merge'], ['AddN', 'merge'], ['Mul', 'merge'], ['Sub', 'merge'], ['Maximum', 'merge'], ['Minimum', 'merge'], ['Addx', 'unknown'], ['XSub', 'unknown'],
      ['Reshape', 'unknown'],
    ];
    const graph: AnalysableGraph = {
      file: 'k.onnx',
      nodes: [n('x', 'Placeholder'), ...kinds.map(([op], i) => n(`m/g${i}/${op}`, op, ['x']))],
      weightsManifest: [],
      inputs: [{ name: 'x', shape: [1, 2] }],
      outputs: [],
    };
    const report = analyzeGraphModel(graph, undefined, () => ({ macs: 0, elementwiseOps: 0 }));
    expect(report.layers.map((l) => [l.className, l.kind])).toEqual([['InputLayer', 'input'], ...kinds]);
    expect(report.layers.map((l) => l.label)).toEqual(['InputLayer', ...kinds.map(([op]) => op)]);
  });
});

describe('the main op of a node group', () => {
  it('its MAC op wherever it sits, else its first compute op, else its first op', () => {
    const graph: AnalysableGraph = {
      file: 'g.json',
      nodes: [
        n('x', 'Placeholder'),
        n('m/a/Relu', 'Relu', ['x']), n('m/a/MatMul', 'MatMul', ['m/a/Relu']),
        n('m/b/Identity', 'Identity', ['m/a/MatMul']), n('m/b/Sigmoid', 'Sigmoid', ['m/b/Identity']),
        n('m/c/Identity', 'Identity', ['m/b/Sigmoid']),
      ],
      weightsManifest: [],
      inputs: [{ name: 'x', shape: [1, 2] }],
      outputs: [],
    };
    const report = analyzeGraphModel(graph, undefined, () => ({ macs: 0, elementwiseOps: 0 }));
    expect(report.layers.map((l) => [l.name, l.className, l.outputShape])).toEqual([['x', 'InputLayer', [null, 2]], ['a', 'MatMul', []], ['b', 'Sigmoid', []], ['c', 'Identity', []]]);
    // No stored weights: no note about unread ones; no common scope is named when there is none.
    expect(report.diagnostics).toEqual([{ severity: 'info', message: 'graph model: the 4 "layers" are groups of the graph\'s 6 non-constant nodes by name scope (below "m"); params are the stored weights, all counted as trainable' }]);
  });

  it('lists at most 3 unread weights, comma-separated', () => {
    const graph = tinyGraph();
    graph.weightsManifest[0].weights.push(...['u1', 'u2', 'u3'].map((name) => ({ name, shape: [2], dtype: 'float32' as const })));
    expect(analyzeGraphModel(graph, ranShapes()).diagnostics[1].message).toBe('graph: 4 stored weights are not read directly by a compute node (extra/w, u1, u2); their 11 values are counted in "conv"');
  });
});
