import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/worker/client';
import type { FromWorker } from '../../src/worker/protocol';
import { parseFromWorker, parseToWorker, PROTOCOL_VERSION } from '../../src/worker/protocol';
import { buildWorkerBundle, smallJob as job } from '../helpers/workerBundle';

let workerPath: string;
beforeAll(async () => {
  workerPath = await buildWorkerBundle();
});

describe('profiling worker process', () => {
  it('streams progress, the engine, the static analysis first, each pass, then the result', async () => {
    const messages: FromWorker[] = [];
    const run = startWorker(job(2), { workerPath, onMessage: (m) => messages.push(m) });
    const report = await run.result;
    expect(await run.exited).toEqual({ code: 0, signal: null });
    const types = messages.map((m) => m.type);
    expect(types[0]).toBe('progress');
    expect(types.indexOf('engine')).toBeLessThan(types.indexOf('analysis'));
    expect(types.indexOf('analysis')).toBeLessThan(types.indexOf('pass'));
    expect(types.filter((t) => t === 'pass')).toHaveLength(2);
    expect(types.indexOf('result')).toBeGreaterThan(types.lastIndexOf('pass'));
    // Nothing that reads as progress after the result: the last message only flushes the channel.
    expect(types.slice(types.indexOf('result') + 1)).toEqual(['exiting']);
    const analysis = messages.find((m) => m.type === 'analysis') as Extract<FromWorker, { type: 'analysis' }>;
    expect(analysis.report.layers.every((l) => l.timing === undefined)).toBe(true);
    expect(report.engine?.name).toBe('wasm');
    expect(report.totals.layers).toBe(134);
    expect(report.timing?.timedRuns).toBe(2);
    expect(report.layers.find((l) => l.name === 'block4_sepconv2')!.timing!.medianMs).toBeGreaterThan(0);
  });

  it('is gone after a cancel, and the run rejects with AbortError (the time: npm run bench:latency)', async () => {
    const abort = new AbortController();
    const run = startWorker(job(1000), { workerPath, signal: abort.signal, onMessage: (m) => m.type === 'pass' && abort.abort() });
    await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
    await expect(run.result).rejects.toMatchObject({ name: 'AbortError' });
    expect(run.child.exitCode !== null || run.child.signalCode !== null).toBe(true);
  });

  it('says how the process ended when it is killed (kill -9) mid-run', async () => {
    const run = startWorker(job(1000), { workerPath, onMessage: (m) => m.type === 'pass' && run.child.kill('SIGKILL') });
    await expect(run.result).rejects.toThrow(/the profiling process was killed \(SIGKILL\) before sending a result/);
  });

  it('reports a bad job as an error from the worker', async () => {
    const bad = { ...job(1), model: { ...job(1).model, inputSize: 64 } };
    await expect(startWorker(bad, { workerPath }).result).rejects.toThrow(/at least 71/);
  });

  it.runIf(process.platform === 'linux')('starts the worker with glibc malloc returning freed activations (TIMING_PROCESS_ENV)', async () => {
    const run = startWorker({ ...job(1), model: { ...job(1).model, inputSize: 64 } }, { workerPath });
    const environ = readFileSync(`/proc/${run.child.pid}/environ`, 'utf8').split('\0');
    await run.result.catch(() => undefined);
    expect(environ).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    expect(environ).toContain('ELECTRON_RUN_AS_NODE=1');
  });
});

describe('protocol validation', () => {
  it('rejects malformed or foreign messages', () => {
    expect(parseFromWorker({ type: 'result' })).toBeUndefined();
    expect(parseFromWorker({ protocol: 99, type: 'progress', message: 'x' })).toBeUndefined();
    expect(parseFromWorker({ protocol: PROTOCOL_VERSION, type: 'progress', message: 'x' })).toEqual({ protocol: 1, type: 'progress', message: 'x' });
    expect(parseFromWorker({ protocol: PROTOCOL_VERSION, type: 'pass', run: '1', layerMs: {} })).toBeUndefined();
    expect(parseToWorker({ protocol: PROTOCOL_VERSION, type: 'start', job: { ...job(1), runs: 0 } })).toBeUndefined();
    const start = { protocol: PROTOCOL_VERSION, type: 'start', job: job(1) };
    expect(parseToWorker(start)).toEqual(start);
  });
});

describe('a worker whose parent goes away', () => {
  it('exits when its IPC channel closes, instead of profiling on', async () => {
    const run = startWorker(job(1000), { workerPath, onMessage: (m) => m.type === 'pass' && run.child.disconnect() });
    await expect(run.result).rejects.toThrow(/exited with code 1 before sending a result/);
    expect(run.child.exitCode).toBe(1);
  });
});
