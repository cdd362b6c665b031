import { beforeAll, describe, expect, it } from 'vitest';
import { reportToTrace, type TraceEvent, type TraceFile } from '../../src/exporters/trace';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from '../extension/fixtures';

/**
 * Checks a trace against the Trace Event Format (JSON Object Format): every event has a string
 * `name` and `ph`, numeric `ts`, integer `pid` and `tid`; complete events (`X`) have `dur >= 0`;
 * metadata events (`M`) name processes and threads with `args.name`; and on each thread, complete
 * events nest properly (an event that starts inside another ends inside it). Times are compared
 * in integer nanoseconds. Returns the problems found.
 */
function validateTrace(file: unknown): string[] {
  const problems: string[] = [];
  const f = file as Partial<TraceFile>;
  if (!Array.isArray(f.traceEvents)) return ['traceEvents is not an array'];
  if (f.displayTimeUnit !== undefined && f.displayTimeUnit !== 'ms' && f.displayTimeUnit !== 'ns') problems.push('bad displayTimeUnit');
  const byThread = new Map<string, TraceEvent[]>();
  f.traceEvents.forEach((e, i) => {
    const where = `event ${i} (${e.name})`;
    if (typeof e.name !== 'string' || e.name === '') problems.push(`${where}: name`);
    if (typeof e.ph !== 'string') problems.push(`${where}: ph`);
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) problems.push(`${where}: ts`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) problems.push(`${where}: pid/tid`);
    if (e.ph === 'X') {
      if (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0) problems.push(`${where}: dur`);
      const key = `${e.pid}/${e.tid}`;
      byThread.set(key, [...(byThread.get(key) ?? []), e]);
    } else if (e.ph === 'M') {
      if (['process_name', 'thread_name'].includes(e.name) && typeof (e.args as { name?: unknown }).name !== 'string') problems.push(`${where}: args.name`);
    } else {
      problems.push(`${where}: unexpected phase ${e.ph}`);
    }
  });
  const ns = (us: number): number => Math.round(us * 1000);
  for (const events of byThread.values()) {
    const sorted = [...events].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: TraceEvent[] = [];
    for (const e of sorted) {
      // Close the events that ended before this one starts (one starting with it is its child).
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (ns(top.ts + top.dur!) <= ns(e.ts) && ns(top.ts) !== ns(e.ts)) stack.pop();
        else break;
      }
      const parent = stack[stack.length - 1];
      if (parent && ns(e.ts + e.dur!) > ns(parent.ts + parent.dur!)) problems.push(`${e.name} [${e.ts}, +${e.dur}] overlaps ${parent.name} [${parent.ts}, +${parent.dur}] without nesting`);
      stack.push(e);
    }
  }
  return problems;
}

let report: ArchitectureReport;
let trace: TraceFile;
beforeAll(async () => {
  report = withTimings(await xceptionReport());
  trace = reportToTrace(report);
});

const complete = (cat: string): TraceEvent[] => trace.traceEvents.filter((e) => e.ph === 'X' && e.cat.split(',')[0] === cat);

describe('reportToTrace', () => {
  it('produces a valid trace event file that survives JSON', () => {
    expect(validateTrace(trace)).toEqual([]);
    const parsed = JSON.parse(JSON.stringify(trace)) as TraceFile;
    expect(parsed).toEqual(trace);
    expect(trace.displayTimeUnit).toBe('ms');
  });

  it('has one run, one event per layer and one per kernel', () => {
    expect(complete('run')).toHaveLength(1);
    expect(complete('layer')).toHaveLength(134);
    // Synthetic kernels: 2 per SeparableConv2D (34 of them), none for the input, 1 for the other 99 layers.
    expect(complete('kernel')).toHaveLength(34 * 2 + 99);
  });

  it('lays the layers back to back in execution order, in microseconds', () => {
    const layers = complete('layer');
    expect(layers.map((e) => e.name)).toEqual(report.layers.map((l) => l.name));
    expect(layers[0].ts).toBe(0);
    for (let i = 1; i < layers.length; i++) expect(Math.round(layers[i].ts * 1000)).toBe(Math.round((layers[i - 1].ts + layers[i - 1].dur!) * 1000));
    // block4_sepconv2: 734,517,784 MACs -> synthetic median 7.34517784 ms = 7345.178 us (ns precision).
    const sep = layers.find((e) => e.name === 'block4_sepconv2')!;
    expect(sep.dur).toBeCloseTo(7345.178, 6);
    expect(sep.args).toMatchObject({ class: 'SeparableConv2D', outputShape: '(None, 37, 37, 728)', inputShapes: ['(None, 37, 37, 728)'], macs: 734517784, flops: 1469035568, medianMs: 7.34517784 });
    const run = complete('run')[0];
    expect(Math.round((run.ts + run.dur!) * 1000)).toBe(Math.round((layers[133].ts + layers[133].dur!) * 1000));
  });

  it('nests each layer kernels inside it, back to back, with their medians', () => {
    const sep = complete('layer').find((e) => e.name === 'block4_sepconv2')!;
    const kernels = complete('kernel').filter((e) => e.args.layer === 'block4_sepconv2');
    expect(kernels.map((k) => k.name)).toEqual(['DepthwiseConv2dNative', 'Conv2D']);
    expect(kernels[0].ts).toBe(sep.ts);
    expect(kernels[0].dur).toBeCloseTo(734.518, 6); // 10 % of 7.34517784 ms
    expect(kernels[1].ts).toBeCloseTo(sep.ts + 734.518, 6);
    expect(kernels[1].dur).toBeCloseTo(6610.66, 6); // 90 %
    expect(kernels[1].args).toMatchObject({ calls: 1, outputShape: '(None, 37, 37, 728)' });
  });

  it('says the run is synthetic, in the run args, the metadata and otherData', () => {
    const run = complete('run')[0];
    expect(run.name).toBe('median run (synthetic)');
    expect(run.args).toMatchObject({ synthetic: true, timedRuns: 10, warmupRuns: 2, batchSize: 1, untimedLayers: [] });
    const meta = trace.traceEvents.filter((e) => e.ph === 'M');
    expect(meta.find((e) => e.name === 'process_name')?.args.name).toBe('Xception Profiler: Xception');
    expect(meta.find((e) => e.name === 'thread_name')?.args.name).toBe('wasm x2 · median run (synthetic)');
    expect(trace.otherData).toMatchObject({ synthetic: true, schemaVersion: 1, engine: { name: 'wasm', threads: 2 } });
  });

  it('scales kernels whose medians add up to more than their layer to fit inside it', async () => {
    const r = withTimings(await xceptionReport());
    const layer = r.layers.find((l) => l.name === 'block1_conv1')!;
    // Layer median 0.19181664 ms = 191,817 ns; kernels 0.2 + 0.1 ms = 300,000 ns -> scaled by 0.63939.
    layer.timing!.kernels = [
      { name: 'Conv2D', medianMs: 0.2, calls: 1 },
      { name: 'Relu', medianMs: 0.1, calls: 1 },
      { name: 'Lost', medianMs: null, calls: 1 },
    ];
    const t = reportToTrace(r);
    expect(validateTrace(t)).toEqual([]);
    const ev = t.traceEvents.find((e) => e.name === 'block1_conv1' && e.ph === 'X')!;
    expect(ev.args.kernelsScaledBy).toBe(0.63939);
    expect(ev.args.kernelsWithoutTime).toEqual(['Lost']);
    const kernels = t.traceEvents.filter((e) => e.cat === 'kernel' && e.args.layer === 'block1_conv1');
    expect(kernels.map((k) => k.name)).toEqual(['Conv2D', 'Relu']);
    expect(kernels[0].dur! + kernels[1].dur!).toBeCloseTo(ev.dur!, 2);
  });

  it('leaves untimed layers out and lists them', async () => {
    const r = withTimings(await xceptionReport());
    r.layers[0].timing = undefined;
    r.layers[5].timing!.medianMs = null;
    r.layers[5].timing!.naReason = 'WebGL query timers are not supported in this environment.';
    const t = reportToTrace(r);
    expect(validateTrace(t)).toEqual([]);
    expect(t.traceEvents.filter((e) => e.cat.startsWith('layer,'))).toHaveLength(132);
    const run = t.traceEvents.find((e) => e.cat === 'run')!;
    expect(run.args.untimedLayers).toEqual([r.layers[0].name, r.layers[5].name]);
    expect(run.args.untimedReasons).toEqual({ [r.layers[0].name]: 'not timed', [r.layers[5].name]: 'WebGL query timers are not supported in this environment.' });
  });

  it('refuses a report without timings with a clear message', async () => {
    const staticReport = await xceptionReport();
    expect(() => reportToTrace(staticReport)).toThrow(/no layer timings.*profile the model first/);
  });

  it('the validator catches an event that overlaps its parent', () => {
    const bad: TraceFile = {
      displayTimeUnit: 'ms',
      otherData: {},
      traceEvents: [
        { name: 'layer', cat: 'layer', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 1, args: {} },
        { name: 'kernel', cat: 'kernel', ph: 'X', ts: 5, dur: 10, pid: 1, tid: 1, args: {} },
      ],
    };
    expect(validateTrace(bad)).toHaveLength(1);
  });
});
