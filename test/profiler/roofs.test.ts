import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADD_ELEMENTS, cachedRoofs, engineLabel, measureRoofs, roofCacheKey, tfRoofProbe, type RoofBudget, type RoofProbe } from '../../src/profiler/roofs';
import type { EngineInfo } from '../../src/report/schema';
import * as ort from 'onnxruntime-node';
import type { OrtModule } from '../../src/engine/onnxruntime';
import { ortRoofProbe } from '../../src/engine/onnxruntimeRoofs';

const info: EngineInfo = { name: 'cpu', backend: 'cpu', package: '@tensorflow/tfjs', version: '4.22.0', threads: 1, why: 'test', skipped: [] };

/** A probe whose kernels take a fixed time (or the next of a list of times) on a fake clock, counting its calls. */
function fakeProbe(ms: { matmul: number | number[]; conv: number; add: number }): RoofProbe & { calls: number; now: () => number } {
  let t = 0;
  let mm = 0;
  return {
    calls: 0,
    now: () => t,
    matmulN: 256,
    async matmul() { this.calls++; t += Array.isArray(ms.matmul) ? ms.matmul[mm++ % ms.matmul.length] : ms.matmul; },
    async pointwiseConv() { this.calls++; t += ms.conv; },
    async add() { this.calls++; t += ms.add; },
    dispose() {},
  };
}

/** One untimed call, then `reps` timed calls, whatever they take. */
const reps = (n: number): RoofBudget => ({ warmupMs: 0, sliceMs: 0, minReps: n, minMs: 0, maxMs: Infinity });

describe('roofs', () => {
  it('compute roof = the faster of matmul and 1x1 conv (2 x 256^3 and 2 x 64 x 256^2 FLOPs); bandwidth = 12 bytes per added value over the best call', async () => {
    const probe = fakeProbe({ matmul: 4, conv: 2, add: 20 });
    const r = await measureRoofs(probe, 'fake', reps(3), probe.now);
    expect(probe.calls).toBe(3 * 4); // warm-up + 3 timed calls of each kernel
    // matmul: 2 x 256^3 = 33.55 MFLOP in 4 ms = 8.39 GFLOP/s; conv: 2 x 64 x 256^2 = 8.39 MFLOP in 2 ms = 4.19.
    expect(r.computeGflops).toBeCloseTo((2 * 256 ** 3) / 4e6, 10);
    // add: 12 x 2^23 bytes (96 MiB: three times a 32 MiB L3) in 20 ms = 5.03 GB/s.
    expect(ADD_ELEMENTS).toBe(2 ** 23);
    expect(r.bandwidthGBs).toBeCloseTo((12 * ADD_ELEMENTS) / 20e6, 10);
    expect(r.computeMethod).toContain('256x256 matmul');
    expect(r.bandwidthMethod).toContain('2 x 32 MiB read, 32 MiB written = 100663296 bytes');
    expect(r.cached).toBe(false);
  });

  it('the best call counts: a call slowed by another process only loses', async () => {
    // matmul calls of 8, 4, 16 ms in turn: the 4 ms one gives the roof (2 x 256^3 FLOPs / 4 ms = 8.39 GFLOP/s).
    const probe = fakeProbe({ matmul: [8, 4, 16], conv: 100, add: 20 });
    const r = await measureRoofs(probe, 'fake', reps(5), probe.now);
    expect(r.computeGflops).toBeCloseTo((2 * 256 ** 3) / 4e6, 10);
    expect(r.computeMethod).toContain('best of 5');
  });

  it('runs the kernels in turns for the time budget: warm-up time each, then slices until every kernel has minReps calls and minMs passed, at most maxMs', async () => {
    // 4 ms calls: warm-up until 10 ms = 3 calls each; then rounds of one 4 ms slice per kernel (12 ms)
    // until 5 calls each and 30 ms: 5 rounds. 8 calls per kernel.
    let probe = fakeProbe({ matmul: 4, conv: 4, add: 4 });
    let r = await measureRoofs(probe, 'fake', { warmupMs: 10, sliceMs: 4, minReps: 5, minMs: 30, maxMs: 1000 }, probe.now);
    expect(probe.calls).toBe(3 * 8);
    expect(r.bandwidthMethod).toContain('best of 5 calls');
    // Slices of 10 ms: 3 matmul calls of 4 ms per slice, 1 add call of 50 ms; the add's 5 calls decide: 5 rounds, 15 matmul calls.
    probe = fakeProbe({ matmul: 4, conv: 4, add: 50 });
    r = await measureRoofs(probe, 'fake', { warmupMs: 0, sliceMs: 10, minReps: 5, minMs: 0, maxMs: 1000 }, probe.now);
    expect(r.computeMethod).toContain('matmul 8.4 GFLOP/s (best of 15)');
    expect(r.bandwidthMethod).toContain('best of 5 calls');
    // 50 ms calls and a 120 ms cap: 1 warm-up call each, then 3 rounds (the fewest), not the 20 asked for.
    probe = fakeProbe({ matmul: 50, conv: 50, add: 50 });
    r = await measureRoofs(probe, 'fake', { warmupMs: 0, sliceMs: 0, minReps: 20, minMs: 0, maxMs: 120 }, probe.now);
    expect(probe.calls).toBe(3 * 4);
    expect(r.bandwidthMethod).toContain('best of 3 calls');
  });

  it('are measured once per engine and machine, then read from the cache; a corrupt cache is measured again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roofs-'));
    const probe = fakeProbe({ matmul: 1, conv: 1, add: 1 });
    const first = await cachedRoofs(info, () => probe, { cacheDir: dir, now: probe.now });
    expect(first.roofs.cached).toBe(false);
    const calls = probe.calls;
    const second = await cachedRoofs(info, () => probe, { cacheDir: dir, now: probe.now });
    expect(probe.calls).toBe(calls);
    expect(second.roofs).toEqual({ ...first.roofs, cached: true });
    // Another engine (threads differ) is not a hit.
    const other = await cachedRoofs({ ...info, threads: 2 }, () => probe, { cacheDir: dir, now: probe.now });
    expect(other.roofs.cached).toBe(false);
    const file = JSON.parse(readFileSync(join(dir, 'roofs.json'), 'utf8'));
    expect(Object.keys(file)).toEqual([roofCacheKey(info), roofCacheKey({ ...info, threads: 2 })]);
    writeFileSync(join(dir, 'roofs.json'), '{ not json');
    expect((await cachedRoofs(info, () => probe, { cacheDir: dir, now: probe.now })).roofs.cached).toBe(false);
    expect((await cachedRoofs(info, () => probe, { cacheDir: dir, remeasure: true, now: probe.now })).roofs.cached).toBe(false);
  });

  it('a cache folder that cannot be written is a note, not an error', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'roofs-')), 'a-file');
    writeFileSync(file, 'x');
    const probe = fakeProbe({ matmul: 1, conv: 1, add: 1 });
    const r = await cachedRoofs(info, () => probe, { cacheDir: join(file, 'sub'), now: probe.now });
    expect(r.roofs.computeGflops).toBeGreaterThan(0);
    expect(r.note).toMatch(/roofs not cached in .*a-file/);
  });

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
