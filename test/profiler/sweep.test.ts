import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { parseCsv } from '../../src/exporters/csv';
import { sweepToCsv } from '../../src/exporters/sweepCsv';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { buildXception } from '../../src/model/xception';
import { macTracking, parseSweep, plateauBatch, runSweep, summarizeSweep } from '../../src/profiler/sweep';
import type { SweepPoint } from '../../src/report/schema';

/** A batch point with a given latency (per-image MACs 1e9). */
function batchPoint(batchSize: number, latencyMs: number): SweepPoint {
  return { batchSize, inputSize: 71, latencyMs, msPerImage: latencyMs / batchSize, imagesPerSecond: (1000 * batchSize) / latencyMs, macs: 1e9 * batchSize, groups: {} };
}

describe('scaling sweep', () => {
  it('parses batch=... and input=... and names what is wrong', () => {
    expect(parseSweep('batch=8,1,2,4', 71)).toEqual({ axis: 'batch', values: [1, 2, 4, 8] });
    expect(parseSweep('input=71, 150,224,299', 71)).toEqual({ axis: 'input', values: [71, 150, 224, 299] });
    expect(() => parseSweep('input=70,150', 71)).toThrow('--sweep input: 70 is not an integer >= 71');
    expect(() => parseSweep('batch=0,2', 71)).toThrow('0 is not an integer >= 1');
    expect(() => parseSweep('batch=2', 71)).toThrow('at least two values');
    expect(() => parseSweep('batch=2,2', 71)).toThrow('repeated');
    expect(() => parseSweep('threads=1,2', 71)).toThrow('batch=N,N,... or input=N,N,...');
  });

  it('a plateau at the first batch names each point once (per image 545 ms at batch 1, 686 ms at batch 2: slower)', () => {
    const s = summarizeSweep('batch', 'test', { warmupRuns: 1, timedRuns: 3 }, [batchPoint(1, 545), batchPoint(2, 1372)]);
    expect(s.plateauBatch).toBe(1);
    expect(s.findings[0]).toBe('Time per image stops falling at batch 1: 545 ms at batch 1, 686 ms at batch 2 (less than 5 % lower).');
  });

  it('time per image stops falling at the first batch whose next step is not 5 % faster per image', () => {
    // per image: 400, 300 (-25 %), 290 (-3.3 %: stops at 2), 200
    const points = [batchPoint(1, 400), batchPoint(2, 600), batchPoint(4, 1160), batchPoint(8, 1600)];
    expect(plateauBatch(points)).toBe(2);
    expect(plateauBatch([batchPoint(1, 400), batchPoint(2, 700)])).toBeNull(); // 350: still falling
    const s = summarizeSweep('batch', 'test', { warmupRuns: 1, timedRuns: 3 }, points);
    expect(s.plateauBatch).toBe(2);
    expect(s.findings[0]).toBe('Time per image stops falling at batch 2: 400 ms at batch 1, 300 ms at batch 2, 290 ms at batch 4 (less than 5 % lower).');
    expect(s.findings[1]).toBe('Highest throughput 5.00 images/s at batch 8; latency of one batch grows from 400 ms to 1600 ms.');
  });

  it('input sweep: time growth over MAC growth per group, 1 = proportional', () => {
    const p = (inputSize: number, macs: number, ms: number, sepMs: number): SweepPoint => ({
      batchSize: 1, inputSize, latencyMs: ms, msPerImage: ms, imagesPerSecond: 1000 / ms, macs,
      groups: { entry: { macs: macs / 2, ms: ms / 2 }, 'separable convs': { macs: macs / 4, ms: sepMs } },
    });
    const rows = macTracking([p(71, 1e9, 100, 10), p(299, 8e9, 400, 80)]);
    expect(rows).toEqual([
      { group: 'entry', macRatio: 8, timeRatio: 4, tracking: 0.5 },
      { group: 'separable convs', macRatio: 8, timeRatio: 8, tracking: 1 },
      { group: 'whole model', macRatio: 8, timeRatio: 4, tracking: 0.5 },
    ]);
    const s = summarizeSweep('input', 'test', { warmupRuns: 1, timedRuns: 3 }, [p(71, 1e9, 100, 10), p(299, 8e9, 400, 80)]);
    expect(s.findings).toContain('separable convs: MACs 8.00x, time 8.00x (1.00 of proportional)');
  });

  it('runs each batch on the same model and engine; CSV has one row per point', async () => {
    await initWasmBackend(tf, { threads: 1 });
    const model = buildXception(tf, { inputSize: 71, includeTop: false });
    const before = tf.memory().numTensors;
    try {
      const sweep = await runSweep({ axis: 'batch', values: [1, 2], runs: 1, warmupRuns: 0 }, {
        tf, engine: 'wasm x1', batchSize: 1, inputSize: 71, model, analyze: (m) => analyzeModel(m),
        buildAtInputSize: () => { throw new Error('not used'); },
      });
      expect(sweep.points.map((p) => [p.batchSize, p.inputSize, p.macs])).toEqual([[1, 71, 553174824 - 2048000], [2, 71, 2 * (553174824 - 2048000)]]); // Xception-71 without the 2048x1000 Dense head
      for (const p of sweep.points) {
        expect(p.latencyMs).toBeGreaterThan(0);
        expect(p.imagesPerSecond).toBeCloseTo((1000 * p.batchSize) / p.latencyMs!, 10);
        expect(Object.keys(p.groups)).toEqual(['entry', 'middle', 'exit', 'separable convs', 'regular convs']);
        expect(p.groups['separable convs'].ms).toBeGreaterThan(0);
      }
      expect(tf.memory().numTensors).toBe(before);
      const csv = parseCsv(sweepToCsv(sweep));
      expect(csv[0].slice(0, 7)).toEqual(['axis', 'batch_size', 'input_size', 'latency_ms', 'ms_per_image', 'images_per_s', 'macs']);
      expect(csv[0]).toContain('separable_convs_ms');
      expect(csv.slice(1).map((r) => r.slice(0, 3))).toEqual([['batch', '1', '71'], ['batch', '2', '71']]);
    } finally {
      model.dispose();
    }
  }, 120_000);
});
