/**
 * A small HAND-MADE profiled report for the exporter tests (no model is built: each test imports
 * only the exporter it checks, so the mutation run stays fast). Numbers worked by hand:
 *
 * - `input_1`: InputLayer, (None, 8, 8, 3); not timed.
 * - `conv1`: Conv2D 3x3, 3 -> 4 filters, `valid`, bias: (None, 6, 6, 4); params 3*3*3*4 + 4 = 112;
 *   MACs 6*6*4 outputs x 27 = 3,888 (FLOPs 7,776); bias adds 144; activations 144 x 4 B = 576 B;
 *   weights 112 x 4 B = 448 B. Median 0.5 ms, p90 0.6, min 0.4, 5 runs; kernels Conv2D 0.3 ms and
 *   BiasAdd 0.1 ms (they fit inside the layer), and Relu without a time ("no sample").
 * - `pool1`: MaxPooling2D 2x2: (None, 3, 3, 4); no MACs; tf.profiler counts 4 comparisons per
 *   output: 4 x 36 = 144 FLOPs. Folded into conv1 (no time).
 * - `fc`: Dense 4 -> 2 on the last axis: (None, 3, 3, 2); params 4*2 + 2 = 10; MACs 3*3*2 x 4 = 72
 *   (FLOPs 144). Median 0.2 ms; kernels MatMul 0.2 and Add 0.1 ms: 0.3 ms > 0.2 ms, so a trace
 *   scales them by 2/3.
 *
 * Flows: `input` (input_1, not timed), `entry` (conv1, pool1: 0.5 ms), `exit flow` (fc: 0.2 ms; a
 * name with a space, not a plain name). Engine wasm with 2 threads; batch of 2 images; 1 warm-up and 5 timed runs; the layer medians
 * sum to 0.7 ms.
 */
import type { ArchitectureReport, EngineInfo, LayerReport } from '../../src/report/schema';
import { wasmEngine } from '../engineInfo';

export const TINY_ENGINE: EngineInfo = wasmEngine({ why: 'the fastest engine that loaded', skipped: [{ name: 'tensorflow', reason: 'not installed' }] });

function layer(l: Partial<LayerReport> & Pick<LayerReport, 'name' | 'className' | 'outputShape'>): LayerReport {
  return {
    kind: 'unknown',
    label: l.className,
    flow: 'entry',
    block: 'block1',
    inbound: [],
    inputShapes: [],
    params: { trainable: 0, nonTrainable: 0 },
    macs: 0,
    flops: 0,
    tfProfilerFlops: 0,
    elementwiseOps: 0,
    activationBytes: 0,
    weightBytes: 0,
    config: {},
    ...l,
  };
}

/** A fresh copy of the tiny report (see the module docstring for its numbers). */
export function tinyReport(): ArchitectureReport {
  const layers: LayerReport[] = [
    layer({ name: 'input_1', className: 'InputLayer', flow: 'input', block: 'input', outputShape: [null, 8, 8, 3], activationBytes: 768 }),
    layer({
      name: 'conv1', className: 'Conv2D', inbound: ['input_1'], inputShapes: [[null, 8, 8, 3]], outputShape: [null, 6, 6, 4],
      params: { trainable: 112, nonTrainable: 0 }, macs: 3888, flops: 7776, tfProfilerFlops: 7776, elementwiseOps: 144, activationBytes: 576, weightBytes: 448,
      timing: {
        medianMs: 0.5, p90Ms: 0.6, minMs: 0.4, runs: 5,
        kernels: [{ name: 'Conv2D', medianMs: 0.3, calls: 1 }, { name: 'BiasAdd', medianMs: 0.1, calls: 1 }, { name: 'Relu', medianMs: null, naReason: 'no sample', calls: 1 }],
      },
    }),
    layer({
      name: 'pool1', className: 'MaxPooling2D', inbound: ['conv1'], inputShapes: [[null, 6, 6, 4]], outputShape: [null, 3, 3, 4],
      tfProfilerFlops: 144, elementwiseOps: 144, activationBytes: 144,
      timing: { medianMs: null, p90Ms: null, minMs: null, runs: 0, kernels: [], foldedInto: 'conv1' },
    }),
    layer({
      name: 'fc', className: 'Dense', flow: 'exit', block: 'top', inbound: ['pool1'], inputShapes: [[null, 3, 3, 4]], outputShape: [null, 3, 3, 2],
      params: { trainable: 10, nonTrainable: 0 }, macs: 72, flops: 144, tfProfilerFlops: 144, elementwiseOps: 18, activationBytes: 72, weightBytes: 40,
      timing: { medianMs: 0.2, p90Ms: 0.25, minMs: 0.15, runs: 4, kernels: [{ name: 'MatMul', medianMs: 0.2, calls: 1 }, { name: 'Add', medianMs: 0.1, calls: 2 }] },
    }),
  ];
  const sum = (pick: (l: LayerReport) => number): number => layers.reduce((a, l) => a + pick(l), 0);
  const totals = {
    layers: 4,
    params: { trainable: 122, nonTrainable: 0 },
    macs: 3960,
    flops: 7920,
    elementwiseOps: sum((l) => l.elementwiseOps),
    activationBytes: sum((l) => l.activationBytes),
    weightBytes: 488,
  };
  const group = (name: string, names: string[], medianMs: number | null) => {
    const ls = layers.filter((l) => names.includes(l.name));
    const s = (pick: (l: LayerReport) => number): number => ls.reduce((a, l) => a + pick(l), 0);
    return {
      name, flow: name, layers: names, medianMs,
      totals: {
        layers: ls.length, params: { trainable: s((l) => l.params.trainable), nonTrainable: 0 }, macs: s((l) => l.macs), flops: s((l) => l.flops),
        elementwiseOps: s((l) => l.elementwiseOps), activationBytes: s((l) => l.activationBytes), weightBytes: s((l) => l.weightBytes),
      },
    };
  };
  return {
    schemaVersion: 1,
    model: { name: 'tiny', source: 'test/tiny.json', grouping: 'name-prefix', inputShapes: [[null, 8, 8, 3]], outputShapes: [[null, 3, 3, 2]] },
    layers,
    blocks: [],
    flows: [group('input', ['input_1'], null), group('entry', ['conv1', 'pool1'], 0.5), group('exit flow', ['fc'], 0.2)],
    totals,
    diagnostics: [],
    engine: structuredClone(TINY_ENGINE),
    timing: { warmupRuns: 1, timedRuns: 5, batchSize: 2, predictMedianMs: 0.6, profiledMedianMs: 0.75, layerSumMs: 0.7, overheadRatio: 1.25 },
    createdAt: '2026-11-30T22:00:00.000Z',
  };
}
