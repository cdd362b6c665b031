import { describe, expect, it } from 'vitest';
import { engineComparisonToCsv } from '../../src/exporters/engineComparisonCsv';
import { parseCsv } from '../../src/exporters/csv';
import { compareEngines, kernelOpKind, kindSplit, layerOpKind } from '../../src/profiler/engineComparison';
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

describe('engine comparison, edge by edge', () => {
  it('layerOpKind for every class it names', () => {
    expect(['Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'Dense', 'Add', 'MaxPooling2D', 'Flatten'].map(layerOpKind)).toEqual([
      'regular conv',
      'regular conv',
      'depthwise',
      'pointwise',
      'BN',
      'dense',
      'element-wise',
      'element-wise',
      'other',
    ]);
  });
  it('kernelOpKind: ORT roles at the end only, the first role deciding; TF.js kernel names anchored', () => {
    const sep = { className: 'SeparableConv2D' };
    const bn = { className: 'BatchNormalization' };
    const add = { className: 'Add' };
    expect(kernelOpKind(add, 'Mul [bn]')).toBe('BN');
    expect(kernelOpKind(add, 'Mul [scale]')).toBe('element-wise');
    expect(kernelOpKind(bn, 'Mul [scale]')).toBe('BN');
    expect(kernelOpKind(add, 'Transpose [layout]')).toBe('other');
    expect(kernelOpKind(add, 'Gemm [dense+relu]')).toBe('dense');
    // Brackets not at the end are no roles.
    expect(kernelOpKind(add, 'Conv [depthwise] x')).toBe('element-wise');
    expect(kernelOpKind(sep, 'MyDepthwiseConv2dNative')).toBe('element-wise');
    expect(kernelOpKind(sep, 'DepthwiseConv2dNative')).toBe('depthwise');
    expect(kernelOpKind(sep, 'Conv2DBackpropInput')).toBe('element-wise');
    expect(kernelOpKind(sep, 'FusedConv2D')).toBe('pointwise');
    expect(kernelOpKind({ className: 'Conv2D' }, 'FusedConv2D')).toBe('regular conv');
  });
  it('kindSplit: untimed layers and untimed kernels count nothing; a layer without timed kernels counts by its class', () => {
    const l = (name: string, className: string, medianMs: number | null, kernels: [string, number | null][] | undefined) =>
      ({ name, className, timing: kernels === undefined ? undefined : { medianMs, minMs: null, p90Ms: null, runs: 1, kernels: kernels.map(([n, ms]) => ({ name: n, medianMs: ms, calls: 1 })) } }) as LayerReport;
    const split = kindSplit({
      layers: [
        l('a', 'Conv2D', 5, [['Conv2D', 4], ['BiasAdd', null], ['Relu', NaN]]),
        l('b', 'BatchNormalization', 3, []),
        l('c', 'Dense', 2, [['MatMul', null]]),
        l('d', 'Add', null, [['Add', 9]]),
        l('e', 'Add', 1, undefined),
      ],
    } as ArchitectureReport);
    expect(split).toEqual({ 'regular conv': 4, depthwise: 0, pointwise: 0, BN: 3, 'element-wise': 0, dense: 2, other: 0 });
  });
  it('compareEngines: ORT named by its provider, missing pass medians null, layers missing on an engine null', () => {
    const layerOn = (name: string, medianMs: number | null, foldedInto?: string) =>
      ({ name, className: 'Conv2D', macs: 10, timing: { medianMs, minMs: null, p90Ms: null, runs: 1, kernels: [], ...(foldedInto ? { foldedInto } : {}) } }) as unknown as LayerReport;
    const ort = { engine: { name: 'onnxruntime', backend: 'onnxruntime-cpu', why: 'asked' }, layers: [layerOn('x', 1), layerOn('y', null, 'x')], timing: { predictMedianMs: 3, profiledMedianMs: 4 } } as unknown as ArchitectureReport;
    const wasm = { engine: { name: 'wasm', backend: 'wasm', why: 'fastest' }, layers: [layerOn('x', 2)] } as unknown as ArchitectureReport;
    const cmp = compareEngines([ort, wasm]);
    expect(cmp.engines.map((e) => [e.label, e.predictMedianMs, e.profiledMedianMs])).toEqual([
      ['onnxruntime (cpu)', 3, 4],
      ['wasm', null, null],
    ]);
    expect(cmp.layers.map((l) => [l.name, l.medianMs, l.foldedInto])).toEqual([
      ['x', [1, 2], [null, null]],
      ['y', [null, null], ['x', null]],
    ]);
    expect(compareEngines([]).layers).toEqual([]);
    expect(compareEngines([]).skipped).toEqual([]);
  });
});
