import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, homedir, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADD_ELEMENTS, cachedRoofs, defaultRoofCacheDir, engineLabel, measureRoofs, roofCacheKey, tfRoofProbe, withRoofs, type RoofBudget, type RoofProbe } from '../../src/profiler/roofs';
import type { ArchitectureReport, EngineInfo } from '../../src/report/schema';

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

  it('TF.js probe, at small sizes: each call runs its kernel once, holds its constant inputs once, and frees the rest', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const probe = tfRoofProbe(tf);
    expect(probe.matmulN).toBe(256); // the plain-JS engine gets the small matmul
    expect(tfRoofProbe({ ...tf, getBackend: () => 'wasm' } as typeof tf).matmulN).toBe(512);
    const kernelsOf = async (call: () => Promise<void>) => (await tf.profile(call)).kernels.map((k) => k.name);
    // Each call: the kernel, then one value read back (reshape + slice); the inputs are filled on first use.
    expect(await kernelsOf(() => probe.matmul(8))).toEqual(['Fill', 'Fill', 'BatchMatMul', 'Reshape', 'Slice']);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(await kernelsOf(() => probe.matmul(8))).toEqual(['BatchMatMul', 'Reshape', 'Slice']);
    // 1x1 conv of [1, 2, 2, 64] by [1, 1, 64, 64] (s = 64 / 32).
    const conv = await tf.profile(() => probe.pointwiseConv(64));
    expect(conv.kernels.map((k) => [k.name, k.inputShapes])).toContainEqual(['Conv2D', [[1, 2, 2, 64], [1, 1, 64, 64]]]);
    const add = await tf.profile(() => probe.add(16));
    expect(add.kernels.map((k) => [k.name, k.inputShapes])).toContainEqual(['Add', [[16], [16]]]);
    expect(tf.memory().numTensors).toBe(before + 6);
    probe.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Disposed inputs are forgotten: a later call fills new ones.
    expect(await kernelsOf(() => probe.matmul(8))).toEqual(['Fill', 'Fill', 'BatchMatMul', 'Reshape', 'Slice']);
    probe.dispose();
  });

  it('engine label: name, threads, then SIMD and GPU when present', () => {
    expect(engineLabel(info)).toBe('cpu x1');
    expect(engineLabel({ ...info, name: 'wasm', threads: 2, simd: true })).toBe('wasm x2 SIMD');
    expect(engineLabel({ ...info, name: 'tensorflow-gpu', simd: false, gpu: true })).toBe('tensorflow-gpu x1 GPU');
  });

  it('names its method in full: sizes, FLOPs, bytes per value (12, or what the probe says) and each kernel best of how many calls', async () => {
    const probe = { ...fakeProbe({ matmul: 2, conv: 1, add: 8 }), addBytesPerElement: 16 };
    const r = await measureRoofs(probe, 'fake x1', reps(3), probe.now);
    expect(r.engine).toBe('fake x1');
    // conv: 2 x 8 x 8 x 256^2 = 8.39 MFLOP in 1 ms = 8.4 GFLOP/s; matmul 33.55 MFLOP in 2 ms = 16.8: the higher.
    expect(r.computeGflops).toBeCloseTo((2 * 256 ** 3) / 2e6, 10);
    expect(r.computeMethod).toBe(
      'best call after a warm-up: 256x256 matmul 16.8 GFLOP/s (best of 3), 1x1 conv [1,8,8,256] x [1,1,256,256] 8.4 GFLOP/s (2 x 64 x 256^2 FLOPs, best of 3); the higher counts',
    );
    expect(r.bandwidthGBs).toBeCloseTo((16 * ADD_ELEMENTS) / 8e6, 10);
    expect(r.bandwidthMethod).toBe(`best of 3 calls after a warm-up: element-wise add of 8388608 float32 values (16 bytes per value = ${16 * ADD_ELEMENTS} bytes)`);
    expect(Date.now() - Date.parse(r.measuredAt)).toBeLessThan(60_000);
    // The conv is the faster kernel: it gives the compute roof.
    const convFaster = fakeProbe({ matmul: 8, conv: 1, add: 8 });
    expect((await measureRoofs(convFaster, 'fake', reps(3), convFaster.now)).computeGflops).toBeCloseTo((2 * 64 * 256 ** 2) / 1e6, 10);
  });

  it('frees the probe even when a kernel throws', async () => {
    let disposed = 0;
    const probe: RoofProbe = { matmulN: 64, matmul: () => Promise.reject(new Error('out of memory')), pointwiseConv: async () => {}, add: async () => {}, dispose: () => disposed++ };
    await expect(measureRoofs(probe, 'x', reps(1), () => 0)).rejects.toThrow('out of memory');
    expect(disposed).toBe(1);
  });

  it('cache key: the method, each engine field and the machine; cache folder from XDG_CACHE_HOME, else ~/.cache', () => {
    const key = roofCacheKey({ ...info, simd: true }).split('|');
    expect(key.slice(0, 8)).toEqual(['method=3', 'cpu', 'cpu', '@tensorflow/tfjs', '4.22.0', 'threads=1', 'simd=true', 'gpu=-']);
    expect(key.slice(8)).toEqual([cpus()[0]?.model ?? 'cpu', `${cpus().length} cpus`, `${totalmem()} B`, hostname()]);
    expect(roofCacheKey(info).split('|')[6]).toBe('simd=-');
    expect(roofCacheKey({ ...info, gpu: false }).split('|')[7]).toBe('gpu=false');
    const saved = process.env.XDG_CACHE_HOME;
    try {
      process.env.XDG_CACHE_HOME = '/some/cache';
      expect(defaultRoofCacheDir()).toBe('/some/cache/xception-profiler');
      process.env.XDG_CACHE_HOME = '';
      expect(defaultRoofCacheDir()).toBe(join(homedir(), '.cache', 'xception-profiler'));
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });

  it('a cached entry that is not a pair of positive finite roofs, or a cache that is not an object, is measured again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roofs-'));
    const probe = fakeProbe({ matmul: 1, conv: 1, add: 1 });
    const good = { engine: 'cpu x1', computeGflops: 5, bandwidthGBs: 2, computeMethod: 'm', bandwidthMethod: 'b', measuredAt: 'then', cached: false };
    const cachedWith = async (entry: unknown) => {
      writeFileSync(join(dir, 'roofs.json'), JSON.stringify({ [roofCacheKey(info)]: entry }));
      return (await cachedRoofs(info, () => probe, { cacheDir: dir, now: probe.now })).roofs;
    };
    expect(await cachedWith(good)).toEqual({ ...good, cached: true });
    for (const bad of [{ ...good, computeGflops: 0 }, { ...good, bandwidthGBs: 0 }, { ...good, computeGflops: Infinity }, { ...good, bandwidthGBs: Infinity }, null]) {
      expect((await cachedWith(bad)).cached).toBe(false);
    }
    for (const notObject of ['null', '7']) {
      writeFileSync(join(dir, 'roofs.json'), notObject);
      expect((await cachedRoofs(info, () => probe, { cacheDir: dir, now: probe.now })).roofs.cached).toBe(false);
      // The measurement was written over it, next to nothing else.
      expect(Object.keys(JSON.parse(readFileSync(join(dir, 'roofs.json'), 'utf8')))).toEqual([roofCacheKey(info)]);
    }
  });

  it('withRoofs: the roofline batch kept, else the timed batch, else 1', () => {
    const roofs = { engine: 'cpu x1', computeGflops: 5, bandwidthGBs: 2, computeMethod: 'm', bandwidthMethod: 'b', measuredAt: 'then', cached: false };
    const report = { layers: [] } as unknown as ArchitectureReport;
    expect(withRoofs(report, roofs).roofline).toEqual({ batch: 1, roofs });
    expect(withRoofs({ ...report, timing: { batchSize: 4 } } as ArchitectureReport, roofs).roofline).toEqual({ batch: 4, roofs });
    expect(withRoofs({ ...report, timing: { batchSize: 4 }, roofline: { batch: 8 } } as ArchitectureReport, roofs).roofline).toEqual({ batch: 8, roofs });
    expect(withRoofs(report, roofs).layers).toBe(report.layers);
  });

  it('the TF.js probe keeps one set of inputs per size: a second size gets its own', async () => {
    await tf.setBackend('cpu');
    const probe = tfRoofProbe(tf);
    const shapesOf = async (call: () => Promise<void>, kernel: string) => (await tf.profile(call)).kernels.find((k) => k.name === kernel)!.inputShapes;
    expect(await shapesOf(() => probe.matmul(8), 'BatchMatMul')).toEqual([[8, 8], [8, 8]]);
    expect(await shapesOf(() => probe.matmul(16), 'BatchMatMul')).toEqual([[16, 16], [16, 16]]);
    expect(await shapesOf(() => probe.pointwiseConv(64), 'Conv2D')).toEqual([[1, 2, 2, 64], [1, 1, 64, 64]]);
    expect(await shapesOf(() => probe.pointwiseConv(32), 'Conv2D')).toEqual([[1, 1, 1, 32], [1, 1, 32, 32]]);
    expect(await shapesOf(() => probe.add(16), 'Add')).toEqual([[16], [16]]);
    expect(await shapesOf(() => probe.add(8), 'Add')).toEqual([[8], [8]]);
    probe.dispose();
  });

  it('budget edges: warm-up until warmupMs has passed (not beyond), then rounds until exactly minMs or maxMs', async () => {
    // 4 ms calls, warmupMs 8: calls end at 4 and 8, so 2 warm-up calls each (a third if 8 < 8 were true).
    let probe = fakeProbe({ matmul: 4, conv: 4, add: 4 });
    await measureRoofs(probe, 'fake', { warmupMs: 8, sliceMs: 0, minReps: 1, minMs: 0, maxMs: Infinity }, probe.now);
    expect(probe.calls).toBe(3 * (2 + 1));
    // Rounds of 12 ms (3 kernels x 4 ms) after 12 ms of warm-up: minMs 24 ends at exactly 2 rounds.
    probe = fakeProbe({ matmul: 4, conv: 4, add: 4 });
    let r = await measureRoofs(probe, 'fake', { warmupMs: 0, sliceMs: 0, minReps: 1, minMs: 24, maxMs: Infinity }, probe.now);
    expect(r.bandwidthMethod).toContain('best of 2 calls');
    // maxMs 36 with minReps out of reach: exactly 3 rounds.
    probe = fakeProbe({ matmul: 4, conv: 4, add: 4 });
    r = await measureRoofs(probe, 'fake', { warmupMs: 0, sliceMs: 0, minReps: 20, minMs: 0, maxMs: 36 }, probe.now);
    expect(r.bandwidthMethod).toContain('best of 3 calls');
  });
});
