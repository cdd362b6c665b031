/**
 * The view-model's sentences (src/report/viewModel.ts) that only the webview and the extension
 * print: the regular-conv comparison, the measured twin, the pass facts, the engine line, the
 * slowest layers and the tree's group rows, on hand-made values.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import {
  describeEngine,
  flowTable,
  groupCardView,
  groupDescription,
  groupsMedianMs,
  layerCardView,
  measuredTwinText,
  passFacts,
  passLine,
  regularConvText,
  runtimeText,
  slowestLayers,
  sumGroupTotals,
  timeOnEngine,
  totalsLines,
  untimedKernelsText,
} from '../../src/report/viewModel';
import { oneLayerReport } from './viewsFixture';
import type { ArchitectureReport, EngineInfo, LayerReport, PassTiming, RegularConvComparison, SeparableVsRegular } from '../../src/report/schema';

const layer = (fields: Partial<LayerReport>): LayerReport => ({ config: {}, macs: 0, ...fields }) as LayerReport;

describe('regularConvText', () => {
  it('names the kernel, the regular MACs and the ratio to the separable MACs', () => {
    expect(regularConvText(layer({ regularConvMacs: 386_358_912, regularConvRatio: 8.8901, macs: 43_460_096, config: { kernelSize: '3x3' } }))).toBe(
      "A regular 3x3 Conv2D with the same input and output would need 386.4M MACs: 8.89x the separable conv's 43.5M MACs.",
    );
    expect(regularConvText(layer({ regularConvMacs: 2000, regularConvRatio: 2, macs: 1000 }))).toBe(
      "A regular Conv2D with the same input and output would need 2.0K MACs: 2.00x the separable conv's 1.0K MACs.",
    );
  });
  it('nothing without both numbers or with a ratio that is not positive', () => {
    expect(regularConvText(layer({ regularConvRatio: 2 }))).toBeUndefined();
    expect(regularConvText(layer({ regularConvMacs: 10 }))).toBeUndefined();
    expect(regularConvText(layer({ regularConvMacs: 10, regularConvRatio: 0 }))).toBeUndefined();
    expect(regularConvText(layer({ regularConvMacs: 10, regularConvRatio: -1 }))).toBeUndefined();
  });
});

describe('measuredTwinText', () => {
  const cmp = { inputSize: 71, runs: 3 } as RegularConvComparison;
  const row = (separableMs: number | null, regularMs: number | null, timeRatio: number | null) => ({ separableMs, regularMs, timeRatio }) as SeparableVsRegular;
  it('slower, faster or n/a; the size only when it differs from the report; the engine when given', () => {
    expect(measuredTwinText(row(6.74, 376, 55.81), cmp, [null, 71, 71, 3], 'wasm')).toBe(
      'measured on wasm: regular conv 376 ms vs separable 6.74 ms (55.8x slower), median wall time of 3 runs',
    );
    expect(measuredTwinText(row(4, 2, 0.5), cmp, [null, 299, 299, 3])).toBe(
      'measured: regular conv 2.00 ms vs separable 4.00 ms (2.00x faster), at 71x71 input, median wall time of 3 runs',
    );
    expect(measuredTwinText(row(4, 4, 1), { inputSize: 71, runs: 1 } as RegularConvComparison)).toBe(
      'measured: regular conv 4.00 ms vs separable 4.00 ms (1.00x slower), at 71x71 input, median wall time of 1 run',
    );
    expect(measuredTwinText(row(null, 4, null), cmp, [null, 71, 71, 3])).toBe('measured: regular conv 4.00 ms vs separable n/a (time ratio n/a), median wall time of 3 runs');
  });
});

describe('untimedKernelsText', () => {
  it('counts the untimed kernels with their distinct reasons and sums the timed ones', () => {
    const t = {
      medianMs: 5,
      kernels: [
        { name: 'A', medianMs: 1.5, calls: 1 },
        { name: 'B', medianMs: null, naReason: 'no timer', calls: 1 },
        { name: 'C', medianMs: NaN, naReason: 'no timer', calls: 2 },
        { name: 'D', medianMs: 2.25, calls: 1 },
        { name: 'E', medianMs: null, calls: 1 },
      ],
    };
    expect(untimedKernelsText(t as never)).toBe('3 of 5 kernels untimed (no timer); timed kernels total 3.75 ms');
    expect(untimedKernelsText({ kernels: [{ name: 'E', medianMs: null, calls: 1 }] } as never)).toBe('1 of 1 kernel untimed; timed kernels total 0.00 ms');
    expect(untimedKernelsText({ kernels: [{ name: 'A', medianMs: 1, calls: 1 }] } as never)).toBeUndefined();
  });
});

describe('passFacts and passLine', () => {
  const t = (fields: Partial<PassTiming>): PassTiming =>
    ({ warmupRuns: 2, timedRuns: 10, batchSize: 1, predictMedianMs: 480, profiledMedianMs: 503, layerSumMs: 500, overheadRatio: 1.0479, ...fields }) as PassTiming;
  const report = (engine?: string) => ({ engine: engine ? { name: engine } : undefined }) as ArchitectureReport;
  it('the setup and the four medians; no gap within 5 %', () => {
    expect(passFacts(report('wasm'), t({}))).toEqual({
      setup: 'wall time on wasm, batch of 1, median of 10 timed runs after 2 warm-up',
      parts: ['profiled median 503 ms', 'plain predict median 480 ms', 'profiled/plain 1.05x', 'sum of layers 500 ms'],
    });
    expect(passLine(report(), t({ timedRuns: 1, batchSize: 4 }))).toBe(
      'wall time, batch of 4, median of 1 timed run after 2 warm-up: profiled median 503 ms · plain predict median 480 ms · profiled/plain 1.05x · sum of layers 500 ms',
    );
  });
  it('says by how much the layers exceed or fall below the pass beyond 5 %', () => {
    expect(passFacts(report(), t({ layerSumMs: 600, profiledMedianMs: 500 })).parts[4]).toBe('layers sum exceeds the pass by 20.0 %');
    expect(passFacts(report(), t({ layerSumMs: 400, profiledMedianMs: 500 })).parts[4]).toBe('layers sum is below the pass by 20.0 %');
    expect(passFacts(report(), t({ layerSumMs: 525, profiledMedianMs: 500 })).parts).toHaveLength(4);
    expect(passFacts(report(), t({ layerSumMs: 526, profiledMedianMs: 500 })).parts[4]).toBe('layers sum exceeds the pass by 5.2 %');
  });
  it('while a run streams: passes measured so far, or the last window of them', () => {
    expect(passFacts(report(), t({}), 6).setup).toBe('wall time, batch of 1, median of 6 passes measured after 2 warm-up');
    expect(passFacts(report(), t({}), 1).setup).toBe('wall time, batch of 1, median of 1 pass measured after 2 warm-up');
    expect(passFacts(report(), t({}), 10).setup).toBe('wall time, batch of 1, median of 10 passes measured after 2 warm-up');
    expect(passFacts(report(), t({ timedRuns: 20 }), 33).setup).toBe('wall time, batch of 1, median of the last 20 of 33 passes measured after 2 warm-up');
  });
});

describe('engine lines', () => {
  const info = (fields: Partial<EngineInfo>): EngineInfo =>
    ({ name: 'wasm', backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', threads: 1, why: 'fastest present', skipped: [], ...fields }) as EngineInfo;
  it('runtimeText: napi and electron only when known', () => {
    expect(runtimeText({ node: '20.18.0', modules: '115' })).toBe('node 20.18.0 (NODE_MODULE_VERSION 115)');
    expect(runtimeText({ node: '20.18.0', modules: '115', napi: '9', electron: '30.1.2' })).toBe('node 20.18.0 (NODE_MODULE_VERSION 115, napi 9), electron 30.1.2');
  });
  it('describeEngine: threads, SIMD, GPU, the ORT provider, the correctness check, skipped engines and the runtime', () => {
    expect(describeEngine(info({}))).toBe('wasm (1 thread) via @tensorflow/tfjs-backend-wasm 4.22.0: fastest present');
    expect(describeEngine(info({ threads: 2, simd: true, correctness: { checkedKinds: 12, mismatches: [] } }))).toBe(
      'wasm (2 threads, SIMD) [12 layer kinds checked against the plain-JS backend] via @tensorflow/tfjs-backend-wasm 4.22.0: fastest present',
    );
    expect(
      describeEngine(
        info({
          name: 'tensorflow-gpu' as EngineInfo['name'],
          gpu: true,
          correctness: { checkedKinds: 12, mismatches: [{ layer: 'a', kind: 'DepthwiseConv2D(1x3)', maxRelError: 1, layers: ['a'] }, { layer: 'b', kind: 'Dense', maxRelError: 1, layers: ['b'] }] },
          skipped: [{ name: 'onnxruntime', reason: 'not installed' }],
          runtime: { node: '20.18.0', modules: '115' },
        }),
      ),
    ).toBe(
      'tensorflow-gpu (1 thread, GPU) [WRONG RESULTS on DepthwiseConv2D(1x3); Dense] via @tensorflow/tfjs-backend-wasm 4.22.0: fastest present\n' +
        '  skipped onnxruntime: not installed\n' +
        '  runtime: node 20.18.0 (NODE_MODULE_VERSION 115)',
    );
    expect(describeEngine(info({ name: 'onnxruntime', backend: 'onnxruntime-cpu', threads: 2 }))).toBe(
      'onnxruntime (2 threads, cpu provider) via @tensorflow/tfjs-backend-wasm 4.22.0: fastest present',
    );
  });
});

describe('slowestLayers and timeOnEngine', () => {
  it('slowest first, ties in execution order, untimed layers left out, at most count', () => {
    const timed = (name: string, medianMs: number | null | undefined) => ({ name, timing: medianMs === undefined ? undefined : { medianMs } }) as LayerReport;
    const report = { layers: [timed('a', 2), timed('b', 5), timed('c', null), timed('d', 2), timed('e', undefined), timed('f', 9)] } as ArchitectureReport;
    expect(slowestLayers(report, 3).map((l) => l.name)).toEqual(['f', 'b', 'a']);
    expect(slowestLayers(report, 10).map((l) => l.name)).toEqual(['f', 'b', 'a', 'd']);
  });
  it('timeOnEngine names the engine when known; nothing without a time', () => {
    expect(timeOnEngine({ engine: { name: 'wasm' } } as ArchitectureReport, 7.346)).toBe('7.35 ms wall time on wasm');
    expect(timeOnEngine({} as ArchitectureReport, 120)).toBe('120 ms wall time');
    expect(timeOnEngine({} as ArchitectureReport, null)).toBeUndefined();
    expect(timeOnEngine({} as ArchitectureReport, NaN)).toBeUndefined();
  });
});

describe('groupDescription', () => {
  /**
   * Input 8x8x3 -> conv (3x3 valid, 4 filters, no bias: 6x6x4, MACs 36 * 27 * 4 = 3888) -> relu ->
   * flatten -> Dense 2 (no bias: 144 * 2 = 288 MACs); params 108 + 288 = 396. The grouping puts
   * the four layers in one block and flow, `stage1`, after the `input` one.
   */
  function report(): ArchitectureReport {
    const input = tf.input({ shape: [8, 8, 3], name: 'x' });
    let y = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'block1_conv', useBias: false }).apply(input) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: 'relu', name: 'block1_act' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.flatten({ name: 'flatten' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.dense({ units: 2, name: 'predictions', useBias: false }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const r = analyzeModel(model, { source: 'test' });
    model.dispose();
    return r;
  }
  it("model: input shape, params, MACs; block: its last layer's shape; flow: its layers; the time with its engine", () => {
    const r = report();
    expect(r.blocks.map((b) => [b.name, b.flow, b.layers.length])).toEqual([['input', 'input', 1], ['stage1', 'stage1', 4]]);
    expect(groupDescription(r, 'model', '', 'macs')).toBe('8x8x3 · 396 params · 4.2K MACs');
    expect(groupDescription(r, 'block', 'stage1', 'macs')).toBe('2 · 4.2K MACs');
    expect(groupDescription(r, 'block', 'input', 'macs')).toBe('8x8x3');
    expect(groupDescription(r, 'flow', 'stage1', 'macs')).toBe('4 layers · 4.2K MACs');
    expect(groupDescription(r, 'block', 'no such block', 'macs')).toBe('');
    r.engine = { name: 'wasm' } as ArchitectureReport['engine'];
    r.blocks[1].medianMs = 1.5;
    r.flows[1].medianMs = 1.5;
    expect(groupDescription(r, 'block', 'stage1', 'macs')).toBe('2 · 4.2K MACs · 1.50 ms wall time on wasm');
    expect(groupDescription(r, 'model', '', 'macs')).toBe('8x8x3 · 396 params · 4.2K MACs · 1.50 ms wall time on wasm');
  });
  it('a flow of several blocks counts its blocks', () => {
    const r = report();
    r.blocks.push({ ...r.blocks[1], name: 'stage1b' });
    expect(groupDescription(r, 'flow', 'stage1', 'macs')).toBe('2 blocks · 4.2K MACs');
  });
});

describe('group cards, the flow table and the totals', () => {
  /** Input 6x6x2 -> conv (3x3 valid, 3 filters, bias: out 4x4x3; MACs 16 * 18 * 3 = 864; params 54 + 3 = 57) -> BN (12 params, 6 non-trainable). */
  function report(): ArchitectureReport {
    const input = tf.input({ shape: [6, 6, 2], name: 'x' });
    let y = tf.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv' }).apply(input) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization({ name: 'bn' }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const r = analyzeModel(model, { source: 'test' });
    model.dispose();
    return r;
  }
  it('sums group totals field by field and the timed group medians', () => {
    const r = report();
    const [a, b] = r.blocks;
    const t = sumGroupTotals([a, b]);
    expect(t).toEqual({
      layers: a.totals.layers + b.totals.layers,
      params: { trainable: a.totals.params.trainable + b.totals.params.trainable, nonTrainable: a.totals.params.nonTrainable + b.totals.params.nonTrainable },
      macs: a.totals.macs + b.totals.macs,
      flops: a.totals.flops + b.totals.flops,
      elementwiseOps: a.totals.elementwiseOps + b.totals.elementwiseOps,
      activationBytes: a.totals.activationBytes + b.totals.activationBytes,
      weightBytes: a.totals.weightBytes + b.totals.weightBytes,
    });
    expect(t).toMatchObject({ layers: 3, params: { trainable: 57 + 6, nonTrainable: 6 }, macs: 864, flops: 1728 });
    expect(groupsMedianMs([a, b])).toBeNull();
    expect(groupsMedianMs([{ ...a, medianMs: 1.25 }, { ...b, medianMs: null }, { ...b, medianMs: 2 }])).toBe(3.25);
  });
  it('groupCardView: the rows of a group before and after timing', () => {
    const r = report();
    const stage = r.blocks[1];
    expect(groupCardView(r, [stage], 'stage1', 'block', 'macs')).toEqual({
      title: 'stage1',
      kind: 'block',
      rows: [
        { label: 'Layers', value: '2' },
        { label: 'Params', value: '69', unit: 'params', note: '63 trainable, 6 non-trainable' },
        { label: 'MACs', value: '864 MACs', exact: undefined, unit: 'MACs', note: 'per image; multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs' },
        { label: 'FLOPs', value: '1.7K FLOPs', exact: '1,728', unit: 'FLOPs', note: 'per image; 2 x MACs (1 MAC = 2 FLOPs)' },
        { label: 'Activations', value: '384 B', exact: undefined, unit: 'bytes', note: "sum of the layers' output sizes per image" },
        { label: 'MACs share', value: '100.0 %', unit: '%', note: "of the model's MACs" },
        { label: 'Median (sum)', value: 'timing: pending', unit: 'ms', note: 'wall time, sum of the layer medians, batch of 1' },
        { label: 'Share of pass', value: 'n/a', unit: '%', note: undefined },
        { label: 'Achieved', value: 'n/a', unit: 'GFLOP/s', note: 'FLOPs (2 x MACs) x batch / summed median' },
      ],
    });
    // Timed: 2 images a pass; the layers sum to 4 ms, the block took 2 ms of it.
    r.timing = { batchSize: 2, layerSumMs: 4 } as PassTiming;
    r.engine = { name: 'wasm' } as ArchitectureReport['engine'];
    const rows = groupCardView(r, [{ ...stage, medianMs: 2 }], 'stage1', 'block', 'macs').rows;
    expect(rows.slice(2, 4).map((x) => x.note)).toEqual([
      'per image; 1.7K MACs per batch of 2; multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs',
      'per image; 3.5K FLOPs per batch of 2; 2 x MACs (1 MAC = 2 FLOPs)',
    ]);
    expect(rows.slice(6)).toEqual([
      { label: 'Median (sum)', value: '2.00 ms', unit: 'ms', note: 'wall time on wasm, sum of the layer medians, batch of 2' },
      { label: 'Share of pass', value: '50.0 %', unit: '%', note: 'of the sum of the layer medians, 4.00 ms' },
      // 1,728 FLOPs x 2 images / 2 ms = 1.728e-3 GFLOP/s.
      { label: 'Achieved', value: '0.00 GFLOP/s', unit: 'GFLOP/s', note: 'FLOPs (2 x MACs) x batch / summed median' },
    ]);
    expect(groupCardView(r, [{ ...stage, medianMs: null }], 's', 'block', 'macs').rows[6].value).toBe('n/a');
  });
  it('flowTable and totalsLines', () => {
    const r = report();
    r.flows[1].medianMs = 1;
    r.timing = { batchSize: 1, layerSumMs: 4 } as PassTiming;
    expect(flowTable(r, 'macs')).toEqual({
      header: ['Flow', 'Layers', 'Params', 'MACs per image', 'Median wall time (sum)', 'Share'],
      rows: [
        ['input', '1', '0', '0', 'n/a', 'n/a'],
        ['stage1', '2', '69', '864', '1.00 ms', '25.0 %'],
      ],
    });
    r.engine = { name: 'wasm' } as ArchitectureReport['engine'];
    expect(flowTable(r, 'flops').header.slice(3, 5)).toEqual(['FLOPs per image', 'Median wall time on wasm (sum)']);
    expect(flowTable(r, 'flops').rows[1][3]).toBe('1.7K');
    const lines = totalsLines(r, 'macs');
    expect(lines.map((l) => [l.label, l.value])).toEqual([
      ['Params', '69'],
      ['MACs', '864 MACs'],
      ['FLOPs', '1.7K FLOPs'],
      ['Element-wise ops', String(r.totals.elementwiseOps)],
    ]);
    expect(r.totals.elementwiseOps).toBeGreaterThan(0);
  });
});

describe('layerCardView of a timed separable conv (block4_sepconv2, batch of 4, the fixture of views.test.ts)', () => {
  it('static rows, measured rows, kernels and roofline rows, each with its label, unit and note', async () => {
    const { report, layer } = await oneLayerReport();
    const view = layerCardView(report, layer, 'macs');
    // 3x3x728 depthwise + 728x728 pointwise = 536,536 params; MACs 37 x 37 x 536,536 = 734,517,784.
    expect(view.rows).toEqual([
      { label: 'Input', value: '37x37x728', note: 'NHWC, batch left out' },
      { label: 'Output', value: '37x37x728', exact: '(None, 37, 37, 728)', note: 'NHWC; in parentheses as Keras prints it' },
      { label: 'Params', value: '536,536', unit: 'params', note: '536,536 trainable, 0 non-trainable' },
      { label: 'MACs', value: '734.5M MACs', exact: '734,517,784', unit: 'MACs', note: 'per image; 2.94G MACs per batch of 4; multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs' },
      { label: 'FLOPs', value: '1.47G FLOPs', exact: '1,469,035,568', unit: 'FLOPs', note: 'per image; 5.88G FLOPs per batch of 4; 2 x MACs (1 MAC = 2 FLOPs)' },
      // 37 x 37 x 728 x 4 bytes; 536,536 x 4 bytes.
      { label: 'Activations', value: '3.8 MiB', exact: '3,986,528 bytes', unit: 'bytes', note: 'output size per image' },
      { label: 'Weights', value: '2.0 MiB', exact: '2,146,144 bytes', unit: 'bytes', note: 'all weights of the layer' },
    ]);
    if ('pending' in view.measured) throw new Error('the fixture is timed');
    expect(view.measured.heading).toBe('Measured on wasm (wall time, median of 10 runs, batch of 4)');
    // 4 x 1,469,035,568 FLOPs in 7.34517784 ms = 800.0 GFLOP/s.
    expect(view.measured.rows).toEqual([
      { label: 'Median', value: '7.35 ms', unit: 'ms', note: 'wall time on wasm' },
      { label: 'p90', value: '8.08 ms', unit: 'ms' },
      { label: 'Min', value: '6.61 ms', unit: 'ms' },
      { label: 'Share of pass', value: '8.3 %', unit: '%', note: 'of the sum of the layer medians, 88.2 ms' },
      { label: 'Achieved', value: '800.0 GFLOP/s', unit: 'GFLOP/s', note: 'FLOPs (2 x MACs) x batch / median' },
      { label: 'Kernels', value: '1 of 2 kernels untimed (WebGL query timers are not supported in this environment.); timed kernels total 6.61 ms' },
    ]);
    expect(view.measured.kernels).toEqual([
      { name: 'DepthwiseConv2dNative', calls: 1, time: 'n/a (WebGL query timers are not supported in this environment.)' },
      { name: 'Conv2D', calls: 1, time: '6.61 ms' },
    ]);
    // Whole layer: 4 x 1,469,035,568 FLOPs over 4 x (3,986,528 in + 3,986,528 out) + 2,146,144 weight bytes = 172.6 FLOP/B;
    // depthwise 4 x 17,941,104 over 4 x (in + the same-sized intermediate) + 26,208 = 2.25; pointwise
    // 4 x 1,451,094,464 over 4 x (intermediate + out) + 2,119,936 = 170.7. Roofs (synthetic): 100 GFLOP/s, 10 GB/s.
    const measured = 'intensity = FLOPs / bytes moved; FLOPs (2 x MACs) x batch / median wall time on wasm';
    expect(view.roofline).toEqual([
      { label: 'Roofline', value: '173 FLOP/B · 800.0 GFLOP/s', unit: 'FLOP/B', note: `compute-bound: 800 % of peak; ${measured}` },
      { label: 'Roofline, depthwise', value: '2.25 FLOP/B', unit: 'FLOP/B', note: 'intensity = FLOPs / bytes moved; not timed yet' },
      { label: 'Roofline, pointwise', value: '171 FLOP/B · 878.0 GFLOP/s', unit: 'FLOP/B', note: `compute-bound: 878 % of peak; ${measured}` },
    ]);
  });
  it('a layer without FLOPs has no achieved rate, and a layer without weights no weights row', async () => {
    const { report } = await oneLayerReport();
    const relu = report.layers.find((l) => l.className === 'Activation' && l.timing)!;
    const view = layerCardView(report, relu, 'macs');
    expect(view.rows.map((r) => r.label)).not.toContain('Weights');
    if ('pending' in view.measured) throw new Error('the fixture is timed');
    expect(view.measured.rows.find((r) => r.label === 'Achieved')).toEqual({ label: 'Achieved', value: 'n/a (no FLOPs)', unit: 'GFLOP/s', note: undefined });
  });
});
