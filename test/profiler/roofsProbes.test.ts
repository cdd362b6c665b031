import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ADD_ELEMENTS, engineLabel, measureRoofs, tfRoofProbe, type RoofBudget } from '../../src/profiler/roofs';
import type { EngineInfo } from '../../src/report/schema';
import * as ort from 'onnxruntime-node';
import type { OrtModule } from '../../src/engine/onnxruntime';
import { ortRoofProbe } from '../../src/engine/onnxruntimeRoofs';

// The probes at their real sizes (32 MiB tensors): a heavy suite of the mutation run (vitest.mutation.config.mts);
// roofs.test.ts checks roofs.ts with a fake probe and the TF.js probe at small sizes.
const info: EngineInfo = { name: 'cpu', backend: 'cpu', package: '@tensorflow/tfjs', version: '4.22.0', threads: 1, why: 'test', skipped: [] };

/** One untimed call, then `n` timed calls, whatever they take. */
const reps = (n: number): RoofBudget => ({ warmupMs: 0, sliceMs: 0, minReps: n, minMs: 0, maxMs: Infinity });

describe('roof probes at their real sizes', () => {
  it('TF.js probe on the plain-JS engine: finite positive roofs, and every probe tensor freed', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const r = await measureRoofs(tfRoofProbe(tf), engineLabel(info), reps(2));
    expect(tf.memory().numTensors).toBe(before);
    expect(r.engine).toBe('cpu x1');
    expect(Number.isFinite(r.computeGflops) && r.computeGflops > 0).toBe(true);
    expect(Number.isFinite(r.bandwidthGBs) && r.bandwidthGBs > 0).toBe(true);
    expect(r.computeMethod).toContain('256x256 matmul'); // the plain-JS engine gets the small matmul
  });

  it('ONNX Runtime probe: one-node models (MatMul, 1x1 Conv, Add + ReduceSum at 16 bytes per value) give finite roofs', async () => {
    const runtime = { ort: ort as unknown as OrtModule, providers: ['cpu'], threads: 1, skippedProviders: [] };
    const r = await measureRoofs(ortRoofProbe(runtime), 'onnxruntime x1', reps(2));
    expect(Number.isFinite(r.computeGflops) && r.computeGflops > 0).toBe(true);
    expect(Number.isFinite(r.bandwidthGBs) && r.bandwidthGBs > 0).toBe(true);
    expect(r.computeMethod).toContain('512x512 matmul');
    expect(r.bandwidthMethod).toContain(`16 bytes per value = ${16 * ADD_ELEMENTS} bytes`);
  });
});
