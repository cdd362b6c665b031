// ONNX files written here, byte for byte with the project's protobuf module: how importOnnx names
// and reads every node (attributes of each type, unnamed and clashing nodes, Constant nodes,
// initializers also listed as inputs, empty optional inputs), what buildOnnxModel says about the
// run, and profileOnnxFile's passes on ONNX Runtime (onnxruntime-node, when it loads here).
// Every value is worked by hand from the graph below; each case calls the code in its own test.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type OrtModule, type OrtRuntime } from '../../src/engine/onnxruntime';
import { ModelFileError } from '../../src/importers/errors';
import { buildOnnxModel, loadOnnxFile } from '../../src/importers/onnxLoad';
import { importOnnx } from '../../src/importers/onnxModel';
import { onnxInputShapes, onnxShapes, profileOnnxFile } from '../../src/importers/onnxRun';
import { encodeModel, floatTensor, node, onnx, valueInfo } from '../../src/onnx/proto';

const T = onnx.AttributeProto.AttributeType;

/** ONNX Runtime when onnxruntime-node loads here (an optional dependency). */
async function runtime(): Promise<OrtRuntime | undefined> {
  try {
    return await createRuntime(createRequire(__filename)('onnxruntime-node') as OrtModule, 1);
  } catch {
    return undefined;
  }
}

/**
 * Every way importOnnx names and reads a node: x [N, 3, H, 4] -> Conv(w) -> Mul by a Constant ->
 * Resize (empty optional input, attributes of each type) -> Identity with no output.
 */
function everyKindOfNode(): onnx.IModelProto {
  return {
    irVersion: 8,
    producerName: 'handmade',
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'g',
      initializer: [floatTensor('w', [4, 3, 1, 1], new Float32Array(12))],
      // Older exporters list the initializers among the graph inputs too.
      input: [valueInfo('x', ['N', 3, 'H', 4]), valueInfo('w', [4, 3, 1, 1])],
      node: [
        { ...node('Conv', ['x', 'w'], ['c'], 'net/conv/Conv', { kernel_shape: [1, 1] }), attribute: [{ name: 'kernel_shape', type: T.INTS, ints: [1, 1] }, { name: '', type: T.INT, i: 5 }] },
        { opType: 'Constant', name: 'net/k', output: ['k'], attribute: [{ name: 'value', type: T.TENSOR, t: floatTensor('kv', [2, 1], Float32Array.of(1, 2)) }] },
        { opType: 'Constant', output: ['s'], attribute: [{ name: 'value_float', type: T.FLOAT, f: 2 }] },
        node('Mul', ['c', 'k'], ['m'], 'x'),
        node('Resize', ['m', '', 's'], ['r'], 'net/up', { mode: 'nearest', extrapolation_value: { float: 0.5 }, coeffs: { floats: [0.25, 0.75] }, exclude_outside: { int: 1 } }),
        { opType: 'Identity', name: 'net/sink', input: ['r'], output: [] },
      ],
      output: [valueInfo('r', ['N', 4, 'H', 8])],
    },
  };
}

describe('importOnnx', () => {
  it('reads every node: names given to unnamed and clashing nodes, attributes of each type, Constant nodes and initializers as weights', () => {
    const read = importOnnx(encodeModel(everyKindOfNode()), 'm.onnx');
    expect(read.nodes).toEqual([
      { name: 'x', op: 'Placeholder', inputs: [], attr: {} },
      { name: 'w', op: 'Const', inputs: [], attr: {} },
      // The unnamed attribute is left out.
      { name: 'net/conv/Conv', op: 'Conv', inputs: ['x', 'w'], attr: { kernel_shape: [1, 1] } },
      { name: 'net/k', op: 'Const', inputs: [], attr: { value: { dims: [2, 1] } } },
      // Unnamed: `<op>_<index>`.
      { name: 'Constant_2', op: 'Const', inputs: [], attr: { value_float: 2 } },
      // Named like the input "x": `<name>_<index>`.
      { name: 'x_3', op: 'Mul', inputs: ['net/conv/Conv', 'net/k'], attr: {} },
      // The empty optional input (Resize's roi) is no edge.
      { name: 'net/up', op: 'Resize', inputs: ['x_3', 'Constant_2'], attr: { mode: 'nearest', extrapolation_value: 0.5, coeffs: [0.25, 0.75], exclude_outside: 1 } },
      { name: 'net/sink', op: 'Identity', inputs: ['net/up'], attr: {} },
    ]);
    // The decoded model carries the names too (it is re-encoded for ONNX Runtime).
    expect(read.model.graph!.node!.map((n) => n.name)).toEqual(['net/conv/Conv', 'net/k', 'Constant_2', 'x_3', 'net/up', 'net/sink']);
    // A Constant without a `value` tensor (value_float) is a scalar weight.
    expect(read.weightsManifest).toEqual([
      {
        paths: [],
        weights: [
          { name: 'w', shape: [4, 3, 1, 1], dtype: 'float32' },
          { name: 'net/k', shape: [2, 1], dtype: 'float32' },
          { name: 'Constant_2', shape: [], dtype: 'float32' },
        ],
      },
    ]);
    expect(read.inputs).toEqual([{ name: 'x', shape: [null, 3, null, 4] }]);
    expect(read.outputs).toEqual([{ name: 'r', shape: [null, 4, null, 8] }]);
    // The node without outputs has no output tensor.
    expect([...read.outputTensor]).toEqual([
      ['net/conv/Conv', 'c'],
      ['net/k', 'k'],
      ['Constant_2', 's'],
      ['x_3', 'm'],
      ['net/up', 'r'],
    ]);
    expect(read.formatDescription).toBe('ONNX model (6 nodes, opset ai.onnx 13, com.microsoft 1, from handmade)');
    expect(read).toMatchObject({ file: 'm.onnx', format: 'onnx', diagnostics: [] });
    expect(read.diagnostics).toEqual([]);
  });

  it('says nothing of a producer the file does not name', () => {
    const model = everyKindOfNode();
    delete model.producerName;
    model.opsetImport = [{ domain: '', version: 9 }];
    expect(importOnnx(encodeModel(model), 'm.onnx').formatDescription).toBe('ONNX model (6 nodes, opset ai.onnx 9)');
  });

  it.each([
    ['no graph', { irVersion: 8, opsetImport: [{ domain: '', version: 13 }] }],
    ['a graph without nodes', { irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'g', input: [valueInfo('x', [1])], output: [valueInfo('x', [1])] } }],
  ] as [string, onnx.IModelProto][])('%s: a named error', (_, model) => {
    expect(() => importOnnx(encodeModel(model), 'empty.onnx')).toThrow(new ModelFileError('the ONNX model has no graph nodes', { file: 'empty.onnx', field: 'graph.node' }));
    expect(() => importOnnx(encodeModel(model), 'empty.onnx')).toThrow(/^empty\.onnx: field "graph\.node": the ONNX model has no graph nodes$/);
  });
});

/** x [N, 3, H, 4] -> 1x1 Conv (4 filters, bias) -> Relu -> Relu: groups `conv` and `act` (two Relu nodes). */
function convRelu(): onnx.IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      initializer: [floatTensor('w', [4, 3, 1, 1], Float32Array.from({ length: 12 }, (_, i) => i / 10)), floatTensor('b', [4], Float32Array.of(0, 1, 2, 3))],
      input: [valueInfo('x', ['N', 3, 'H', 4])],
      node: [node('Conv', ['x', 'w', 'b'], ['c'], 'net/conv/Conv'), node('Relu', ['c'], ['r'], 'net/act/Relu'), node('Relu', ['r'], ['y'], 'net/act/Relu_1')],
      output: [valueInfo('y', ['N', 4, 'H', 4])],
    },
  };
}

/**
 * x [1, 4] -> Dropout (its optional mask output left empty) -> Mul by a Constant -> Relu: one group
 * `scale` of three operators.
 */
function scaledRelu(): onnx.IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      input: [valueInfo('x', [1, 4])],
      node: [
        node('Dropout', ['x'], ['d', ''], 'net/scale/Dropout'),
        { opType: 'Constant', name: 'net/scale/k', output: ['k'], attribute: [{ name: 'value', type: T.TENSOR, t: floatTensor('kv', [1], Float32Array.of(2)) }] },
        node('Mul', ['d', 'k'], ['m'], 'net/scale/Mul'),
        node('Relu', ['m'], ['y'], 'net/scale/Relu'),
      ],
      output: [valueInfo('y', [1, 4])],
    },
  };
}

describe('buildOnnxModel', () => {
  it('without ONNX Runtime: the notes, in order, with the input sizes the file leaves open', async () => {
    const model = convRelu();
    model.graph!.input!.push(valueInfo('z', ['N', 2]));
    const loaded = await buildOnnxModel(undefined, importOnnx(encodeModel(model), 'm.onnx'));
    expect(loaded.runnable).toBe(false);
    expect(loaded.report.diagnostics.slice(0, 4).map((d) => [d.severity, d.message])).toEqual([
      ['info', 'model file: ONNX model (3 nodes, opset ai.onnx 13)'],
      ['warning', 'ONNX Runtime (onnxruntime-node) is not available: shapes are known only where the file declares them, and the model is not timed'],
      ['warning', 'input sizes the file leaves open are run as 224 (x [?, 3, ?, 4], z [?, 2])'],
      ['info', 'shapes are NCHW (channels first), as ONNX defines its tensors'],
    ]);
    expect(loaded.groupOf('net/act/Relu_1')).toBe('act');
  });

  it('an open batch alone is no open input size', async () => {
    const model = convRelu();
    model.graph!.input = [valueInfo('x', ['N', 3, 2, 4])];
    const loaded = await buildOnnxModel(undefined, importOnnx(encodeModel(model), 'm.onnx'));
    expect(loaded.report.diagnostics.slice(0, 3).map((d) => d.message)).toEqual([
      'model file: ONNX model (3 nodes, opset ai.onnx 13)',
      'ONNX Runtime (onnxruntime-node) is not available: shapes are known only where the file declares them, and the model is not timed',
      'shapes are NCHW (channels first), as ONNX defines its tensors',
    ]);
  });

  it('a file that is not ONNX: named', async () => {
    const json = path.join(__dirname, '..', 'fixtures', 'models', 'keras2-sequential.json');
    await expect(loadOnnxFile(undefined, json)).rejects.toThrow(/^keras2-sequential\.json: is not an ONNX model \(\.onnx\)$/);
  });
});

describe('on ONNX Runtime', async () => {
  const ort = await runtime();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onnx-import-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!ort)('shapes from one run (open sizes as 224), MACs worked by hand, runnable', async () => {
    const file = path.join(dir, 'conv-relu.onnx');
    writeFileSync(file, encodeModel(convRelu()));
    const loaded = await loadOnnxFile(ort, file);
    expect(loaded.runnable).toBe(true);
    expect(loaded.report.diagnostics.slice(0, 3).map((d) => d.message)).toEqual([
      'model file: ONNX model (3 nodes, opset ai.onnx 13)',
      'input sizes the file leaves open are run as 224 (x [?, 3, ?, 4])',
      'shapes are NCHW (channels first), as ONNX defines its tensors',
    ]);
    const conv = loaded.report.layers.find((l) => l.name === 'conv')!;
    // 1x1 conv, 3 -> 4 channels, over 224x4 (H open: 224): 224*4*4*3 MACs; 12 + 4 params.
    expect([conv.outputShape, conv.macs, conv.params.trainable]).toEqual([[null, 4, 224, 4], 224 * 4 * 4 * 3, 16]);
    expect(loaded.report.layers.find((l) => l.name === 'act')!.outputShape).toEqual([null, 4, 224, 4]);
    expect(onnxInputShapes(loaded.onnx, 2)).toEqual([[2, 3, 224, 4]]);
    const shapes = await onnxShapes(ort!, loaded.onnx);
    expect([...shapes]).toEqual([
      ['x', [1, 3, 224, 4]],
      ['net/conv/Conv', [1, 4, 224, 4]],
      ['net/act/Relu', [1, 4, 224, 4]],
      ['net/act/Relu_1', [1, 4, 224, 4]],
    ]);
  });

  it.skipIf(!ort)('every node output but the Constants\' and the empty ones is exposed for the shapes; a group of three operators is three kernels', async () => {
    const read = importOnnx(encodeModel(scaledRelu()), 'm.onnx');
    expect(Object.fromEntries(await onnxShapes(ort!, read))).toEqual({ x: [1, 4], 'net/scale/Dropout': [1, 4], 'net/scale/Mul': [1, 4], 'net/scale/Relu': [1, 4] });
    const { groupOf } = await buildOnnxModel(undefined, read);
    const result = await profileOnnxFile(ort!, read, groupOf, { warmupRuns: 0, runs: 1 });
    expect(result.layers.scale.kernels.map((k) => [k.name, k.calls])).toEqual([
      ['Dropout', 1],
      ['Mul', 1],
      ['Relu', 1],
    ]);
  });

  it.skipIf(!ort)('leaves no profile folder behind', async () => {
    const read = importOnnx(encodeModel(convRelu()), 'm.onnx');
    const own = mkdtempSync(path.join(dir, 'tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      await profileOnnxFile(ort!, read, (n) => n, { warmupRuns: 0, runs: 1 });
    } finally {
      process.env.TMPDIR = saved;
      if (saved === undefined) delete process.env.TMPDIR;
    }
    expect(readdirSync(own)).toEqual([]);
  });

  it.skipIf(!ort)('a model ONNX Runtime cannot run: the reason as a warning, declared shapes only, not runnable', async () => {
    const model = convRelu();
    model.graph!.node![1] = node('NoSuchOp', ['c'], ['r'], 'net/act/Relu');
    const loaded = await buildOnnxModel(ort, importOnnx(encodeModel(model), 'm.onnx'));
    expect(loaded.runnable).toBe(false);
    const note = loaded.report.diagnostics[1];
    expect(note.severity).toBe('warning');
    expect(note.message).toMatch(/^ONNX Runtime could not run the model \([^\n)]*NoSuchOp[^\n]*\): shapes are known only where the file declares them, and it is not timed$/);
  });

  it.skipIf(!ort)('profiles with 2 warm-up and 10 timed passes by default; a group of two nodes of one operator is one kernel of 2 calls', async () => {
    const read = importOnnx(encodeModel(convRelu()), 'm.onnx');
    const { groupOf } = await buildOnnxModel(undefined, read);
    const started = performance.now();
    const result = await profileOnnxFile(ort!, read, groupOf);
    const elapsed = performance.now() - started;
    expect(result.pass).toMatchObject({ warmupRuns: 2, timedRuns: 10, batchSize: 1, readbackMedianMs: 0 });
    expect(result.samples).toHaveLength(10);
    expect(Object.keys(result.layers).sort()).toEqual(['act', 'conv']);
    expect(result.layers.conv.kernels).toEqual([{ name: 'Conv', medianMs: result.layers.conv.medianMs, calls: 1 }]);
    // The group's time is the sum of its two Relu nodes, as is the kernel's.
    expect(result.layers.act.kernels).toEqual([{ name: 'Relu', medianMs: result.layers.act.medianMs, calls: 2 }]);
    for (const s of result.samples) {
      expect(s.passMs).toBeGreaterThan(0);
      expect(s.passMs).toBeLessThan(elapsed);
      expect(s.predictMs).toBeGreaterThan(0);
      expect(s.predictMs).toBeLessThan(elapsed);
    }
  });

  it.skipIf(!ort)('reports each pass, warm-up passes first and numbered apart; batch size as asked', async () => {
    const read = importOnnx(encodeModel(convRelu()), 'm.onnx');
    const { groupOf } = await buildOnnxModel(undefined, read);
    const passes: [number, boolean][] = [];
    const result = await profileOnnxFile(ort!, read, groupOf, { warmupRuns: 1, runs: 2, batchSize: 2, onPass: (_, index, warmup) => passes.push([index, warmup]) });
    expect(passes).toEqual([
      [0, true],
      [0, false],
      [1, false],
    ]);
    expect(result.pass).toMatchObject({ warmupRuns: 1, timedRuns: 2, batchSize: 2 });
  });

  it.skipIf(!ort)('an aborted signal stops it before the first pass', async () => {
    const read = importOnnx(encodeModel(convRelu()), 'm.onnx');
    const controller = new AbortController();
    controller.abort();
    const passes: number[] = [];
    const error = await profileOnnxFile(ort!, read, (n) => n, { signal: controller.signal, onPass: (_, i) => passes.push(i) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'AbortError', message: 'profiling cancelled' });
    expect(passes).toEqual([]);
  });
});
