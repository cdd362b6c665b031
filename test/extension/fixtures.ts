/**
 * Fixtures of the view, hover, hint and exporter tests: the real static report of Keras's
 * Xception (built and analysed with TF.js's CPU backend), and SYNTHETIC timings for it (test data,
 * not measurements): each layer's median is macs / 1e8 ms (0.05 ms for layers without MACs),
 * p90 = 1.1 x median, min = 0.9 x median, 10 runs, and kernels that split the median.
 */
import * as tf from '@tensorflow/tfjs';
import { analyzeModel } from '../../src/analysis/analyze';
import { buildXception } from '../../src/model/xception';
import { mergeTimings } from '../../src/profiler/attach';
import type { ArchitectureReport, EngineInfo, KernelTiming, LayerReport, LayerTiming } from '../../src/report/schema';
import { wasmEngine } from '../engineInfo';

const cache = new Map<number, string>();

/** A fresh copy of the static report of Xception at `inputSize` (299: Keras's default) with the top. */
export async function xceptionReport(inputSize = 299): Promise<ArchitectureReport> {
  if (!cache.has(inputSize)) {
    await tf.setBackend('cpu');
    const model = buildXception(tf, { inputSize, seed: 1 });
    cache.set(inputSize, JSON.stringify(analyzeModel(model, { name: 'Xception', source: 'builtin:xception' })));
    model.dispose();
  }
  return JSON.parse(cache.get(inputSize)!) as ArchitectureReport;
}

/** The synthetic median of a layer, ms. */
export function syntheticMedianMs(layer: LayerReport): number {
  return layer.macs > 0 ? layer.macs / 1e8 : 0.05;
}

/** Kernels splitting a median: separable convs 10 % depthwise + 90 % pointwise; others one kernel at 90 %. */
function syntheticKernels(layer: LayerReport, medianMs: number): KernelTiming[] {
  switch (layer.className) {
    case 'SeparableConv2D':
      return [
        { name: 'DepthwiseConv2dNative', medianMs: 0.1 * medianMs, calls: 1 },
        { name: 'Conv2D', medianMs: 0.9 * medianMs, calls: 1 },
      ];
    case 'InputLayer':
      return [];
    default:
      return [{ name: layer.className === 'Conv2D' ? 'Conv2D' : `${layer.className}Kernel`, medianMs: 0.9 * medianMs, calls: 1 }];
  }
}

/** The synthetic timing of a layer (see the module docstring). */
export function syntheticTiming(layer: LayerReport, scale = 1): LayerTiming {
  const medianMs = syntheticMedianMs(layer) * scale;
  return { medianMs, p90Ms: 1.1 * medianMs, minMs: 0.9 * medianMs, runs: 10, kernels: syntheticKernels(layer, medianMs) };
}

/** A WASM engine with 2 threads that skipped the two native engines. */
export const WASM_ENGINE: EngineInfo = wasmEngine({
  why: 'the native engines are not installed; WASM with SIMD and 2 threads is the fastest engine that loaded',
  skipped: [
    { name: 'tensorflow-gpu', reason: 'Cannot find module @tensorflow/tfjs-node-gpu' },
    { name: 'tensorflow', reason: 'Cannot find module @tensorflow/tfjs-node' },
  ],
});

/** `report` with synthetic timings on every layer (blocks' and flows' medians refreshed as the core does), the WASM engine and a pass timing. */
export function withTimings(report: ArchitectureReport): ArchitectureReport {
  let sum = 0;
  const layers: Record<string, LayerTiming> = {};
  for (const l of report.layers) {
    layers[l.name] = syntheticTiming(l);
    sum += layers[l.name].medianMs!;
  }
  mergeTimings(report, { layers });
  report.engine = WASM_ENGINE;
  report.timing = {
    warmupRuns: 2,
    timedRuns: 10,
    batchSize: 1,
    predictMedianMs: 0.97 * sum,
    profiledMedianMs: 1.02 * sum,
    layerSumMs: sum,
    overheadRatio: 1.02 / 0.97,
  };
  return report;
}
