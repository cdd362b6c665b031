// A TF.js graph model through the worker process, as "Analyze Model File..." runs it: the analysis
// (node groups with shapes from one run) is sent first, then the timed report.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/worker/client';
import { runJob } from '../../src/worker/job';
import type { FromWorker } from '../../src/worker/protocol';
import { buildWorkerBundle, smallJob } from '../helpers/workerBundle';

const emotion = path.join(__dirname, '..', 'fixtures', 'models', 'tfjs-graph', 'human-emotion', 'emotion.json');

let workerPath: string;
beforeAll(async () => {
  workerPath = await buildWorkerBundle();
});

describe('graph model jobs', () => {
  it('analyse then time a graph model per node group in the worker', async () => {
    const messages: FromWorker[] = [];
    const report = await startWorker(smallJob(2, { model: { kind: 'file', path: emotion } }), { workerPath, onMessage: (m) => messages.push(m) }).result;
    const analysis = messages.find((m) => m.type === 'analysis') as Extract<FromWorker, { type: 'analysis' }>;
    expect(analysis.report.totals.params.trainable).toBe(205_129);
    expect(analysis.report.totals.macs).toBe(report.totals.macs);
    expect(report.timing?.timedRuns).toBe(2);
    const conv = report.layers.find((l) => l.name === 'block1_conv2_act')!;
    expect(conv.timing!.runs).toBe(2);
    expect(conv.timing!.kernels.map((k) => k.name)).toEqual(['FusedConv2D']);
    expect(report.diagnostics.map((d) => d.message)).toContain('weights: loaded 23 stored weights from the shard files');
  });

  it('a live job on a graph model says live profiling stopped right after the result (the session would take the exit for a lost worker)', async () => {
    const events: FromWorker[] = [];
    const report = await runJob(smallJob(1, { model: { kind: 'file', path: emotion }, live: { intervalMs: 0 } }), (e) => events.push(e));
    expect(report.diagnostics.map((d) => d.message)).toContain('live profiling: layers models only; this graph model was timed once');
    expect(events.slice(-2).map((e) => e.type)).toEqual(['result', 'live']);
    expect(events.at(-1)).toMatchObject({ type: 'live', state: 'stopped', runs: 0, unsupported: true });
  });
});
