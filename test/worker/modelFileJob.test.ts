// A model file through the worker, as "Analyze Model File..." runs it: the file job kind of the
// protocol, the importer in the worker (process and in-process runJob), timings on the worker's
// engine, the correctness check, errors named.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/worker/client';
import { runJob } from '../../src/worker/job';
import { parseToWorker, PROTOCOL_VERSION, type FromWorker } from '../../src/worker/protocol';
import { buildWorkerBundle, smallJob, WASM_DIR } from '../helpers/workerBundle';

const models = path.join(__dirname, '..', 'fixtures', 'models');
const fixture = (name: string): string => path.join(models, name);
const fileJob = (file: string, runs = 2) => smallJob(runs, { model: { kind: 'file', path: file } });

let workerPath: string;
beforeAll(async () => {
  workerPath = await buildWorkerBundle();
});

describe('model file jobs', () => {
  it('are valid start messages; an empty path is not', () => {
    const start = (model: unknown): unknown => ({ protocol: PROTOCOL_VERSION, type: 'start', job: { ...smallJob(1), model } });
    const valid = start({ kind: 'file', path: '/m/model.json' });
    expect(parseToWorker(valid)).toEqual(valid);
    expect(parseToWorker(start({ kind: 'file', path: '' }))).toBeUndefined();
    expect(parseToWorker(start({ kind: 'onnx', path: '/m/model.onnx' }))).toBeUndefined();
  });

  it('analyse then time a model file in the worker, with its weights loaded', async () => {
    const file = path.join(models, 'tiny-nested', 'model.json');
    const messages: FromWorker[] = [];
    const report = await startWorker(fileJob(file), { workerPath, onMessage: (m) => messages.push(m) }).result;
    const analysis = messages.find((m) => m.type === 'analysis') as Extract<FromWorker, { type: 'analysis' }>;
    expect(analysis.report.model.source).toBe(file);
    expect(report.model.name).toBe('tiny-nested');
    expect(report.totals.macs).toBe(14 * 14 * 4 * 27 + 17 * 15 * 4 * 2);
    expect(report.timing?.timedRuns).toBe(2);
    expect(report.layers.find((l) => l.name === 'backbone')!.timing!.medianMs).toBeGreaterThan(0);
    expect(report.diagnostics.map((d) => d.message)).toContain('weights: loaded 4 weights (2,154 values, 8.4 KiB) from the shard files');
  });

  it('time a model with a stand-in layer', async () => {
    const report = await startWorker(fileJob(path.join(models, 'unknown-layer.json')), { workerPath }).result;
    expect(report.layers.find((l) => l.name === 'x')!.timing!.runs).toBe(2);
  });

  it('fail on a bad file with the importer\'s named error (its time: npm run bench:latency)', async () => {
    const run = startWorker(fileJob(path.join(__dirname, '..', 'fixtures', 'bad', 'cycle.json')), { workerPath });
    await expect(run.result).rejects.toMatchObject({ name: 'ModelFileError', message: expect.stringContaining('cycle.json: layer "b" (ReLU), field "inbound_nodes"') as unknown });
  });
});

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
