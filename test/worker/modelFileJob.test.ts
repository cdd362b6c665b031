import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJob } from '../../src/worker/job';
import type { FromWorker } from '../../src/worker/protocol';
import { WASM_DIR } from '../helpers/workerBundle';

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'models', name);

describe('profiling a model file on the default engine (correctness check, timing)', () => {
  it.each(['keras3-siamese.json', 'keras3-siamese.keras', 'keras2-sequential.json'])('%s is checked and timed on WASM', async (file) => {
    const events: FromWorker[] = [];
    const report = await runJob(
      { model: { kind: 'file', path: fixture(file) }, engine: 'wasm', searchPaths: [], threads: 1, warmupRuns: 1, runs: 2, batchSize: 1, timing: true, wasmDir: WASM_DIR },
      (e) => events.push(e),
    );
    expect(report.engine?.name).toBe('wasm');
    expect(report.engine?.correctness?.mismatches).toEqual([]);
    expect(report.engine?.correctness?.checkedKinds).toBeGreaterThan(0);
    const timed = report.layers.filter((l) => l.className !== 'InputLayer');
    expect(timed.every((l) => (l.timing?.medianMs ?? 0) > 0)).toBe(true);
    expect(events.filter((e) => e.type === 'pass')).toHaveLength(2);
  });
});
