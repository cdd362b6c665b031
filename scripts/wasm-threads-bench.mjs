#!/usr/bin/env node
// Measures TF.js's WASM engine with 1 thread vs N threads, in one process.
//
//   node scripts/wasm-threads-bench.mjs [--threads N] [--repeats R] [--blocks B]
//
// N defaults to os.cpus().length, R to 10, B to 2 (1-thread and N-thread runs alternate in B blocks). src/engine/wasmSetup.ts is bundled in memory with
// esbuild's JS API (nothing is written to disk) and loaded as if it lived in src/engine/.
// Workloads (float32, batch 1):
//   conv      tf.conv2d 1x74x74x256 * 3x3x256x256, 'same'             (3.2 GMAC)
//   sepstack  Xception entry-flow-like stack on 1x147x147x64: 2 x (depthwise 3x3 + pointwise 1x1
//             to 128 + relu), then maxPool 3x3 stride 2                 (0.49 GMAC)
// Prints the median wall time in ms of R timed runs per setting (each block after 1 warm-up run),
// the speedup, and CPU time / wall time (about N when all N threads really ran in parallel).
import { createRequire, Module } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer`);
  return v;
}

/** Bundles src/engine/wasmSetup.ts in memory and returns its exports. */
function loadWasmSetup() {
  const esbuild = require('esbuild');
  const entry = path.join(root, 'src/engine/wasmSetup.ts');
  const out = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    packages: 'external',
    logLevel: 'error',
  });
  const file = path.join(path.dirname(entry), 'wasmSetup.bench-bundle.cjs');
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod._compile(out.outputFiles[0].text, file);
  return mod.exports;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Builds the workloads' inputs on the current backend; returns name -> run(). */
function makeWorkloads(tf) {
  const x74 = tf.randomNormal([1, 74, 74, 256], 0, 1, 'float32', 1);
  const k256 = tf.randomNormal([3, 3, 256, 256], 0, 0.05, 'float32', 2);
  const x147 = tf.randomNormal([1, 147, 147, 64], 0, 1, 'float32', 3);
  const dw1 = tf.randomNormal([3, 3, 64, 1], 0, 0.3, 'float32', 4);
  const pw1 = tf.randomNormal([1, 1, 64, 128], 0, 0.1, 'float32', 5);
  const dw2 = tf.randomNormal([3, 3, 128, 1], 0, 0.3, 'float32', 6);
  const pw2 = tf.randomNormal([1, 1, 128, 128], 0, 0.1, 'float32', 7);
  const tensors = [x74, k256, x147, dw1, pw1, dw2, pw2];
  return {
    workloads: {
      conv: () => tf.tidy(() => tf.conv2d(x74, k256, 1, 'same')),
      sepstack: () =>
        tf.tidy(() => {
          const a = tf.relu(tf.separableConv2d(x147, dw1, pw1, 1, 'same'));
          const b = tf.relu(tf.separableConv2d(a, dw2, pw2, 1, 'same'));
          return tf.maxPool(b, 3, 2, 'same');
        }),
    },
    dispose: () => tensors.forEach((t) => t.dispose()),
  };
}

/** Runs each workload `repeats` times on a fresh engine with `threads`; adds times to `acc`. */
async function measureBlock(tf, initWasmBackend, threads, repeats, acc) {
  const setup = await initWasmBackend(tf, { threads });
  const { workloads, dispose } = makeWorkloads(tf);
  for (const [name, run] of Object.entries(workloads)) {
    run().dataSync(); // warm-up: XNNPACK packs the weights on first use
    const entry = (acc[name] ??= { times: [], cpuMs: 0 });
    for (let i = 0; i < repeats; i++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const y = run();
      y.dataSync();
      entry.times.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      entry.cpuMs += (cpu.user + cpu.system) / 1000;
      y.dispose();
    }
  }
  dispose();
  return setup;
}

const repeats = argValue('--repeats', 10);
const threads = argValue('--threads', os.cpus().length);
// Alternate 1-thread and N-thread blocks so that load from other processes hits both alike.
const blocks = Math.min(argValue('--blocks', 2), repeats);
const tf = require('@tensorflow/tfjs');
const { initWasmBackend, disposeWasmBackend } = loadWasmSetup();

const load0 = os.loadavg()[0];
console.log(`node ${process.version}, ${os.cpus().length} logical CPUs (${os.cpus()[0]?.model ?? '?'}), ${repeats} timed runs per setting in ${blocks} alternating blocks`);
const acc1 = {};
const accN = {};
let setup1;
let setupN;
for (let b = 0; b < blocks; b++) {
  const n = Math.floor(repeats / blocks) + (b < repeats % blocks ? 1 : 0);
  setup1 = await measureBlock(tf, initWasmBackend, 1, n, acc1);
  setupN = await measureBlock(tf, initWasmBackend, threads, n, accN);
}
console.log(`threads=1: ${setup1.threads} thread(s) - ${setup1.why}`);
console.log(`threads=${threads}: ${setupN.threads} thread(s) - ${setupN.why}`);
console.log(`1-min load average: ${load0.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after (other processes compete for the cores when it is high)`);
console.log('');
console.log(`workload   1 thread (ms)   ${setupN.threads} threads (ms)   speedup   CPU/wall (1 / N)`);
for (const name of Object.keys(acc1)) {
  const a = acc1[name];
  const b = accN[name];
  const ma = median(a.times);
  const mb = median(b.times);
  const ca = a.cpuMs / a.times.reduce((x, y) => x + y, 0);
  const cb = b.cpuMs / b.times.reduce((x, y) => x + y, 0);
  console.log(
    `${name.padEnd(10)} ${ma.toFixed(1).padStart(13)}   ${mb.toFixed(1).padStart(14)}   ${(ma / mb).toFixed(2).padStart(6)}x   ${ca.toFixed(2)} / ${cb.toFixed(2)}`,
  );
}
// Not needed for the process to exit (the pool's workers are unref'd); frees them early.
await disposeWasmBackend(tf);
