/**
 * The CSV, Chrome trace and Markdown exports of the small hand-made report (tinyReport.ts), read
 * back and compared field by field with the numbers worked out there. These import no model
 * builder and no TF.js, so the mutation run (vitest.mutation.config.mts) runs them in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { csvColumns, parseCsv, reportToCsv } from '../../src/exporters/csv';
import { exportFormat, exportFormatForPath, reportToJson } from '../../src/exporters/formats';
import { markdownLayerRow, markdownLayerTable, reportToMarkdown } from '../../src/exporters/markdown';
import { reportToTrace, type TraceEvent, type TraceFile } from '../../src/exporters/trace';
import { tinyReport } from './tinyReport';

/** Rows of a CSV as objects keyed by the header. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

describe('CSV of the tiny report', () => {
  it('has the documented columns, in order', () => {
    const header = [
      'layer', 'class', 'flow', 'block', 'input_shapes', 'output_shape', 'params_trainable', 'params_non_trainable', 'macs', 'flops',
      'elementwise_ops', 'activation_bytes', 'weight_bytes', 'median_ms', 'p90_ms', 'min_ms', 'runs', 'batch_size', 'engine', 'timing_note',
    ];
    expect(csvColumns('flops')).toEqual(header);
    expect(csvColumns('macs')).toEqual(header);
    expect(csvColumns('tf-profiler')).toEqual(header.map((h) => (h === 'flops' ? 'flops_tf_profiler' : h)));
    expect(parseCsv(reportToCsv(tinyReport()))[0]).toEqual(header);
  });

  it('writes each layer with its hand-worked numbers', () => {
    const rows = records(reportToCsv(tinyReport()));
    expect(rows).toEqual([
      // Not timed: the timing columns stay empty.
      {
        layer: 'input_1', class: 'InputLayer', flow: 'input', block: 'input', input_shapes: '', output_shape: '(None, 8, 8, 3)', params_trainable: '0', params_non_trainable: '0',
        macs: '0', flops: '0', elementwise_ops: '0', activation_bytes: '768', weight_bytes: '0', median_ms: '', p90_ms: '', min_ms: '', runs: '', batch_size: '', engine: '', timing_note: '',
      },
      {
        layer: 'conv1', class: 'Conv2D', flow: 'entry', block: 'block1', input_shapes: '(None, 8, 8, 3)', output_shape: '(None, 6, 6, 4)', params_trainable: '112', params_non_trainable: '0',
        macs: '3888', flops: '7776', elementwise_ops: '144', activation_bytes: '576', weight_bytes: '448', median_ms: '0.5', p90_ms: '0.6', min_ms: '0.4', runs: '5', batch_size: '2', engine: 'wasm',
        timing_note: '1 of 3 kernels untimed (no sample); timed kernels total 0.40 ms',
      },
      // Folded into conv1: no statistics, the reason in the note.
      {
        layer: 'pool1', class: 'MaxPooling2D', flow: 'entry', block: 'block1', input_shapes: '(None, 6, 6, 4)', output_shape: '(None, 3, 3, 4)', params_trainable: '0', params_non_trainable: '0',
        macs: '0', flops: '0', elementwise_ops: '144', activation_bytes: '144', weight_bytes: '0', median_ms: '', p90_ms: '', min_ms: '', runs: '0', batch_size: '2', engine: 'wasm',
        timing_note: 'n/a: folded into conv1',
      },
      {
        layer: 'fc', class: 'Dense', flow: 'exit', block: 'top', input_shapes: '(None, 3, 3, 4)', output_shape: '(None, 3, 3, 2)', params_trainable: '10', params_non_trainable: '0',
        macs: '72', flops: '144', elementwise_ops: '18', activation_bytes: '72', weight_bytes: '40', median_ms: '0.2', p90_ms: '0.25', min_ms: '0.15', runs: '4', batch_size: '2', engine: 'wasm', timing_note: '',
      },
    ]);
  });

  it('ends every row, the last included, with CRLF', () => {
    const text = reportToCsv(tinyReport());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(1 + 4 + 1);
  });

  it("joins a layer's n/a reason and its untimed kernels with '; '", () => {
    const r = tinyReport();
    r.layers[2].timing!.kernels = [{ name: 'MaxPool', medianMs: null, naReason: 'folded', calls: 1 }];
    expect(records(reportToCsv(r))[2].timing_note).toBe('n/a: folded into conv1; 1 of 1 kernel untimed (folded); timed kernels total 0.00 ms');
  });

  it('counts the pool comparisons under tf-profiler: 4 per output, 4 x 36 = 144', () => {
    const rows = records(reportToCsv(tinyReport(), 'tf-profiler'));
    expect(rows.map((r) => r.flops_tf_profiler)).toEqual(['0', '7776', '144', '144']);
  });

  it('joins several inputs with " + ", and writes empty fields for a time that is not finite or an engine that is unknown', () => {
    const r = tinyReport();
    r.layers[3].inputShapes = [[null, 3, 3, 4], [null, 3, 3, 4]];
    r.layers[3].timing!.p90Ms = Number.NaN;
    r.layers[3].timing!.minMs = Number.POSITIVE_INFINITY;
    delete r.engine;
    const fc = records(reportToCsv(r))[3];
    expect(fc).toMatchObject({ input_shapes: '(None, 3, 3, 4) + (None, 3, 3, 4)', median_ms: '0.2', p90_ms: '', min_ms: '', runs: '4', engine: '' });
  });

  it('says "no valid sample" for a layer without a median and without a reason; 4 decimals of ms at most', () => {
    const r = tinyReport();
    r.layers[2].timing = { medianMs: null, p90Ms: null, minMs: null, runs: 0, kernels: [] };
    r.layers[3].timing!.medianMs = 0.123456;
    const rows = records(reportToCsv(r));
    expect(rows[2].timing_note).toBe('n/a: no valid sample');
    expect(rows[3].median_ms).toBe('0.1235');
  });
});

describe('parseCsv', () => {
  it('reads a field without a final line end, and a last empty field', () => {
    expect(parseCsv('a,b')).toEqual([['a', 'b']]);
    expect(parseCsv('x')).toEqual([['x']]);
    expect(parseCsv('a,')).toEqual([['a', '']]);
    expect(parseCsv('"a"')).toEqual([['a']]);
  });

  it('keeps a quote inside an unquoted field, and a CR that does not end a line', () => {
    expect(parseCsv('5" disk,x\n')).toEqual([['5" disk', 'x']]);
    expect(parseCsv('a\rb,c\r\nd\n')).toEqual([['a\rb', 'c'], ['d']]);
  });

  it('ends a quoted field at a comma, CR LF or LF', () => {
    expect(parseCsv('"a",b\r\n"c"\nd')).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(parseCsv('"a"\r\n"b"\r\n')).toEqual([['a'], ['b']]);
  });

  it('counts the lines inside a quoted field when naming the line of an error', () => {
    expect(() => parseCsv('"a\nb"x')).toThrow('CSV: unexpected "x" after a closing quote on line 2');
    expect(() => parseCsv('h\n"a\n\nb')).toThrow('CSV: quoted field opened on line 2 is not closed');
  });
});

describe('Chrome trace of the tiny report', () => {
  // Rendered inside each test (not once for the file): the mutation run counts only what a test runs.
  const render = (): TraceFile => reportToTrace(tinyReport());
  const eventOf = (trace: TraceFile, name: string): TraceEvent => trace.traceEvents.find((e) => e.name === name)!;

  it('names the process and the thread after the model and the engine (2 threads)', () => {
    expect(render().traceEvents.filter((e) => e.ph === 'M')).toEqual([
      { name: 'process_name', cat: '__metadata', ph: 'M', ts: 0, pid: 1, tid: 1, args: { name: 'Xception Profiler: tiny' } },
      { name: 'process_labels', cat: '__metadata', ph: 'M', ts: 0, pid: 1, tid: 1, args: { labels: 'wasm x2, median wall time, batch of 2, synthetic median run' } },
      { name: 'thread_name', cat: '__metadata', ph: 'M', ts: 0, pid: 1, tid: 1, args: { name: 'wasm x2 · median run (synthetic)' } },
    ]);
  });

  it('lasts the sum of the timed layer medians: 0.5 + 0.2 ms = 700 us, and lists the untimed layers with why', () => {
    const run = eventOf(render(), 'median run (synthetic)');
    expect(run).toMatchObject({ cat: 'run', ph: 'X', ts: 0, dur: 700, pid: 1, tid: 1 });
    const { note, ...args } = run.args;
    expect(note).toMatch(/^Synthetic median run: /);
    expect(args).toEqual({
      synthetic: true,
      counts: 'per image (x 2 per batch); MACs: multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs; FLOPs = 2 x MACs per image',
      times: 'median wall time on wasm, ms for the whole batch of 2 images',
      timedRuns: 5,
      warmupRuns: 1,
      batchSize: 2,
      profiledMedianMs: 0.75,
      predictMedianMs: 0.6,
      untimedLayers: ['input_1', 'pool1'],
      untimedReasons: { input_1: 'not timed', pool1: 'folded into conv1' },
    });
  });

  it('lays conv1 (500 us) then fc (200 us) with their counts and times', () => {
    const trace = render();
    const event = (name: string): TraceEvent => eventOf(trace, name);
    expect(trace.traceEvents.filter((e) => e.cat.startsWith('layer')).map((e) => [e.name, e.cat, e.ph, e.ts, e.dur, e.pid, e.tid])).toEqual([
      ['conv1', 'layer,Conv2D', 'X', 0, 500, 1, 1],
      ['fc', 'layer,Dense', 'X', 500, 200, 1, 1],
    ]);
    expect(event('conv1').args).toEqual({
      class: 'Conv2D', flow: 'entry', block: 'block1', inputShapes: ['(None, 8, 8, 3)'], outputShape: '(None, 6, 6, 4)', paramsTrainable: 112, paramsNonTrainable: 0,
      macs: 3888, flops: 7776, engine: 'wasm', medianMs: 0.5, p90Ms: 0.6, minMs: 0.4, runs: 5,
      kernelsWithoutTime: ['Relu'], kernelsNote: '1 of 3 kernels untimed (no sample); timed kernels total 0.40 ms',
    });
    // fc's kernels (0.3 ms) overflow its 0.2 ms: scaled by 0.2 / 0.3.
    expect(event('fc').args).toEqual({
      class: 'Dense', flow: 'exit', block: 'top', inputShapes: ['(None, 3, 3, 4)'], outputShape: '(None, 3, 3, 2)', paramsTrainable: 10, paramsNonTrainable: 0,
      macs: 72, flops: 144, engine: 'wasm', medianMs: 0.2, p90Ms: 0.25, minMs: 0.15, runs: 4, kernelsScaledBy: 0.666667,
    });
  });

  it('puts the kernels back to back inside their layer: unscaled in conv1, scaled by 2/3 in fc (ns floored)', () => {
    const kernels = render().traceEvents.filter((e) => e.cat === 'kernel');
    expect(kernels.every((e) => e.ph === 'X' && e.pid === 1 && e.tid === 1)).toBe(true);
    // conv1: Conv2D 300 us, BiasAdd 100 us, Relu (no time) left out.
    // fc: MatMul floor(200,000 ns x 2/3) = 133,333 ns; Add floor(100,000 ns x 2/3) = 66,666 ns.
    expect(kernels.map((e) => [e.name, e.ts, e.dur])).toEqual([['Conv2D', 0, 300], ['BiasAdd', 300, 100], ['MatMul', 500, 133.333], ['Add', 633.333, 66.666]]);
    expect(kernels[0].args).toEqual({ layer: 'conv1', calls: 1, medianMs: 0.3, outputShape: '(None, 6, 6, 4)' });
    expect(kernels[3].args).toEqual({ layer: 'fc', calls: 2, medianMs: 0.1, outputShape: '(None, 3, 3, 2)' });
  });

  it('carries the engine, the convention and the labels in otherData', () => {
    const trace = render();
    const { note, ...other } = trace.otherData;
    expect(note).toBe(eventOf(trace, 'median run (synthetic)').args.note);
    expect(other).toEqual({
      generator: 'xception-profiler',
      schemaVersion: 1,
      model: 'tiny',
      source: 'test/tiny.json',
      engine: { name: 'wasm', backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', threads: 2, why: 'the fastest engine that loaded', skipped: [{ name: 'tensorflow', reason: 'not installed' }], runtime: null },
      flopsConvention: 'flops',
      counts: 'per image (x 2 per batch); MACs: multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs; FLOPs = 2 x MACs per image',
      times: 'median wall time on wasm, ms for the whole batch of 2 images',
      synthetic: true,
      createdAt: '2026-11-30T22:00:00.000Z',
    });
    expect(trace.displayTimeUnit).toBe('ms');
  });

  it('with one image, one thread and the tf-profiler convention: no batch or thread suffix, flopsTfProfiler', () => {
    const r = tinyReport();
    r.timing!.batchSize = 1;
    r.engine!.threads = 1;
    r.engine!.runtime = { node: '20.18.0', modules: '115' };
    const t = reportToTrace(r, 'tf-profiler');
    const run = t.traceEvents.find((e) => e.cat === 'run')!;
    expect(run.args.counts).toBe(
      "per image; MACs: multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs; FLOPs = 2 x MACs plus max-pool comparisons (kernel area x output values), as tf.profiler's float_ops counts them",
    );
    expect(run.args.times).toBe('median wall time on wasm, ms for the whole batch of 1 image');
    expect(t.traceEvents.find((e) => e.name === 'thread_name')!.args.name).toBe('wasm · median run (synthetic)');
    const conv = t.traceEvents.find((e) => e.name === 'conv1')!.args;
    expect(conv.flopsTfProfiler).toBe(7776);
    expect(conv).not.toHaveProperty('flops');
    expect(t.otherData.flopsConvention).toBe('tf-profiler');
    expect((t.otherData.engine as { runtime: unknown }).runtime).toEqual({ node: '20.18.0', modules: '115' });
  });

  it('under the MACs convention the counts label still says how FLOPs are counted', () => {
    const run = reportToTrace(tinyReport(), 'macs').traceEvents.find((e) => e.cat === 'run')!;
    expect(run.args.counts).toMatch(/; FLOPs = 2 x MACs per image$/);
  });

  it('without pass timing or engine: timed runs from the layers (most: 5), nulls, and an unknown engine', () => {
    const r = tinyReport();
    delete r.timing;
    delete r.engine;
    r.layers[1].timing!.kernels[2] = { name: 'Relu', medianMs: Number.NaN, calls: 1 };
    const t = reportToTrace(r);
    const run = t.traceEvents.find((e) => e.cat === 'run')!;
    expect(run.args).toMatchObject({ timedRuns: 5, warmupRuns: null, batchSize: null, profiledMedianMs: null, predictMedianMs: null });
    expect(t.traceEvents.find((e) => e.name === 'process_labels')!.args.labels).toBe('unknown engine, median wall time, batch of 1, synthetic median run');
    const conv = t.traceEvents.find((e) => e.name === 'conv1')!.args;
    expect(conv.engine).toBeNull();
    expect(conv.kernelsWithoutTime).toEqual(['Relu']);
    expect(t.otherData.engine).toBeNull();
    // The runs of a layer without timing count 0; a layer with a null reason says "no valid sample".
    r.layers[2].timing = { medianMs: null, p90Ms: null, minMs: null, runs: 0, kernels: [] };
    const untimed = reportToTrace(r).traceEvents.find((e) => e.cat === 'run')!.args.untimedReasons;
    expect(untimed).toEqual({ input_1: 'not timed', pool1: 'no valid sample' });
  });

  it('refuses a report without any layer time', () => {
    const r = tinyReport();
    for (const l of r.layers) delete l.timing;
    expect(() => reportToTrace(r)).toThrow('the report has no layer timings to lay out as a trace (it is a static analysis); profile the model first');
  });
});

describe('Markdown of the tiny report', () => {
  it('is the whole document worked out by hand', () => {
    expect(reportToMarkdown(tinyReport()).split('\n')).toEqual([
      '# tiny profile',
      '',
      '**Model:** tiny (`test/tiny.json`), input 8x8x3 (NHWC), 4 layers  ',
      '**Params** 122 · *122 trainable, 0 non\\-trainable*  ',
      // 3,960 MACs per image, x 2 images = 7,920 per batch.
      '**MACs** 4.0K MACs (3,960) · *per image; 7\\.9K MACs per batch of 2; multiply\\-accumulates; bias adds, BN and activations are element\\-wise ops, not MACs*  ',
      '**FLOPs** 7.9K FLOPs (7,920) · *per image; 15\\.8K FLOPs per batch of 2; 2 x MACs \\(1 MAC = 2 FLOPs\\)*  ',
      // 144 + 144 + 18 = 306 element-wise ops.
      '**Element-wise ops** 306 · *per image; 612 ops per batch of 2; BN, activations, Add, pooling and bias adds \\(not MACs\\)*  ',
      '**Engine:** wasm \\(2 threads, SIMD\\) via @tensorflow/tfjs\\-backend\\-wasm 4\\.22\\.0: the fastest engine that loaded  ',
      'skipped tensorflow: not installed  ',
      // Layers sum 0.7 ms, pass 0.75 ms: below by 0.05 / 0.75 = 6.7 %.
      '**Pass:** wall time on wasm, batch of 2, median of 5 timed runs after 1 warm\\-up: profiled median 0\\.75 ms · plain predict median 0\\.60 ms · profiled/plain 1\\.25x · sum of layers 0\\.70 ms · layers sum is below the pass by 6\\.7 %',
      '',
      '## Flows',
      '',
      '| Flow | Layers | Params | MACs per image | Median wall time on wasm (sum) | Share |',
      '| :-- | --: | --: | --: | --: | --: |',
      '| `input` | 1 | 0 | 0 | n/a | n/a |',
      // 0.5 / 0.7 = 71.4 %, 0.2 / 0.7 = 28.6 %.
      '| `entry` | 2 | 112 | 3.9K | 0.50 ms | 71.4 % |',
      '| exit flow | 1 | 10 | 72 | 0.20 ms | 28.6 % |',
      '',
      '## Layers',
      '',
      '| Layer | Class | Block | Output | Params | MACs per image | Median (wall time on wasm) | p90 | Share | Note |',
      '| :-- | :-- | :-- | :-- | --: | --: | --: | --: | --: | :-- |',
      '| `input_1` | `InputLayer` | `input` | 8x8x3 | 0 | 0 | - | - | - |  |',
      '| `conv1` | `Conv2D` | `block1` | 6x6x4 | 112 | 3.9K | 0.50 ms | 0.60 ms | 71.4 % | 1 of 3 kernels untimed (no sample); timed kernels total 0.40 ms |',
      '| `pool1` | `MaxPooling2D` | `block1` | 3x3x4 | 0 | 0 | n/a (folded into conv1) | n/a (folded into conv1) | n/a |  |',
      '| `fc` | `Dense` | `top` | 3x3x2 | 10 | 72 | 0.20 ms | 0.25 ms | 28.6 % |  |',
      '',
      'Counts are per image. MACs: multiply\\-accumulates; bias adds, BN and activations are element\\-wise ops, not MACs. Times are medians over the timed runs in ms (wall time on wasm, for the whole batch); "Share" is the share of the sum of the layer medians.',
      '',
    ]);
  });

  it('lists the diagnostics, escaped, after the layers', () => {
    const r = tinyReport();
    r.diagnostics = [{ severity: 'warning', message: 'conv1: *odd* padding' }, { severity: 'info', message: 'two' }];
    const md = reportToMarkdown(r);
    expect(md.endsWith('\n\n## Diagnostics\n\n- warning: conv1: \\*odd\\* padding\n- info: two\n')).toBe(true);
  });

  it('a layer table defaults to MACs and ends with a line end; "Copy Row as Markdown" is its one-row table', () => {
    const r = tinyReport();
    const table = markdownLayerTable(r, [r.layers[3]]);
    expect(table.split('\n')[0]).toBe('| Layer | Class | Block | Output | Params | MACs per image | Median (wall time on wasm) | p90 | Share | Note |');
    expect(table.endsWith(' |\n')).toBe(true);
    expect(markdownLayerRow(r, r.layers[3], 'flops').split('\n')).toEqual([
      '| Layer | Class | Block | Output | Params | FLOPs per image | Median (wall time on wasm) | p90 | Share | Note |',
      '| :-- | :-- | :-- | :-- | --: | --: | --: | --: | --: | :-- |',
      // 144 FLOPs; 0.2 / 0.7 = 28.6 %.
      '| `fc` | `Dense` | `top` | 3x3x2 | 10 | 144 | 0.20 ms | 0.25 ms | 28.6 % |  |',
      '',
    ]);
  });

  it('a static report (no engine, no pass) with two inputs: no engine or pass line, both inputs listed', () => {
    const r = tinyReport();
    delete r.engine;
    delete r.timing;
    r.model.inputShapes = [[null, 8, 8, 3], [null, 4]];
    const lines = reportToMarkdown(r).split('\n');
    expect(lines[2]).toBe('**Model:** tiny (`test/tiny.json`), input 8x8x3, 4 (NHWC), 4 layers  ');
    expect(lines.filter((l) => /^\*\*(Engine|Pass):/.test(l))).toEqual([]);
    expect(lines[lines.indexOf('## Flows') - 2]).toMatch(/^\*\*Element-wise ops\*\* 306 · \*per image; /);
  });
});

describe('export formats of the tiny report', () => {
  it('JSON: one-space indented, one final line end, the same report back', () => {
    const text = reportToJson(tinyReport());
    expect(text.split('\n').slice(0, 3)).toEqual(['{', ' "schemaVersion": 1,', ' "model": {']);
    expect(text.endsWith('"\n}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(tinyReport());
    expect(exportFormat('json').render(tinyReport(), 'macs')).toBe(text);
  });

  it('trace, CSV and Markdown render what their exporters write, the trace as one JSON line', () => {
    const r = tinyReport();
    const trace = exportFormat('trace').render(r, 'tf-profiler');
    expect(trace.endsWith('}\n')).toBe(true);
    expect(trace.split('\n')).toHaveLength(2);
    expect(JSON.parse(trace)).toEqual(reportToTrace(r, 'tf-profiler'));
    expect(exportFormat('csv').render(r, 'tf-profiler')).toBe(reportToCsv(r, 'tf-profiler'));
    expect(exportFormat('markdown').render(r, 'flops')).toBe(reportToMarkdown(r, 'flops'));
  });

  it('picks the format by extension, .trace and .markdown included', () => {
    expect(exportFormatForPath('/x/run.trace')?.id).toBe('trace');
    expect(exportFormatForPath('/x/run.TRACE.JSON')?.id).toBe('trace');
    expect(exportFormatForPath('notes.markdown')?.id).toBe('markdown');
    expect(exportFormatForPath('a.json')?.id).toBe('json');
    expect(exportFormatForPath('a.CSV')?.id).toBe('csv');
    expect(exportFormatForPath('a.md')?.id).toBe('markdown');
    expect(exportFormatForPath('a.txt')).toBeUndefined();
    expect(exportFormatForPath('trace')).toBeUndefined();
    expect(exportFormatForPath('json')).toBeUndefined();
    expect(exportFormatForPath('csv')).toBeUndefined();
    expect(exportFormatForPath('md')).toBeUndefined();
    expect(exportFormatForPath('markdown')).toBeUndefined();
  });
});
