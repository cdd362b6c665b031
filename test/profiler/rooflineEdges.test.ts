/**
 * The roofline's rules edge by edge (src/profiler/roofline.ts) on hand-made layers: the kind of
 * each class, kernel areas, bytes per value, a SeparableConv2D with a depth multiplier of 2, part
 * medians from kernel names, and where a point stands. Real models: roofline.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatIntensity, layerIntensity, partMedianMs, rooflineKind, rooflinePoints, standing, standingText } from '../../src/profiler/roofline';
import type { ArchitectureReport, EngineRoofs, KernelTiming, LayerReport } from '../../src/report/schema';

function layer(fields: Partial<LayerReport>): LayerReport {
  return { name: 'l', className: 'Conv2D', config: {}, macs: 0, elementwiseOps: 0, inputShapes: [[null, 4, 4, 3]], outputShape: [null, 4, 4, 3], activationBytes: 192, weightBytes: 0, ...fields } as LayerReport;
}

describe('rooflineKind', () => {
  it('by class, a Conv2D with a 1x1 (or unreadable) kernel being pointwise', () => {
    const kind = (className: string, fields: Partial<LayerReport> = {}) => rooflineKind(layer({ className, ...fields }));
    expect(kind('Conv2D', { config: { kernelSize: '3x3' } })).toBe('conv');
    expect(kind('Conv2D', { config: { kernelSize: '1x1' } })).toBe('pointwise');
    expect(kind('Conv2D', { config: { kernelSize: 3 } })).toBe('conv');
    expect(kind('Conv2D', { config: { kernelSize: 1 } })).toBe('pointwise');
    expect(kind('Conv2D', { config: { kernelSize: '2' } })).toBe('conv');
    expect(kind('Conv2D', { config: { kernelSize: 'axb' } })).toBe('pointwise');
    expect(kind('Conv2D', { config: { kernelSize: '0x3' } })).toBe('pointwise');
    expect(kind('Conv2D')).toBe('pointwise');
    expect(kind('Conv2DTranspose', { config: { kernelSize: '1x1' } })).toBe('conv');
    expect(kind('DepthwiseConv2D')).toBe('depthwise');
    expect(kind('SeparableConv2D')).toBe('separable');
    expect(kind('Dense')).toBe('dense');
    expect(['BatchNormalization', 'LayerNormalization'].map((c) => kind(c))).toEqual(['bn', 'bn']);
    expect(['MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D'].map((c) => kind(c))).toEqual(['pool', 'pool', 'pool', 'pool']);
    expect(kind('Add', { elementwiseOps: 48 })).toBe('elementwise');
    expect(kind('Lambda', { macs: 10, elementwiseOps: 48 })).toBe('conv');
    expect(kind('Flatten')).toBeUndefined();
  });
});

describe('layerIntensity', () => {
  it('bytes per value from the output (2 for float16), 4 when the output is empty', () => {
    // Add of two 4x4x3 float16 inputs: 48 ops; bytes 2 x 48 x 2 in + 96 out = 288.
    const [p] = layerIntensity(layer({ className: 'Add', elementwiseOps: 48, inputShapes: [[null, 4, 4, 3], [null, 4, 4, 3]], activationBytes: 96 }));
    expect(p).toEqual({ part: 'layer', kind: 'elementwise', flops: 48, bytes: 288, intensity: 48 / 288 });
    // An empty output: 4 bytes per input value (48 x 4 = 192), nothing written.
    const [q] = layerIntensity(layer({ className: 'Add', elementwiseOps: 48, outputShape: [null, 0], activationBytes: 0 }));
    expect(q.bytes).toBe(192);
    const [z] = layerIntensity(layer({ className: 'Add', elementwiseOps: 5, inputShapes: [], outputShape: [null, 0], activationBytes: 0 }));
    expect(z.intensity).toBe(0);
  });

  it('a SeparableConv2D with depth multiplier 2: the intermediate and depthwise weights double', () => {
    // Input 4x4x3, 3x3 same, depth multiplier 2, 5 filters: intermediate 4x4x6; output 4x4x5.
    // Depthwise MACs 16 x 9 x 6 = 864, pointwise 16 x 6 x 5 = 480; weights 3x3x3x2 = 54 and 6x5 + 5 = 35.
    const sep = layer({
      className: 'SeparableConv2D',
      config: { kernelSize: '3x3', depthMultiplier: 2 },
      macs: 864 + 480,
      pointwiseMacs: 480,
      outputShape: [null, 4, 4, 5],
      activationBytes: 16 * 5 * 4,
      weightBytes: (54 + 35) * 4,
    });
    const inBytes = 48 * 4;
    const midBytes = 16 * 6 * 4;
    const outBytes = 80 * 4;
    expect(layerIntensity(sep, 2)).toEqual([
      { part: 'layer', kind: 'separable', flops: 2 * 2 * 1344, bytes: 2 * (inBytes + outBytes) + 89 * 4, intensity: (4 * 1344) / (2 * (inBytes + outBytes) + 356) },
      { part: 'depthwise', kind: 'depthwise', flops: 2 * 2 * 864, bytes: 2 * (inBytes + midBytes) + 54 * 4, intensity: (4 * 864) / (2 * (inBytes + midBytes) + 216) },
      { part: 'pointwise', kind: 'pointwise', flops: 2 * 2 * 480, bytes: 2 * (midBytes + outBytes) + 35 * 4, intensity: (4 * 480) / (2 * (midBytes + outBytes) + 140) },
    ]);
    // Without pointwiseMacs: one part, as a whole.
    expect(layerIntensity({ ...sep, pointwiseMacs: undefined }).map((p) => p.part)).toEqual(['layer']);
    // Without a depth multiplier: 1.
    const plain = layerIntensity({ ...sep, config: { kernelSize: '3x3' } })[1];
    expect(plain.bytes).toBe(inBytes + 16 * 3 * 4 + 27 * 4);
  });
});

describe('partMedianMs', () => {
  const k = (name: string, medianMs: number | null): KernelTiming => ({ name, medianMs, calls: 1 });
  const timed = (medianMs: number | null, kernels: KernelTiming[]) => layer({ timing: { medianMs, minMs: null, p90Ms: null, runs: 1, kernels } });
  it('the layer median, null when missing or not finite or untimed', () => {
    expect(partMedianMs(timed(2, []), 'layer')).toBe(2);
    expect(partMedianMs(timed(null, []), 'layer')).toBeNull();
    expect(partMedianMs(timed(NaN, []), 'layer')).toBeNull();
    expect(partMedianMs(layer({}), 'layer')).toBeNull();
    expect(partMedianMs(layer({}), 'depthwise')).toBeNull();
  });
  it('sums the kernels of the part by name (TF.js and ONNX Runtime), null when one is untimed or none matches', () => {
    const l = timed(9, [k('DepthwiseConv2dNative', 1), k('Conv [depthwise]', 0.5), k('Conv2D', 2), k('FusedConv2D', 3), k('Conv [pointwise+bn]', 0.25), k('Conv2DBackpropInput', 7), k('DepthwiseConv2D', 4)]);
    expect(partMedianMs(l, 'depthwise')).toBe(1 + 0.5 + 4);
    expect(partMedianMs(l, 'pointwise')).toBe(2 + 3 + 0.25);
    expect(partMedianMs(timed(9, [k('Conv2D', 2), k('FusedConv2D', null)]), 'pointwise')).toBeNull();
    expect(partMedianMs(timed(9, [k('Conv2D', 2), k('FusedConv2D', Infinity)]), 'pointwise')).toBeNull();
    expect(partMedianMs(timed(9, [k('Conv2D', 2)]), 'depthwise')).toBeNull();
  });
});

describe('rooflinePoints', () => {
  it('kernels: the parts of a split layer, a whole layer otherwise; layers: whole layers; GFLOP/s only with a positive time and FLOPs', () => {
    const parts = (n: number) => [
      { part: 'layer' as const, kind: 'separable' as const, flops: 4e6, bytes: 1e6, intensity: 4 },
      { part: 'depthwise' as const, kind: 'depthwise' as const, flops: n, bytes: 1e6, intensity: 1 },
    ];
    const report = {
      layers: [
        layer({ name: 'sep', roofline: parts(2e6), timing: { medianMs: 2, minMs: null, p90Ms: null, runs: 1, kernels: [{ name: 'DepthwiseConv2dNative', medianMs: 1, calls: 1 }] } }),
        layer({ name: 'zero', roofline: parts(0), timing: { medianMs: 0, minMs: null, p90Ms: null, runs: 1, kernels: [{ name: 'DepthwiseConv2dNative', medianMs: 0, calls: 1 }] } }),
        layer({ name: 'one', roofline: [{ part: 'layer', kind: 'bn', flops: 10, bytes: 5, intensity: 2 }] }),
      ],
    } as ArchitectureReport;
    expect(rooflinePoints(report).map((p) => [p.layer, p.part, p.gflops, p.ms])).toEqual([
      ['sep', 'depthwise', 2e6 / 1e6, 1],
      ['zero', 'depthwise', null, 0],
      ['one', 'layer', null, null],
    ]);
    expect(rooflinePoints(report, 'layers').map((p) => [p.layer, p.part, p.gflops])).toEqual([
      ['sep', 'layer', 4e6 / 2e6],
      ['zero', 'layer', null],
      ['one', 'layer', null],
    ]);
  });
});

describe('standing and its text', () => {
  // Ridge at 100 / 10 = 10 FLOP/B.
  const roofs = { computeGflops: 100, bandwidthGBs: 10 } as EngineRoofs;
  it('memory-bound left of the ridge, compute-bound from it; nothing untimed or without intensity', () => {
    expect(standing({ intensity: 5, gflops: 25 }, roofs)).toEqual({ bound: 'memory', attainableGflops: 50, fraction: 0.5 });
    expect(standing({ intensity: 10, gflops: 25 }, roofs)).toEqual({ bound: 'compute', attainableGflops: 100, fraction: 0.25 });
    expect(standing({ intensity: 5, gflops: null }, roofs)).toBeUndefined();
    expect(standing({ intensity: 0, gflops: 1 }, roofs)).toBeUndefined();
  });
  it('one decimal below 10 %, none from 10 %; above the bandwidth roof it says why', () => {
    expect(standingText({ bound: 'compute', attainableGflops: 100, fraction: 0.0999 })).toBe('compute-bound: 10.0 % of peak');
    expect(standingText({ bound: 'compute', attainableGflops: 100, fraction: 0.1 })).toBe('compute-bound: 10 % of peak');
    expect(standingText({ bound: 'memory', attainableGflops: 50, fraction: 1 })).toBe('memory-bound: 100 % of the bandwidth roof');
    expect(standingText({ bound: 'memory', attainableGflops: 50, fraction: 1.25 })).toBe('memory-bound: 125 % of the bandwidth roof (above it: its data stays in the caches)');
  });
  it('formatIntensity: 3 significant digits below 100, none from 100', () => {
    expect([0.25, 21.94, 99.94, 100, 131.4].map(formatIntensity)).toEqual(['0.250', '21.9', '99.9', '100', '131']);
  });
});
