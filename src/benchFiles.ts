/**
 * Benchmark of reading large model files: `npm run bench:files [-- --mb 100]`. Writes a Keras 2
 * HDF5 full model of about `--mb` MB into a temporary folder (Xception's architecture with a
 * classifier head sized to reach the size; weights of Xception's own shapes, values i / 1000),
 * then, each in a fresh child process so that peak RSS is its own:
 *
 * - `first picture`: `readModelFile` (config and weight shapes, no values), ms;
 * - `analysis`: read, build in TF.js (cpu engine), check every weight shape, analyse (no
 *   values read), ms and peak RSS;
 * - `with weights`: the same, reading every weight value into the model, as timing does.
 *
 * Prints the measured times, peak RSS and their ratios to the file size against the targets
 * (first picture < 1 s, analysis < 2 s, peak RSS < 300 MB without timing, < 2 x the file with
 * weights). Targets are printed as met or not, never asserted in unit tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveEngine } from './engine/resolve';
import { loadH5wasm } from './importers/h5';
import { buildCheckedModel, readModelFile } from './importers/modelFile';
import { buildXception } from './model/xception';

const MB = 2 ** 20;

/** Writes a Keras 2 full-model HDF5 file of Xception whose head makes the file about `mb` MB. */
async function writeLargeH5(file: string, mb: number): Promise<void> {
  const { tf } = await resolveEngine({ engine: 'cpu', searchPaths: [] });
  const base = buildXception(tf, { includeTop: false, inputSize: 71 });
  const baseParams = base.countParams();
  base.dispose();
  // The head: 2048 inputs x classes + classes weights.
  const classes = Math.max(1, Math.round((mb * MB) / 4 - baseParams) / 2049) | 0;
  const model = buildXception(tf, { classes, inputSize: 299 });
  const h5wasm = await loadH5wasm();
  const h5 = new h5wasm.File(file, 'w');
  try {
    h5.create_attribute('model_config', JSON.stringify(model.toJSON(undefined, false)));
    h5.create_attribute('keras_version', '2.4.0');
    const root = h5.create_group('model_weights');
    root.create_attribute('layer_names', model.layers.map((l) => l.name));
    for (const layer of model.layers) {
      const group = root.create_group(layer.name);
      const names = layer.weights.map((w) => `${w.originalName}:0`);
      group.create_attribute('weight_names', names.length ? names : ['']);
      if (names.length) group.create_group(layer.name);
      layer.weights.forEach((w, i) => {
        const shape = w.shape as number[];
        const n = shape.reduce((a, b) => a * b, 1);
        const data = new Float32Array(n);
        for (let j = 0; j < n; j++) data[j] = (j % 1000) / 1000;
        (group.get(layer.name) as typeof group).create_dataset({ name: names[i].split('/').pop()!, data, shape, dtype: '<f' });
      });
    }
  } finally {
    h5.close();
    model.dispose();
  }
}

/** In a child: reads (and builds) the file, prints `{firstMs, totalMs, peakRssMb}` as JSON. */
async function child(file: string, loadWeights: boolean): Promise<void> {
  const { tf } = await resolveEngine({ engine: 'cpu', searchPaths: [] });
  await loadH5wasm();
  const start = performance.now();
  const read = await readModelFile(file);
  const firstMs = performance.now() - start;
  if (read.format === 'tfjs-graph-model' || read.format === 'onnx') throw new Error('expected a Keras file');
  const loaded = await buildCheckedModel(tf, read, { loadWeights });
  const totalMs = performance.now() - start;
  const params = loaded.report.totals.params.trainable + loaded.report.totals.params.nonTrainable;
  loaded.model.dispose();
  process.stdout.write(JSON.stringify({ firstMs, totalMs, params, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2] === 'weights');
  const mb = Number(args[args.indexOf('--mb') + 1]) || 100;
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-files-'));
  const file = path.join(dir, 'large.h5');
  try {
    const t0 = performance.now();
    await writeLargeH5(file, mb);
    const fileMb = statSync(file).size / MB;
    console.log(`wrote ${file}: ${fileMb.toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const run = (mode: string): { firstMs: number; totalMs: number; params: number; peakRssMb: number } =>
      JSON.parse(execFileSync(process.execPath, [__filename, '--child', file, mode], { encoding: 'utf8', maxBuffer: 1 << 20 })) as never;
    const baseline = JSON.parse(execFileSync(process.execPath, ['-e', 'require("@tensorflow/tfjs");process.stdout.write(JSON.stringify({peakRssMb: process.resourceUsage().maxRSS / 1024}))'], { encoding: 'utf8' })) as { peakRssMb: number };
    const analysis = run('analysis');
    const weights = run('weights');
    const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
    console.log(`params: ${analysis.params.toLocaleString('en-US')} (${((analysis.params * 4) / MB).toFixed(1)} MB as float32)`);
    console.log(`first picture (config + weight shapes): ${analysis.firstMs.toFixed(0)} ms  [target < 1000 ms: ${verdict(analysis.firstMs < 1000)}]`);
    console.log(`analysis without weight values: ${analysis.totalMs.toFixed(0)} ms, peak RSS ${analysis.peakRssMb.toFixed(0)} MB  [targets < 2000 ms: ${verdict(analysis.totalMs < 2000)}, < 300 MB: ${verdict(analysis.peakRssMb < 300)}]`);
    console.log(
      `with weight values (as timing): ${weights.totalMs.toFixed(0)} ms, peak RSS ${weights.peakRssMb.toFixed(0)} MB = ${(weights.peakRssMb / fileMb).toFixed(2)} x the file  [target < 2 x: ${verdict(weights.peakRssMb < 2 * fileMb)}]`,
    );
    console.log(`for scale: a Node process that only loads TF.js peaks at ${baseline.peakRssMb.toFixed(0)} MB RSS; the weights-read peak above that is ${((weights.peakRssMb - baseline.peakRssMb) / fileMb).toFixed(2)} x the file`);
  } finally {
    if (process.env.KEEP_BENCH_FILE) console.log(`kept ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
