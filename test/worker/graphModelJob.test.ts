// A TF.js graph model through the worker process, as "Analyze Model File..." runs it: the analysis
// (node groups with shapes from one run) is sent first, then the timed report.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/worker/client';
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
});
