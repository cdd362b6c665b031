/** Builds `src/worker/worker.ts` into a temp folder once per test file, and a small job for it. */
import * as esbuild from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ProfileJob } from '../../src/worker/protocol';

/** Folder of the installed TF.js .wasm binaries (the bundle's own copies are not built in tests). */
export const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

/** Bundles the worker as `scripts/build.mjs` does and returns the bundle's path. */
export async function buildWorkerBundle(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xp-worker-'));
  const outfile = path.join(dir, 'worker.js');
  await esbuild.build({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile, external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'], logLevel: 'error' });
  return outfile;
}

/** Xception 71x71 on WASM with one thread: a job that takes about a second. */
export function smallJob(runs: number, extra: Partial<ProfileJob> = {}): ProfileJob {
  return {
    model: { kind: 'xception', inputSize: 71, includeTop: true, classes: 1000 },
    engine: 'wasm',
    searchPaths: [],
    threads: 1,
    warmupRuns: 1,
    runs,
    batchSize: 1,
    timing: true,
    wasmDir: WASM_DIR,
    ...extra,
  };
}
