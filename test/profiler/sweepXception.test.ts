import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { parseCsv } from '../../src/exporters/csv';
import { sweepToCsv } from '../../src/exporters/sweepCsv';
import { initWasmBackend } from '../../src/engine/wasmSetup';
import { buildXception } from '../../src/model/xception';
import { runSweep } from '../../src/profiler/sweep';

// Xception profiled at two batch sizes (seconds a run): a heavy suite of the mutation run
// (vitest.mutation.config.mts); sweep.test.ts checks sweep.ts on hand-made reports.
describe('scaling sweep of Xception 71x71 on WASM', () => {
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
