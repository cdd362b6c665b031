import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { initWasmBackend, disposeWasmBackend, type WasmSetup } from '../../src/engine/wasmSetup';
import { hasWasmThreads } from '../../src/engine/wasmThreaded';

type Tf = typeof tfTypes;

const REL_TOL = 1e-4;

/** Deterministic values in [-1, 1) (mulberry32). */
function randomValues(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** Runs `op` on `backend` with fresh input tensors; returns the output values. */
async function runOn(tf: Tf, backend: string, op: (tf: Tf) => tfTypes.Tensor): Promise<Float32Array> {
  expect(await tf.setBackend(backend)).toBe(true);
  const y = op(tf);
  const values = (await y.data()) as Float32Array;
  y.dispose();
  return values;
}

/** Every element within REL_TOL of the reference, relative to max(|ref|, RMS of the reference). */
function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let sumSq = 0;
  for (const v of expected) sumSq += v * v;
  const rms = Math.sqrt(sumSq / expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const rel = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), rms);
    if (!(rel <= worst)) worst = rel;
  }
  expect(worst, `${what}: worst relative error`).toBeLessThanOrEqual(REL_TOL);
}

const ops: Record<string, (tf: Tf) => tfTypes.Tensor> = {
  // Xception-like shapes, large enough that XNNPACK splits the work across the pool's threads.
  conv2d: (tf) =>
    tf.conv2d(
      tf.tensor4d(randomValues(1 * 37 * 37 * 24, 1), [1, 37, 37, 24]),
      tf.tensor4d(randomValues(3 * 3 * 24 * 40, 2), [3, 3, 24, 40]),
      1,
      'same',
    ),
  'conv2d stride 2': (tf) =>
    tf.conv2d(
      tf.tensor4d(randomValues(1 * 37 * 37 * 16, 3), [1, 37, 37, 16]),
      tf.tensor4d(randomValues(3 * 3 * 16 * 32, 4), [3, 3, 16, 32]),
      2,
      'valid',
    ),
  depthwiseConv2d: (tf) =>
    tf.depthwiseConv2d(
      tf.tensor4d(randomValues(1 * 37 * 37 * 64, 5), [1, 37, 37, 64]),
      tf.tensor4d(randomValues(3 * 3 * 64 * 1, 6), [3, 3, 64, 1]),
      1,
      'same',
    ),
  matMul: (tf) =>
    tf.matMul(tf.tensor2d(randomValues(129 * 257, 7), [129, 257]), tf.tensor2d(randomValues(257 * 96, 8), [257, 96])),
};

describe('initWasmBackend', () => {
  let tf: Tf;
  let setup: WasmSetup;

  beforeAll(async () => {
    tf = await import('@tensorflow/tfjs');
    setup = await initWasmBackend(tf);
  }, 30_000);

  afterAll(async () => {
    await disposeWasmBackend(tf);
    await tf.setBackend('cpu');
  });

  it('reports at least one thread and makes wasm the active backend', () => {
    expect(setup.threads).toBeGreaterThanOrEqual(1);
    expect(typeof setup.simd).toBe('boolean');
    expect(setup.why.length).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe('wasm');
  });

  const cpus = Math.min(os.cpus().length, 8);
  it.skipIf(cpus < 2)(`uses every core by default on Node (threaded build, SIMD)${cpus < 2 ? ' (skipped: 1 CPU)' : ''}`, () => {
    expect(setup.why, setup.why).toMatch(/^multi-threaded/);
    expect(setup.threads).toBe(cpus);
    expect(setup.simd).toBe(true);
  });

  // The branch is decided here, from what the runtime can do, not from what initWasmBackend
  // returned: a runtime that can share WebAssembly memory and has SIMD must get the threaded
  // build, and a fallback must name the missing feature (never "failed", never unexplained).
  const threadsPossible = hasWasmThreads();
  it(`uses exactly the requested thread count (${threadsPossible ? 'threaded branch: this runtime shares WebAssembly memory' : 'single-thread branch: no shared WebAssembly memory'})`, async () => {
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    for (const requested of [3, 2]) {
      const s = await initWasmBackend(tf, { threads: requested });
      if (threadsPossible && simd) {
        expect(s.why, s.why).toMatch(/^multi-threaded SIMD build/);
        expect(s.threads, s.why).toBe(requested);
      } else {
        expect(s.why, s.why).toMatch(threadsPossible ? /no WebAssembly SIMD/ : /cannot share WebAssembly memory/);
        expect(s.threads, s.why).toBe(1);
      }
    }
  }, 20_000);

  it('threads: 1 selects the single-thread build', async () => {
    const s = await initWasmBackend(tf, { threads: 1 });
    expect(s.threads).toBe(1);
    expect(s.why).toMatch(/^single-thread/);
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(initWasmBackend(tf, { threads: 0 })).rejects.toThrow(RangeError);
    await expect(initWasmBackend(tf, { threads: 1.5 })).rejects.toThrow(/positive integer/);
  });

  it('conv2d / depthwiseConv2d / matMul on threaded WASM equal the cpu backend within 1e-4', async () => {
    const s = await initWasmBackend(tf, { threads: 2 });
    for (const [name, op] of Object.entries(ops)) {
      const onWasm = await runOn(tf, 'wasm', op);
      const onCpu = await runOn(tf, 'cpu', op);
      expectClose(onWasm, onCpu, `${name} (wasm, ${s.threads} threads)`);
    }
  }, 20_000);

  it('does not keep a node process alive, also with ELECTRON_RUN_AS_NODE=1', () => {
    // A child bundles this module with esbuild, starts 2 threads, computes, and must exit alone.
    const root = path.resolve(__dirname, '..', '..');
    const script = `
      const esbuild = require('esbuild'); const Module = require('module'); const path = require('path');
      const entry = path.join(${JSON.stringify(root)}, 'src/engine/wasmSetup.ts');
      const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs',
        target: 'node20', write: false, packages: 'external', logLevel: 'error' });
      const file = path.join(path.dirname(entry), 'wasmSetup.bundle.cjs');
      const m = new Module(file, module); m.filename = file; m.paths = Module._nodeModulePaths(path.dirname(file));
      m._compile(out.outputFiles[0].text, file);
      const tf = require('@tensorflow/tfjs');
      m.exports.initWasmBackend(tf, { threads: 2 }).then((s) => {
        const v = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()[0];
        console.log(JSON.stringify({ threads: s.threads, v }));
      });`;
    const child = spawnSync(process.execPath, ['-e', script], {
      cwd: root,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(child.error, String(child.error)).toBeUndefined();
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { threads: number; v: number };
    expect(result.v).toBe(64);
    expect(result.threads).toBe(2);
  }, 20_000);
});
