import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile, type LoadedModel } from '../../src/importers/modelFile';
import { importTfjsModelJson } from '../../src/importers/tfjsModelJson';
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'models', name);

function layer(report: ArchitectureReport, name: string): LayerReport {
  const found = report.layers.find((l) => l.name === name);
  if (!found) throw new Error(`no layer ${name}`);
  return found;
}
const paramsOf = (l: LayerReport): number => l.params.trainable + l.params.nonTrainable;

describe('MobileNet v1 (TensorSpace model.json, Keras 2.2.4, topology only)', () => {
  let loaded: LoadedModel;
  let report: ArchitectureReport;
  beforeAll(async () => {
    loaded = await loadModelFile(tf, fixture('mobilenet-v1.model.json'));
    report = loaded.report;
  });
  afterAll(() => loaded.model.dispose());

  it('has the published total of 4,253,864 params (the weightsManifest total) in 91 layers', () => {
    expect(report.totals.layers).toBe(91);
    expect(report.totals.params.trainable + report.totals.params.nonTrainable).toBe(4_253_864);
    // BN moving mean and variance: 2 values per channel of the 27 BN layers (10,944 channels).
    expect(report.totals.params.nonTrainable).toBe(21_888);
  });

  it('reads the older converter format, with the source and 29 outputs', () => {
    expect(report.model.source).toBe(fixture('mobilenet-v1.model.json'));
    expect(report.model.name).toBe('mobilenet-v1');
    expect(report.model.inputShapes).toEqual([[null, 224, 224, 3]]);
    expect(report.model.outputShapes).toHaveLength(29);
    expect(report.diagnostics[0].message).toBe('model file: TF.js layers model (Keras 2.2.4), model "model_1"');
  });

  it('matches hand-computed shapes, params and MACs layer by layer', () => {
    // ZeroPadding2D ((0, 1), (0, 1)): 224 -> 225 on the bottom and right only.
    expect(layer(report, 'conv1_pad').outputShape).toEqual([null, 225, 225, 3]);
    // conv1: 3x3/2 valid, 32 filters, no bias: floor((225 - 3) / 2) + 1 = 112.
    const conv1 = layer(report, 'conv1');
    expect(conv1.outputShape).toEqual([null, 112, 112, 32]);
    expect(paramsOf(conv1)).toBe(3 * 3 * 3 * 32); // 864
    expect(conv1.macs).toBe(112 * 112 * 32 * 27); // 10,838,016
    // BN: gamma, beta trainable; moving mean/variance not. 2 ops per value.
    const bn = layer(report, 'conv1_bn');
    expect(bn.params).toEqual({ trainable: 64, nonTrainable: 64 });
    expect(bn.elementwiseOps).toBe(2 * 112 * 112 * 32);
    // ReLU with max_value 6: 2 ops per value.
    expect(layer(report, 'conv1_relu').elementwiseOps).toBe(2 * 112 * 112 * 32);
    // Depthwise 3x3 same: 112*112*32*9 MACs, 288 weights.
    const dw1 = layer(report, 'conv_dw_1');
    expect([paramsOf(dw1), dw1.macs]).toEqual([288, 112 * 112 * 32 * 9]);
    // Pointwise 1x1, 32 -> 64.
    const pw1 = layer(report, 'conv_pw_1');
    expect([paramsOf(pw1), pw1.macs, pw1.outputShape]).toEqual([32 * 64, 112 * 112 * 64 * 32, [null, 112, 112, 64]]);
    // Stride-2 depthwise after ZeroPadding2D ((0, 1), (0, 1)): 113 -> floor((113 - 3) / 2) + 1 = 56.
    expect(layer(report, 'conv_pad_2').outputShape).toEqual([null, 113, 113, 64]);
    const dw2 = layer(report, 'conv_dw_2');
    expect([dw2.outputShape, dw2.macs]).toEqual([[null, 56, 56, 64], 56 * 56 * 64 * 9]);
    // The head: global pooling 7x7x1024 (one add per value, a divide per channel); 1x1 conv 1024 -> 1000 with bias.
    expect(layer(report, 'global_average_pooling2d_1').elementwiseOps).toBe(7 * 7 * 1024 + 1024);
    const preds = layer(report, 'conv_preds');
    expect([paramsOf(preds), preds.macs, preds.outputShape]).toEqual([1024 * 1000 + 1000, 1024 * 1000, [null, 1, 1, 1000]]);
  });

  it('totals 568,740,352 MACs, the 569M mult-adds of the MobileNet paper (Howard et al. 2017, Table 8)', () => {
    expect(report.totals.macs).toBe(568_740_352);
    expect(report.totals.flops).toBe(2 * 568_740_352);
  });

  it('groups by the conv_dw_N / conv_pw_N naming into blocks, and blocks into stages by down-sampling', () => {
    expect(report.model.grouping).toBe('name-prefix');
    expect(report.flows.map((f) => f.name)).toEqual(['input', 'stem', 'stage1', 'stage2', 'stage3', 'stage4', 'stage5', 'top']);
    expect(report.blocks.find((b) => b.name === 'block2')!.layers).toEqual(['conv_pad_2', 'conv_dw_2', 'conv_dw_2_bn', 'conv_dw_2_relu', 'conv_pw_2', 'conv_pw_2_bn', 'conv_pw_2_relu']);
    expect(report.blocks.find((b) => b.name === 'stem')!.layers).toEqual(['conv1_pad', 'conv1', 'conv1_bn', 'conv1_relu']);
    expect(report.blocks.find((b) => b.name === 'top')!.layers).toEqual(['global_average_pooling2d_1', 'reshape_1', 'dropout', 'conv_preds']);
    expect(report.flows.find((f) => f.name === 'stage4')!.layers).toContain('conv_pw_11_relu');
  });

  it('says the weight shards are missing and profiles with initialised weights', () => {
    const weights = report.diagnostics.find((d) => d.message.startsWith('weights:'))!;
    expect(weights.severity).toBe('warning');
    expect(weights.message).toContain('5 of the 5 shard files listed in weightsManifest are not next to mobilenet-v1.model.json');
  });
});

describe('ResNet50 (TensorSpace model.json, Keras 2.1.6)', () => {
  let loaded: LoadedModel;
  let report: ArchitectureReport;
  beforeAll(async () => {
    loaded = await loadModelFile(tf, fixture('resnet50.model.json'));
    report = loaded.report;
  });
  afterAll(() => loaded.model.dispose());

  it('has the published total of 25,636,712 params in 177 layers and 72 outputs', () => {
    expect(report.totals.layers).toBe(177);
    expect(report.totals.params.trainable + report.totals.params.nonTrainable).toBe(25_636_712);
    expect(report.model.outputShapes).toHaveLength(72);
  });

  it('matches hand-computed shapes, params and MACs layer by layer', () => {
    expect(layer(report, 'conv1_pad').outputShape).toEqual([null, 230, 230, 3]);
    // 7x7/2 valid with bias: floor((230 - 7) / 2) + 1 = 112.
    const conv1 = layer(report, 'conv1');
    expect([conv1.outputShape, paramsOf(conv1), conv1.macs]).toEqual([[null, 112, 112, 64], 7 * 7 * 3 * 64 + 64, 112 * 112 * 64 * 147]);
    // MaxPooling2D 3x3/2 valid: floor((112 - 3) / 2) + 1 = 55; 8 comparisons per output value.
    const pool = layer(report, 'max_pooling2d_1');
    expect([pool.outputShape, pool.elementwiseOps]).toEqual([[null, 55, 55, 64], 8 * 55 * 55 * 64]);
    // 3x3 same 64 -> 64 with bias.
    const b2 = layer(report, 'res2a_branch2b');
    expect([paramsOf(b2), b2.macs]).toEqual([3 * 3 * 64 * 64 + 64, 55 * 55 * 64 * 576]);
    // Add of two 55x55x256 tensors: one add per output value.
    expect(layer(report, 'add_1').elementwiseOps).toBe(55 * 55 * 256);
    expect(layer(report, 'add_1').inbound).toEqual(['bn2a_branch2c', 'bn2a_branch1']);
    // Keras 2.1.6 puts the stride on the first 1x1 of a stage: 55 -> 28.
    const s3 = layer(report, 'res3a_branch2a');
    expect([s3.outputShape, s3.macs]).toEqual([[null, 28, 28, 128], 28 * 28 * 128 * 256]);
    // AveragePooling2D 7x7 on 7x7x2048: 49 ops per output value; Dense 2048 -> 1000 softmax.
    expect(layer(report, 'avg_pool').elementwiseOps).toBe(49 * 2048);
    const fc = layer(report, 'fc1000');
    expect([paramsOf(fc), fc.macs, fc.elementwiseOps]).toEqual([2_049_000, 2_048_000, 1000 + 3 * 1000]);
  });

  it('totals 3,834,331,136 MACs (He et al. 2016, Table 1: 3.8 x 10^9 multiply-adds)', () => {
    expect(report.totals.macs).toBe(3_834_331_136);
  });

  it('groups res4a_branch2b / bn4a_branch2b into stage 4, block 4a, with the ReLU after each Add', () => {
    expect(report.model.grouping).toBe('name-prefix');
    expect(report.flows.map((f) => f.name)).toEqual(['input', 'stem', 'stage2', 'stage3', 'stage4', 'stage5', 'top']);
    const b4a = report.blocks.find((b) => b.name === '4a')!;
    expect(b4a.flow).toBe('stage4');
    expect(b4a.layers).toContain('res4a_branch2b');
    expect(b4a.layers).toContain('bn4a_branch1');
    expect(b4a.layers.slice(-2)).toEqual(['add_8', 'activation_25']);
    expect(report.blocks.find((b) => b.name === 'stem')!.layers).toEqual(['conv1_pad', 'conv1', 'bn_conv1', 'activation_1', 'max_pooling2d_1']);
    expect(report.blocks.find((b) => b.name === 'top')!.layers).toEqual(['avg_pool', 'flatten_1', 'fc1000']);
    expect(report.blocks.filter((b) => b.flow === 'stage4').map((b) => b.name)).toEqual(['4a', '4b', '4c', '4d', '4e', '4f']);
  });
});

describe('importTfjsModelJson', () => {
  it('lists the weights manifest and describes the format', () => {
    const json: unknown = JSON.parse(readFileSync(fixture('resnet50.model.json'), 'utf8'));
    const imported = importTfjsModelJson(json, 'resnet50.model.json');
    expect(imported.formatDescription).toBe('TF.js layers model (Keras 2.1.6)');
    expect(imported.weightsManifest![0].paths).toHaveLength(25);
    const values = imported.weightsManifest![0].weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(values).toBe(25_636_712);
  });

  it('refuses shard paths that leave the model folder, with a warning', () => {
    const imported = importTfjsModelJson(
      {
        modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] } },
        weightsManifest: [{ paths: ['../../secret.bin'], weights: [{ name: 'd/kernel', shape: [3, 2], dtype: 'float32' }] }],
      },
      'model.json',
    );
    expect(imported.weightsManifest).toBeUndefined();
    expect(imported.diagnostics[0].message).toMatch(/shard paths outside the model's folder \(\.\.\/\.\.\/secret\.bin\)/);
  });
});

describe('a TF.js model.json with a nested model and its weight shard', () => {
  let loaded: LoadedModel;
  beforeAll(async () => {
    loaded = await loadModelFile(tf, fixture('tiny-nested/model.json'));
  });
  afterAll(() => loaded.model.dispose());

  it('loads the shard next to model.json, weight by weight', () => {
    const { report, model } = loaded;
    expect(report.diagnostics.find((d) => d.message.startsWith('weights:'))!.message).toBe('weights: loaded 4 weights (2,154 values, 8.4 KiB) from the shard files');
    // Shard value i is (i mod 7) / 8 - 0.25; conv/kernel comes first (108 values), then conv/bias.
    const expected = (i: number): number => (i % 7) / 8 - 0.25;
    const byName = new Map(model.weights.map((w) => [w.originalName, w.read().dataSync()]));
    expect(Array.from(byName.get('conv/kernel')!.slice(0, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(expected));
    expect(Array.from(byName.get('conv/bias')!)).toEqual([108, 109, 110, 111].map(expected));
    expect(byName.get('dense/bias')![1]).toBe(expected(108 + 4 + 2040 + 1));
  });

  it('counts the nested model as the sum of its layers, with the Keras 2 node index of its call', () => {
    const { report } = loaded;
    expect(report.layers.map((l) => [l.name, l.className])).toEqual([['x', 'InputLayer'], ['backbone', 'Functional'], ['flatten', 'Flatten'], ['dense', 'Dense']]);
    const backbone = layer(report, 'backbone');
    // conv 3x3 valid: 16 -> 14, 4 filters; asymmetric ZeroPadding2D ((1, 2), (0, 1)): 14 -> 17 x 15.
    expect(backbone.outputShape).toEqual([null, 17, 15, 4]);
    expect(backbone.inbound).toEqual(['x']);
    expect(backbone.macs).toBe(14 * 14 * 4 * 27);
    expect(paramsOf(backbone)).toBe(3 * 3 * 3 * 4 + 4);
    expect(layer(report, 'dense').macs).toBe(17 * 15 * 4 * 2);
    expect(report.model.outputShapes).toEqual([[null, 2], [null, 17, 15, 4]]);
  });
});
