import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { buildXception } from '../../src/model/xception';
import {
  layerIntensity,
  partMedianMs,
  ridgeIntensity,
  rooflineKind,
  rooflinePoints,
  standing,
  standingText,
  withIntensity,
} from '../../src/profiler/roofline';
import type { ArchitectureReport, EngineRoofs, LayerReport } from '../../src/report/schema';
import { rooflineRows } from '../../src/report/viewModel';

/** A small model with one layer of each kind, analysed by the real analysis. */
function smallReport(): ArchitectureReport {
  const input = tf.input({ shape: [8, 8, 16] });
  let x = tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'pw', filters: 32, kernelSize: 1, useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'conv', filters: 8, kernelSize: 3, useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.separableConv2d({ name: 'sep', filters: 16, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'dense', units: 10 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const report = analyzeModel(model);
  model.dispose();
  return report;
}

const report = smallReport();
const layer = (name: string): LayerReport => report.layers.find((l) => l.name === name)!;

describe('arithmetic intensity (FLOPs per byte moved: inputs, weights, outputs once; float32)', () => {
  it('DepthwiseConv2D 3x3 same, 8x8x16: 9,216 MACs; 2x(1,024 + 1,024) x 4 B + 144 weights x 4 B', () => {
    const [p] = layerIntensity(layer('dw'));
    expect(p).toMatchObject({ part: 'layer', kind: 'depthwise', flops: 18432, bytes: 4 * (1024 + 1024) + 4 * 144 });
    expect(p.intensity).toBeCloseTo(18432 / 8768, 10); // 2.102
  });

  it('pointwise Conv2D 1x1, 8x8x16 -> 8x8x32: 32,768 MACs; (1,024 + 2,048 + 512 weights) x 4 B', () => {
    const [p] = layerIntensity(layer('pw'));
    expect(p).toMatchObject({ kind: 'pointwise', flops: 65536, bytes: 14336 });
    expect(p.intensity).toBeCloseTo(4.5714, 4);
  });

  it('Conv2D 3x3 valid, 8x8x32 -> 6x6x8: 82,944 MACs; (2,048 + 288 + 2,304 weights) x 4 B', () => {
    const [p] = layerIntensity(layer('conv'));
    expect(p).toMatchObject({ kind: 'conv', flops: 165888, bytes: 18560 });
    expect(p.intensity).toBeCloseTo(8.9379, 4);
  });

  it('BatchNormalization on 6x6x8: 2 ops per value (576); (288 + 288 + 4 x 8 params) x 4 B', () => {
    const [p] = layerIntensity(layer('bn'));
    expect(p).toMatchObject({ kind: 'bn', flops: 576, bytes: 2432 });
    expect(p.intensity).toBeCloseTo(0.23684, 5);
  });

  it('SeparableConv2D 3x3 same, 6x6x8 -> 6x6x16: depthwise and pointwise parts through the 6x6x8 intermediate', () => {
    const [whole, dw, pw] = layerIntensity(layer('sep'));
    // whole layer: 7,200 MACs; reads 288, writes 576, 200 weights (no intermediate).
    expect(whole).toMatchObject({ part: 'layer', kind: 'separable', flops: 14400, bytes: 4 * (288 + 576) + 4 * 200 });
    // depthwise: 36 x 8 x 9 = 2,592 MACs; reads 288 input values, writes 288, 72 weights.
    expect(dw).toMatchObject({ part: 'depthwise', kind: 'depthwise', flops: 5184, bytes: 4 * (288 + 288) + 4 * 72 });
    expect(dw.intensity).toBeCloseTo(2.0, 10);
    // pointwise: 36 x 8 x 16 = 4,608 MACs; reads 288, writes 576, 128 weights.
    expect(pw).toMatchObject({ part: 'pointwise', kind: 'pointwise', flops: 9216, bytes: 4 * (288 + 576) + 4 * 128 });
    expect(pw.intensity).toBeCloseTo(9216 / 3968, 10); // 2.323
  });

  it('Dense 576 -> 10 with bias: 5,760 MACs; (576 + 10 + 5,770 weights) x 4 B', () => {
    const [p] = layerIntensity(layer('dense'));
    expect(p).toMatchObject({ kind: 'dense', flops: 11520, bytes: 25424 });
    expect(p.intensity).toBeCloseTo(0.453115, 6);
  });

  it('layers that compute nothing have no point; batch multiplies activations, not weights', () => {
    expect(layerIntensity(layer('flat'))).toEqual([]);
    expect(rooflineKind(layer('flat'))).toBeUndefined();
    const [p] = layerIntensity(layer('conv'), 4);
    expect(p.flops).toBe(4 * 165888);
    expect(p.bytes).toBe(4 * (2048 + 288) * 4 + 2304 * 4);
    expect(p.intensity).toBeCloseTo(663552 / 46592, 10); // 14.24: weights amortised over 4 images
  });

  it("Xception-71 block1_conv2 and block2_sepconv1, from the real model's analysis", () => {
    const model = buildXception(tf, { inputSize: 71 });
    const x = withIntensity(analyzeModel(model), 1);
    model.dispose();
    const conv = x.layers.find((l) => l.name === 'block1_conv2')!;
    // 35x35x32 -> 33x33x64, 3x3: 20,072,448 MACs; (39,200 + 69,696 + 18,432 weights) x 4 B = 509,312 B.
    expect(conv.roofline).toEqual([{ part: 'layer', kind: 'conv', flops: 40144896, bytes: 509312, intensity: 40144896 / 509312 }]);
    const sep = x.layers.find((l) => l.name === 'block2_sepconv1')!;
    // 33x33x64 -> 33x33x128: depthwise 627,264 MACs, pointwise 8,921,088 MACs.
    expect(sep.roofline?.map((p) => [p.part, p.flops, p.bytes])).toEqual([
      ['layer', 19096704, 4 * (69696 + 139392) + 35072],
      ['depthwise', 1254528, 4 * (69696 + 69696) + 4 * 576],
      ['pointwise', 17842176, 4 * (69696 + 139392) + 4 * 8192],
    ]);
    expect(x.roofline?.batch).toBe(1);
    // Every layer with MACs or element-wise ops has a point; none without.
    for (const l of x.layers) expect(l.roofline !== undefined).toBe(l.macs > 0 || l.elementwiseOps > 0);
  });
});

describe('standing under the roofs', () => {
  const roofs: EngineRoofs = { engine: 'test', computeGflops: 100, bandwidthGBs: 10, computeMethod: '', bandwidthMethod: '', measuredAt: '', cached: false };

  it('left of the ridge is memory-bound against bandwidth x intensity; right of it compute-bound against the peak', () => {
    expect(ridgeIntensity(roofs)).toBe(10);
    const mem = standing({ intensity: 2, gflops: 7.6 }, roofs)!;
    expect(mem).toEqual({ bound: 'memory', attainableGflops: 20, fraction: 0.38 });
    expect(standingText(mem)).toBe('memory-bound: 38 % of the bandwidth roof');
    // Above the memory roof: the layer's tensors stayed in the caches (the roof streams 3x the L3).
    expect(standingText(standing({ intensity: 2, gflops: 29.4 }, roofs)!)).toBe('memory-bound: 147 % of the bandwidth roof (above it: its data stays in the caches)');
    const comp = standing({ intensity: 50, gflops: 71 }, roofs)!;
    expect(comp.bound).toBe('compute');
    expect(standingText(comp)).toBe('compute-bound: 71 % of peak');
    expect(standing({ intensity: 2, gflops: null }, roofs)).toBeUndefined();
  });

  it("achieved GFLOP/s of a separable conv's parts come from its depthwise and convolution kernels", () => {
    const sep: LayerReport = {
      ...layer('sep'),
      roofline: layerIntensity(layer('sep')),
      timing: { medianMs: 0.01, minMs: 0.01, p90Ms: 0.01, runs: 3, kernels: [{ name: 'DepthwiseConv2dNative', medianMs: 0.002, calls: 1 }, { name: 'FusedConv2D', medianMs: 0.004, calls: 1 }] },
    };
    expect(partMedianMs(sep, 'depthwise')).toBe(0.002);
    expect(partMedianMs(sep, 'pointwise')).toBe(0.004);
    // ONNX Runtime names its nodes after the Keras part they run (src/onnx/fusion.ts).
    const ortKernels = [{ name: 'Conv [depthwise]', medianMs: 0.003, calls: 1 }, { name: 'Conv [pointwise+bn]', medianMs: 0.005, calls: 1 }];
    const onOrt = { ...sep, timing: { ...sep.timing!, kernels: ortKernels } };
    expect([partMedianMs(onOrt, 'depthwise'), partMedianMs(onOrt, 'pointwise')]).toEqual([0.003, 0.005]);
    const r: ArchitectureReport = { ...report, layers: [sep], roofline: { batch: 1, roofs } };
    const [dw, pw] = rooflinePoints(r);
    expect(rooflinePoints(r, 'layers').map((p) => [p.part, p.kind, p.ms])).toEqual([['layer', 'separable', 0.01]]);
    expect(dw.gflops).toBeCloseTo(5184 / (0.002 * 1e6), 10); // 2.59 GFLOP/s at intensity 2: 13 % of 20
    expect(pw.gflops).toBeCloseTo(9216 / (0.004 * 1e6), 10);
    // The layer card's roofline rows (the view-model's `rooflineRows`).
    const rows = rooflineRows(r, sep);
    expect(rows.map((row) => [row.label, row.value])).toEqual([
      ['Roofline', '3.38 FLOP/B \u00b7 1.44 GFLOP/s'], // 14,400 FLOPs / 4,256 B; 1.44 of 33.8 GFLOP/s
      ['Roofline, depthwise', '2.00 FLOP/B \u00b7 2.59 GFLOP/s'],
      ['Roofline, pointwise', expect.stringMatching(/ FLOP\/B \u00b7 2\.30 GFLOP\/s$/)],
    ]);
    expect(rows[0].note).toMatch(/^memory-bound: 4\.3 % of the bandwidth roof; intensity = FLOPs \/ bytes moved/);
    expect(rows[1].note).toMatch(/^memory-bound: 13 % of the bandwidth roof;/);
  });
});
