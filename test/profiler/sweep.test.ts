import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze';
import { macTracking, parseSweep, plateauBatch, runSweep, summarizeSweep, sweepPoint, type SweepContext } from '../../src/profiler/sweep';
import type { ArchitectureReport, SweepPoint } from '../../src/report/schema';

// Hand-made reports and points; Xception profiled at two batch sizes is in sweepXception.test.ts.

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

  it('parses with spaces around the axis, the sign and the values; refuses text before or after', () => {
    expect(parseSweep('  batch =  2 , 1,', 71)).toEqual({ axis: 'batch', values: [1, 2] });
    expect(() => parseSweep('xbatch=1,2', 71)).toThrow('--sweep expects');
    expect(() => parseSweep('batch=1,2x', 71)).toThrow('--sweep expects');
    expect(() => parseSweep('batch?=1,2', 71)).toThrow('--sweep expects');
    expect(() => parseSweep('a batch=1,2', 71)).toThrow('--sweep expects');
    expect(() => parseSweep('batch x=1,2', 71)).toThrow('--sweep expects');
  });

  it('finds nothing where time per image keeps falling; ms under 100 with one decimal, n/a when not timed', () => {
    // per image: 100 ms, then 12.5 ms (batch 4 in 50 ms).
    const s = summarizeSweep('batch', 'test', { warmupRuns: 0, timedRuns: 1 }, [batchPoint(1, 100), batchPoint(4, 50)]);
    expect(s).toMatchObject({ axis: 'batch', engine: 'test', warmupRuns: 0, timedRuns: 1, plateauBatch: null });
    expect(s.findings).toEqual([
      'Time per image keeps falling up to batch 4: 100 ms at batch 1, 12.5 ms at batch 4.',
      'Highest throughput 80.00 images/s at batch 4; latency of one batch grows from 100 ms to 50.0 ms.',
    ]);
    const untimed: SweepPoint = { ...batchPoint(2, 1), latencyMs: null, msPerImage: null, imagesPerSecond: null };
    expect(plateauBatch([untimed, batchPoint(4, 100)])).toBeNull();
    expect(plateauBatch([batchPoint(1, 100), untimed])).toBeNull();
    expect(summarizeSweep('batch', 'test', { warmupRuns: 0, timedRuns: 1 }, [batchPoint(1, 100), untimed]).findings).toEqual([
      'Time per image keeps falling up to batch 2: 100 ms at batch 1, n/a at batch 2.',
      'Highest throughput 10.00 images/s at batch 1; latency of one batch grows from 100 ms to n/a.',
    ]);
    expect(summarizeSweep('batch', 'test', { warmupRuns: 0, timedRuns: 1 }, [untimed, { ...untimed, batchSize: 4 }]).findings[1]).toBe(
      'Highest throughput n/a images/s at batch 2; latency of one batch grows from n/a to n/a.',
    );
  });

  it('exactly 5 % faster per image still counts as falling; the highest throughput is the first of equals, never a slower later batch', () => {
    // per image 100 -> 95: exactly 5 % lower.
    expect(plateauBatch([batchPoint(1, 100), batchPoint(2, 190)])).toBeNull();
    expect(plateauBatch([batchPoint(1, 100), batchPoint(2, 190.2)])).toBe(1);
    // 10 images/s at batch 1 and at batch 2; 5 at batch 4.
    const s = summarizeSweep('batch', 'test', { warmupRuns: 0, timedRuns: 1 }, [batchPoint(1, 100), batchPoint(2, 200), batchPoint(4, 800)]);
    expect(s.findings[1]).toBe('Highest throughput 10.00 images/s at batch 1; latency of one batch grows from 100 ms to 800 ms.');
  });

  it('MAC tracking leaves out a group missing at the largest input or without MACs; a time ratio needs both times and a first above 0', () => {
    const g = (macs: number, ms: number | null) => ({ macs, ms });
    const point = (inputSize: number, latencyMs: number | null, groups: SweepPoint['groups']): SweepPoint => ({
      batchSize: 1, inputSize, latencyMs, msPerImage: latencyMs, imagesPerSecond: null, macs: 100 * inputSize, groups,
    });
    const rows = macTracking([
      point(10, null, { gone: g(5, 1), none: g(0, 1), untimedFirst: g(4, null), untimedLast: g(4, 1), zero: g(4, 0), timed: g(2, 2) }),
      point(40, 30, { none: g(9, 9), untimedFirst: g(8, 3), untimedLast: g(64, null), zero: g(8, 5), timed: g(40, 4) }),
    ]);
    expect(rows).toEqual([
      { group: 'untimedFirst', macRatio: 2, timeRatio: null, tracking: null },
      { group: 'untimedLast', macRatio: 16, timeRatio: null, tracking: null },
      { group: 'zero', macRatio: 2, timeRatio: null, tracking: null },
      { group: 'timed', macRatio: 20, timeRatio: 2, tracking: 0.1 },
      { group: 'whole model', macRatio: 4, timeRatio: null, tracking: null },
    ]);
    const s = summarizeSweep('input', 'test', { warmupRuns: 0, timedRuns: 1 }, [point(10, 10, { timed: g(2, 2) }), point(40, 30, { timed: g(40, 4) })]);
    expect(s.macTracking).toEqual([rows[3], { group: 'whole model', macRatio: 4, timeRatio: 3, tracking: 0.75 }]);
    expect(s.plateauBatch).toBeUndefined();
    expect(s.findings).toEqual([
      'From 10x10 to 40x40 input (time growth / MAC growth; 1.00 = time proportional to MACs):',
      'timed: MACs 20.0x, time 2.00x (0.10 of proportional)',
      'whole model: MACs 4.00x, time 3.00x (0.75 of proportional)',
    ]);
    const untimed = summarizeSweep('input', 'test', { warmupRuns: 0, timedRuns: 1 }, [point(10, null, {}), point(30, 10, {})]);
    expect(untimed.findings[1]).toBe('whole model: MACs 3.00x, time n/a');
    // Ratios of 10 and more get one decimal: 10 exactly is "10.0x".
    const tenfold = summarizeSweep('input', 'test', { warmupRuns: 0, timedRuns: 1 }, [point(10, 10, {}), point(100, 20, {})]);
    expect(tenfold.findings[1]).toBe('whole model: MACs 10.0x, time 2.00x (0.20 of proportional)');
  });
});

/** A hand-made report: layers of two flows, batch and plain-predict median given. */
function report(layers: { name: string; className: string; flow: string; macs: number; medianMs?: number | null }[], timing?: { batchSize: number; predictMedianMs: number | null }): ArchitectureReport {
  return {
    layers: layers.map((l) => ({ ...l, timing: l.medianMs === undefined ? undefined : { medianMs: l.medianMs } })),
    flows: [{ name: 'entry' }, { name: 'exit' }],
    totals: { macs: layers.reduce((a, l) => a + l.macs, 0) },
    timing,
  } as unknown as ArchitectureReport;
}

describe('sweepPoint, by hand', () => {
  it('per flow and per conv kind: MACs x batch and the summed valid medians (null when none is valid)', () => {
    const r = report(
      [
        { name: 'c1', className: 'Conv2D', flow: 'entry', macs: 100, medianMs: 3 },
        { name: 's1', className: 'SeparableConv2D', flow: 'entry', macs: 50, medianMs: 2 },
        { name: 'd', className: 'Dense', flow: 'entry', macs: 10, medianMs: NaN },
        { name: 's2', className: 'SeparableConv2D', flow: 'exit', macs: 30, medianMs: null },
        { name: 'r', className: 'ReLU', flow: 'exit', macs: 0 },
      ],
      { batchSize: 2, predictMedianMs: 8 },
    );
    expect(sweepPoint(r, 71)).toEqual({
      batchSize: 2,
      inputSize: 71,
      latencyMs: 8,
      msPerImage: 4,
      imagesPerSecond: 250,
      macs: 380,
      groups: {
        entry: { macs: 320, ms: 5 },
        exit: { macs: 60, ms: null },
        'separable convs': { macs: 160, ms: 2 },
        'regular convs': { macs: 200, ms: 3 },
      },
    });
  });

  it('without timing: batch 1 and no latency; a latency of 0 gives no throughput', () => {
    const layers = [{ name: 'c', className: 'Conv2D', flow: 'entry', macs: 7 }];
    expect(sweepPoint(report(layers), 99)).toMatchObject({ batchSize: 1, inputSize: 99, latencyMs: null, msPerImage: null, imagesPerSecond: null, macs: 7 });
    expect(sweepPoint(report(layers, { batchSize: 4, predictMedianMs: 0 }), 99)).toMatchObject({ latencyMs: 0, msPerImage: 0, imagesPerSecond: null, macs: 28 });
  });
});

describe('runSweep with a given profile function', () => {
  /** A context whose models are stand-ins and whose profile makes a report of the batch asked for. */
  function context(axis: 'batch' | 'input') {
    const built: { size: number; disposed: boolean }[] = [];
    const jobModel = { disposed: false, dispose() { this.disposed = true; } };
    const calls: string[] = [];
    const ctx: SweepContext = {
      tf,
      engine: 'fake x1',
      batchSize: 3,
      inputSize: 71,
      model: jobModel as unknown as tf.LayersModel,
      analyze: () => { throw new Error('not used'); },
      buildAtInputSize: (size) => {
        const m = { size, disposed: false, dispose() { this.disposed = true; } };
        built.push(m);
        return m as unknown as tf.LayersModel;
      },
      profile: async (model, batchSize, runs) => {
        calls.push(`${(model as unknown as { size?: number }).size ?? 'job'} b${batchSize} r${runs.runs} w${runs.warmupRuns}`);
        const size = (model as unknown as { size?: number }).size ?? 71;
        return report([{ name: 'c', className: 'Conv2D', flow: 'entry', macs: size, medianMs: 1 }], { batchSize, predictMedianMs: 10 * batchSize });
      },
      onPoint: (i, n, label) => calls.push(`point ${i + 1}/${n}: ${label}`),
    };
    return { ctx, built, jobModel, calls, axis };
  }

  it('a batch sweep profiles the job model at each batch, at the job input size, and keeps it', async () => {
    const { ctx, built, jobModel, calls } = context('batch');
    const sweep = await runSweep({ axis: 'batch', values: [1, 2], runs: 3, warmupRuns: 1 }, ctx);
    expect(calls).toEqual(['point 1/2: batch 1, input 71x71', 'job b1 r3 w1', 'point 2/2: batch 2, input 71x71', 'job b2 r3 w1']);
    expect(built).toEqual([]);
    expect(jobModel.disposed).toBe(false);
    expect(sweep).toMatchObject({ axis: 'batch', engine: 'fake x1', warmupRuns: 1, timedRuns: 3, plateauBatch: 1 });
    expect(sweep.points.map((p) => [p.batchSize, p.inputSize, p.macs])).toEqual([[1, 71, 71], [2, 71, 142]]);
  });

  it('an input sweep builds each size at the job batch and disposes it, also when profiling fails', async () => {
    const { ctx, built, jobModel, calls } = context('input');
    const sweep = await runSweep({ axis: 'input', values: [71, 150], runs: 1, warmupRuns: 0 }, ctx);
    expect(calls).toEqual(['point 1/2: batch 3, input 71x71', '71 b3 r1 w0', 'point 2/2: batch 3, input 150x150', '150 b3 r1 w0']);
    expect(built).toEqual([{ size: 71, disposed: true, dispose: expect.any(Function) }, { size: 150, disposed: true, dispose: expect.any(Function) }]);
    expect(jobModel.disposed).toBe(false);
    expect(sweep.points.map((p) => [p.batchSize, p.inputSize, p.macs])).toEqual([[3, 71, 213], [3, 150, 450]]);
    const entry = sweep.macTracking![0];
    expect([entry.group, entry.timeRatio]).toEqual(['entry', 1]);
    expect(entry.macRatio).toBeCloseTo(150 / 71, 12);
    expect(entry.tracking).toBeCloseTo(71 / 150, 12);
    ctx.profile = () => Promise.reject(new Error('out of memory'));
    await expect(runSweep({ axis: 'input', values: [80, 90], runs: 1, warmupRuns: 0 }, ctx)).rejects.toThrow('out of memory');
    expect(built.slice(2).map((m) => [m.size, m.disposed])).toEqual([[80, true]]);
  });

  it("without a profile function: TF.js's profileModel on the job's engine, with its settings and signal", async () => {
    await tf.setBackend('cpu');
    const x = tf.input({ shape: [4] });
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2, name: 'd' }).apply(x) as tf.SymbolicTensor });
    const ctx: SweepContext = {
      tf, engine: 'cpu x1', batchSize: 1, inputSize: 71, model, analyze: (m) => analyzeModel(m),
      buildAtInputSize: () => { throw new Error('not used'); },
    };
    const sweep = await runSweep({ axis: 'batch', values: [1, 3], runs: 2, warmupRuns: 0 }, ctx);
    // Dense 4 -> 2: 8 MACs per image.
    expect(sweep.points.map((p) => [p.batchSize, p.macs])).toEqual([[1, 8], [3, 24]]);
    expect(sweep.points.every((p) => p.latencyMs! > 0)).toBe(true);
    const aborted = new AbortController();
    aborted.abort();
    await expect(runSweep({ axis: 'batch', values: [1, 2], runs: 1, warmupRuns: 0 }, { ...ctx, signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
    model.dispose();
  });
});
