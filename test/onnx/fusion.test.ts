import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { buildXception } from '../../src/model/xception';
import { exportOnnx } from '../../src/onnx/export';
import { mapFusions, nodeLabel } from '../../src/onnx/fusion';
import { decodeModel } from '../../src/onnx/proto';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it("maps every node of ORT's fully optimised Xception graph to Keras layers: BN and ReLU folded into the convs, residual Adds into the 1x1 convs", async () => {
  const model = buildXception(tf, { inputSize: 71, seed: 1 });
  const report = analyzeModel(model);
  const exported = exportOnnx(model, { batch: 1 });
  const dir = mkdtempSync(path.join(tmpdir(), 'xp-fusion-'));
  try {
    const optimizedModelFilePath = path.join(dir, 'opt.onnx');
    const session = await ort.InferenceSession.create(exported.bytes, { graphOptimizationLevel: 'all', optimizedModelFilePath, logSeverityLevel: 3 });
    await session.release();
    const macs = new Map(report.layers.map((l) => [l.name, l.macs]));
    const fusion = mapFusions(decodeModel(exported.bytes).graph!, decodeModel(readFileSync(optimizedModelFilePath)).graph!, exported, (l) => macs.get(l) ?? 0);
    expect(fusion.unplaced).toEqual([]);
    // The BN after a separable conv is computed inside its pointwise Conv: folded into it.
    expect(fusion.foldedInto.get('block4_sepconv2_bn')).toBe('block4_sepconv2');
    expect(fusion.foldedInto.get('block1_conv1_bn')).toBe('block1_conv1');
    expect(fusion.foldedInto.get('block1_conv1_act')).toBe('block1_conv1');
    // The residual Add of block 2 is the Sum input of the 1x1 shortcut conv's fused node.
    expect(fusion.foldedInto.get('add')).toBe('conv2d');
    // Every layer with MACs owns at least one node; no BatchNormalization owns one.
    const owners = new Set([...fusion.nodes.values()].map((n) => n.owner));
    for (const l of report.layers) {
      if (l.macs > 0) expect(owners.has(l.name), l.name).toBe(true);
      if (l.className === 'BatchNormalization') expect(fusion.foldedInto.has(l.name), l.name).toBe(true);
    }
    // Each exported node is covered exactly once.
    const covered = [...fusion.nodes.values()].flatMap((n) => n.covers.map((c) => c.node));
    expect(new Set(covered).size).toBe(covered.length);
    expect(covered.length).toBe(decodeModel(exported.bytes).graph!.node!.length);
    const pointwise = [...fusion.nodes.values()].find((n) => n.owner === 'block4_sepconv2' && n.covers.some((c) => c.role === 'pointwise'))!;
    expect(nodeLabel(pointwise)).toBe('Conv [pointwise+bn]');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
}, 60_000);
