import { describe, expect, it } from 'vitest';
import { engineComparisonToCsv } from '../../src/exporters/engineComparisonCsv';
import { parseCsv } from '../../src/exporters/csv';
import { compareEngines, kernelOpKind, kindSplit } from '../../src/profiler/engineComparison';
import type { ArchitectureReport, EngineName, LayerReport, LayerTiming } from '../../src/report/schema';

const timing = (medianMs: number | null, kernels: [string, number][] = [], foldedInto?: string): LayerTiming => ({
  medianMs, minMs: medianMs, p90Ms: medianMs, runs: 3, kernels: kernels.map(([name, ms]) => ({ name, medianMs: ms, calls: 1 })), ...(foldedInto ? { foldedInto } : {}),
});
const layer = (name: string, className: string, macs: number, t?: LayerTiming): LayerReport =>
  ({ name, className, macs, flops: 2 * macs, timing: t } as unknown as LayerReport);
const report = (engine: EngineName, backend: string, layers: LayerReport[], predict: number): ArchitectureReport =>
  ({ layers, engine: { name: engine, backend, why: `${engine} why` }, timing: { predictMedianMs: predict, profiledMedianMs: predict * 1.02 } } as unknown as ArchitectureReport);

// Xception's block 4 second separable conv and its BN, on WASM (TF.js kernels) and on ORT (fused nodes).
const wasm = report('wasm', 'wasm', [
  layer('block4_sepconv2', 'SeparableConv2D', 43_500_000, timing(10, [['DepthwiseConv2dNative', 3], ['FusedConv2D', 6.5], ['Add', 0.5]])),
  layer('block4_sepconv2_bn', 'BatchNormalization', 0, timing(2, [['FusedBatchNorm', 2]])),
  layer('conv2d_2', 'Conv2D', 4_700_000, timing(1.5, [['FusedConv2D', 1.5]])),
  layer('add_2', 'Add', 0, timing(0.25)),
], 450);
const ort = report('onnxruntime', 'onnxruntime-cpu', [
  layer('block4_sepconv2', 'SeparableConv2D', 43_500_000, timing(1.2, [['Conv [depthwise]', 0.2], ['Conv [pointwise+bn]', 1]])),
  layer('block4_sepconv2_bn', 'BatchNormalization', 0, timing(null, [], 'block4_sepconv2')),
  layer('conv2d_2', 'Conv2D', 4_700_000, timing(0.3, [['Conv [conv+bn+merge]', 0.3]])),
  layer('add_2', 'Add', 0, timing(null, [], 'conv2d_2')),
], 70);

describe('engines side by side', () => {
  it('classifies TF.js kernels and ORT nodes into the same kinds of work', () => {
    expect(kernelOpKind({ className: 'SeparableConv2D' }, 'DepthwiseConv2dNative')).toBe('depthwise');
    expect(kernelOpKind({ className: 'SeparableConv2D' }, 'FusedConv2D')).toBe('pointwise');
    expect(kernelOpKind({ className: 'SeparableConv2D' }, 'Conv [pointwise+bn+activation]')).toBe('pointwise');
    expect(kernelOpKind({ className: 'DepthwiseConv2D' }, 'Conv [conv]')).toBe('depthwise');
    expect(kernelOpKind({ className: 'Conv2D' }, 'Conv [conv+bn+merge]')).toBe('regular conv');
    expect(kernelOpKind({ className: 'BatchNormalization' }, 'FusedBatchNorm')).toBe('BN');
    expect(kernelOpKind({ className: 'Activation' }, 'Relu [activation]')).toBe('element-wise');
  });

  it('splits each pass by kind: on ORT the BN costs nothing of its own, on WASM it does', () => {
    expect(kindSplit(wasm)).toEqual({ 'regular conv': 1.5, depthwise: 3, pointwise: 6.5, BN: 2, 'element-wise': 0.5 + 0.25, dense: 0, other: 0 });
    expect(kindSplit(ort)).toEqual({ 'regular conv': 0.3, depthwise: 0.2, pointwise: 1, BN: 0, 'element-wise': 0, dense: 0, other: 0 });
  });

  it('puts per-layer medians in one column per engine, with the folded layers named, and writes them as CSV', () => {
    const cmp = compareEngines([wasm, ort], [{ name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' }]);
    expect(cmp.engines.map((e) => [e.label, e.predictMedianMs])).toEqual([['wasm', 450], ['onnxruntime (cpu)', 70]]);
    expect(cmp.layers[1]).toEqual({ name: 'block4_sepconv2_bn', className: 'BatchNormalization', macs: 0, medianMs: [2, null], foldedInto: [null, 'block4_sepconv2'] });
    expect(cmp.kinds.find((k) => k.kind === 'BN')!.ms).toEqual([2, 0]);
    expect(cmp.kinds.some((k) => k.kind === 'dense')).toBe(false);
    const rows = parseCsv(engineComparisonToCsv(cmp));
    expect(rows[0]).toEqual(['layer', 'class', 'macs', 'wasm_median_ms', 'wasm_folded_into', 'onnxruntime_median_ms', 'onnxruntime_folded_into']);
    expect(rows[2]).toEqual(['block4_sepconv2_bn', 'BatchNormalization', '0', '2', '', '', 'block4_sepconv2']);
    expect(rows.find((r) => r[0] === 'kind:pointwise')).toEqual(['kind:pointwise', '', '', '6.5', '', '1', '']);
  });
});
