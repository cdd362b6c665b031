/**
 * Fixtures of the browser tests: the real Xception-299 report (built and analysed with TF.js),
 * SYNTHETIC timings (test data only: plausible numbers made up from the MAC counts, not
 * measurements), a layer renamed to an XSS payload, and the webview bundle built with esbuild.
 * Real reports of other kinds: a measured Xception-71 run with its regular-convolution twin
 * (fixtures/xception71-compare.json), ResNet50 and a FixedDropout model imported from the model
 * files of test/fixtures/models, and a small residual model built with tf.model.
 */
import * as tf from '@tensorflow/tfjs';
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../src/analysis/analyze';
import { loadModelFile } from '../../src/importers/modelFile';
import { buildXception } from '../../src/model/xception';
import type { EngineInfo, KernelTiming, LayerReport, LayerTiming, PassTiming, ArchitectureReport } from '../../src/report/schema';
import { wasmEngine } from '../engineInfo';

/** The name the XSS check gives to one layer (`avg_pool`). */
export const XSS_NAME = '<img src=x onerror=alert(1)>';

/** The static (untimed) report of Keras's Xception at 299x299 with the top. */
export function xceptionReport(): ArchitectureReport {
  const model = buildXception(tf, { seed: 1 });
  const report = analyzeModel(model);
  model.dispose();
  return report;
}

/**
 * A REAL measured report: Xception at 71x71 on the WASM engine (2 threads, SIMD), 2 timed runs,
 * with the regular-convolution twin, written by
 * `node dist/cli.js --input-size 71 --runs 2 --warmup 1 --compare-regular 2 --json FILE`.
 */
export function compareReport(root = process.cwd()): ArchitectureReport {
  return JSON.parse(readFileSync(join(root, 'test/browser/fixtures/xception71-compare.json'), 'utf8')) as ArchitectureReport;
}

/** The static report of a model file of test/fixtures/models (e.g. `resnet50.model.json`). */
export async function modelFileReport(file: string, root = process.cwd()): Promise<ArchitectureReport> {
  const loaded = await loadModelFile(tf, join(root, 'test/fixtures/models', file));
  loaded.model.dispose();
  return loaded.report;
}

/**
 * A small residual model built with tf.model (static report): a stem conv, a ResNet-like block
 * whose two branches join at an Add, a block whose two branches are concatenated, and a head.
 * 32x32x3 input.
 */
export function residualReport(): ArchitectureReport {
  const L = tf.layers;
  const input = tf.input({ shape: [32, 32, 3], name: 'image' });
  const stem = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', name: 'stem_conv' }).apply(input) as tf.SymbolicTensor;
  const a1 = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', name: 'res_a_conv1' }).apply(stem) as tf.SymbolicTensor;
  const a2 = L.batchNormalization({ name: 'res_a_bn1' }).apply(a1) as tf.SymbolicTensor;
  const a3 = L.reLU({ name: 'res_a_relu1' }).apply(a2) as tf.SymbolicTensor;
  const a4 = L.conv2d({ filters: 16, kernelSize: 3, padding: 'same', name: 'res_a_conv2' }).apply(a3) as tf.SymbolicTensor;
  const add = L.add({ name: 'res_a_add' }).apply([a4, stem]) as tf.SymbolicTensor;
  const b1 = L.conv2d({ filters: 8, kernelSize: 1, name: 'mix_b_1x1' }).apply(add) as tf.SymbolicTensor;
  const b2 = L.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'mix_b_3x3' }).apply(add) as tf.SymbolicTensor;
  const cat = L.concatenate({ name: 'mix_b_concat' }).apply([b1, b2]) as tf.SymbolicTensor;
  const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(cat) as tf.SymbolicTensor;
  const out = L.dense({ units: 10, name: 'logits' }).apply(gap) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'tiny_residual' });
  const report = analyzeModel(model, { source: 'test:tiny_residual' });
  model.dispose();
  return report;
}

/** Renames a layer everywhere it is referenced (layers, inbound lists, groups, diagnostics). */
export function renameLayer(report: ArchitectureReport, from: string, to: string): void {
  for (const l of report.layers) {
    if (l.name === from) l.name = to;
    l.inbound = l.inbound.map((n) => (n === from ? to : n));
  }
  for (const g of [...report.blocks, ...report.flows]) g.layers = g.layers.map((n) => (n === from ? to : n));
}

/** Deterministic pseudo-random number in [0, 1) from an integer. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

const KERNELS: Record<string, string[]> = {
  Conv2D: ['Conv2D'],
  SeparableConv2D: ['DepthwiseConv2dNative', 'Conv2D'],
  BatchNormalization: ['FusedBatchNorm'],
  Activation: ['Relu'],
  MaxPooling2D: ['MaxPool'],
  Add: ['Add'],
  GlobalAveragePooling2D: ['Mean'],
  Dense: ['MatMul', 'BiasAdd', 'Softmax'],
};

/**
 * SYNTHETIC test timing of one layer: conv FLOPs at ~30 GFLOP/s (separable convs ~12), element-wise
 * ops at ~0.6 Gop/s, plus a little deterministic jitter per `run`. Not a measurement.
 */
export function syntheticTiming(l: LayerReport, index: number, run = 10): LayerTiming {
  const rate = l.className === 'SeparableConv2D' ? 12 : 30;
  const base = l.flops / (rate * 1e6) + l.elementwiseOps / 0.6e6 + 0.01;
  const medianMs = base * (0.95 + 0.1 * noise(index * 31 + run));
  const names = KERNELS[l.className] ?? [];
  const kernels: KernelTiming[] = names.map((name, k) => ({
    name,
    medianMs: names.length === 1 ? medianMs * 0.97 : (medianMs * (k === 0 ? 0.35 : 0.6)) / (names.length - 1 || 1),
    calls: 1,
  }));
  return { medianMs, minMs: medianMs * 0.93, p90Ms: medianMs * 1.12, runs: run, kernels };
}

/** SYNTHETIC timings for every layer of a report (see `syntheticTiming`). */
export function syntheticTimings(report: ArchitectureReport, run = 10): Record<string, LayerTiming> {
  const out: Record<string, LayerTiming> = {};
  report.layers.forEach((l, i) => {
    if (l.className !== 'InputLayer') out[l.name] = syntheticTiming(l, i, run);
  });
  return out;
}

/**
 * SYNTHETIC pass timing matching `timings`, after `run` passes: its medians cover the last
 * `window` of them (live profiling's rolling window, ProfilingRun).
 */
export function syntheticPass(timings: Record<string, LayerTiming>, run = 10, window = 20): PassTiming {
  const sum = Object.values(timings).reduce((n, t) => n + (t.medianMs ?? 0), 0);
  return { warmupRuns: 2, timedRuns: Math.min(run, window), batchSize: 1, predictMedianMs: sum * 0.93, profiledMedianMs: sum * 1.04, layerSumMs: sum, overheadRatio: 1.04 / 0.93 };
}

/** SYNTHETIC engine description. */
export const SYNTHETIC_ENGINE: EngineInfo = wasmEngine({ why: 'synthetic test data' });

/** A copy of `report` with synthetic timings on every layer and on the pass. */
export function withSyntheticTimings(report: ArchitectureReport): ArchitectureReport {
  const r = structuredClone(report);
  const t = syntheticTimings(r);
  for (const l of r.layers) if (t[l.name]) l.timing = t[l.name];
  r.timing = syntheticPass(t);
  r.engine = SYNTHETIC_ENGINE;
  return r;
}

/**
 * Builds `webview/main.ts` and the charts script `webview/charts/entry.ts` (IIFE, minified) with
 * esbuild's API, as scripts/build.mjs does; returns the code, not files.
 */
export async function buildWebview(root: string): Promise<{ js: string; css?: string; charts: string }> {
  const result = await esbuild.build({
    entryPoints: { webview: join(root, 'webview/main.ts'), 'webview-charts': join(root, 'webview/charts/entry.ts') },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: join(root, 'dist-test'),
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('webview.js'));
  const charts = result.outputFiles.find((f) => f.path.endsWith('webview-charts.js'));
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js || !charts) throw new Error('esbuild produced no webview.js or webview-charts.js');
  return { js: js.text, css: css?.text, charts: charts.text };
}
