import { beforeAll, describe, expect, it } from 'vitest';
import { describeFlopsConvention, isFlopsConvention, layerCount, layerFlops } from '../../src/report/flopsConvention';
import { escapeMarkdown, layerCardMarkdown, layerDescription, passMs, shapeHintLabel } from '../../src/report/layerCard';
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from '../extension/fixtures';
import { oneLayerReport } from './viewsFixture';

let staticReport: ArchitectureReport;
let timed: ArchitectureReport;
const layer = (r: ArchitectureReport, name: string): LayerReport => r.layers.find((l) => l.name === name)!;

beforeAll(async () => {
  staticReport = await xceptionReport();
  timed = withTimings(await xceptionReport());
});

describe('FLOPs conventions', () => {
  it('count a separable conv as MACs or 2 x MACs', () => {
    const sep = layer(staticReport, 'block4_sepconv2');
    expect(layerCount(sep, 'macs')).toBe(734_517_784);
    expect(layerCount(sep, 'flops')).toBe(1_469_035_568);
    expect(layerCount(sep, 'tf-profiler')).toBe(1_469_035_568);
  });

  it('add kernel area x output values for max pooling under tf-profiler', () => {
    // block2_pool: MaxPooling2D 3x3/2 'same', output 74x74x128: 9 x 700,928 = 6,308,352.
    const pool = layer(staticReport, 'block2_pool');
    expect(layerFlops(pool, 'flops')).toBe(0);
    expect(layerFlops(pool, 'tf-profiler')).toBe(6_308_352);
    expect(layerCount(pool, 'macs')).toBe(0);
  });

  it('validates ids and describes each convention', () => {
    expect(isFlopsConvention('tf-profiler')).toBe(true);
    expect(isFlopsConvention('gflops')).toBe(false);
    expect(describeFlopsConvention('flops')).toBe('FLOPs = 2 x MACs per image');
  });
});

describe('layer text', () => {
  it('describes a layer by shape, compute and median, naming the engine that measured it', () => {
    expect(layerDescription(staticReport, layer(staticReport, 'block4_sepconv2'), 'macs')).toBe('37x37x728 · 734.5M MACs');
    expect(layerDescription(timed, layer(timed, 'block4_sepconv2'), 'macs')).toBe('37x37x728 · 734.5M MACs · 7.35 ms wall time on wasm');
    expect(layerDescription(timed, layer(timed, 'block4_sepconv2'), 'flops')).toBe('37x37x728 · 1.47G FLOPs · 7.35 ms wall time on wasm');
    // No MACs: no compute part.
    expect(layerDescription(staticReport, layer(staticReport, 'block4_sepconv2_bn'), 'macs')).toBe('37x37x728');
  });

  it('labels shape hints as Keras prints shapes', () => {
    expect(shapeHintLabel(layer(staticReport, 'block4_sepconv2'), 'macs')).toBe('-> (None, 37, 37, 728) · 734.5M MACs');
    expect(shapeHintLabel(layer(staticReport, 'predictions'), 'macs')).toBe('-> (None, 1000) · 2.0M MACs');
    expect(shapeHintLabel(layer(staticReport, 'block2_pool'), 'macs')).toBe('-> (None, 74, 74, 128)');
  });

  it('takes the pass time from the report, or the sum of live medians', () => {
    expect(passMs(staticReport)).toBeNull();
    expect(passMs(timed)).toBeCloseTo(88.22403496, 6);
    const live = structuredClone(timed);
    delete live.timing;
    expect(passMs(live)).toBeCloseTo(88.22403496, 6);
  });
});

describe('layerCardMarkdown', () => {
  it('shows shapes, params, MACs, FLOPs and the regular-conv comparison', () => {
    const md = layerCardMarkdown(staticReport, layer(staticReport, 'block4_sepconv2'), { convention: 'macs' });
    expect(md).toContain('**block4\\_sepconv2** · `SeparableConv2D` · entry flow · block4');
    expect(md).toContain('**Output** 37x37x728 (None, 37, 37, 728) · *NHWC; in parentheses as Keras prints it*');
    expect(md).toContain('**Params** 536,536 · *536,536 trainable, 0 non\\-trainable*');
    expect(md).toContain('**MACs** 734.5M MACs (734,517,784) · *per image; multiply\\-accumulates; bias adds, BN and activations are element\\-wise ops, not MACs*');
    expect(md).toContain('**FLOPs** 1.47G FLOPs (1,469,035,568) · *per image; 2 x MACs \\(1 MAC = 2 FLOPs\\)*');
    // Regular 3x3 conv 37x37x728 -> 728: 37*37*728*9*728 = 6,529,932,864 MACs, 8.89x.
    expect(md).toContain("A regular 3x3 Conv2D with the same input and output would need 6\\.53G MACs: 8\\.89x the separable conv's 734\\.5M MACs\\.");
    expect(md).toContain('*Not timed yet.*');
    expect(md).not.toContain('command:');
  });

  it('shows the live timing, share, achieved GFLOP/s and kernels', () => {
    const md = layerCardMarkdown(timed, layer(timed, 'block4_sepconv2'), { convention: 'macs' });
    // 1,469,035,568 FLOPs in 7.34517784 ms = 200.0 GFLOP/s; 8.3 % of 88.224 ms.
    expect(md).toContain('**Measured on wasm \\(wall time, median of 10 runs, batch of 1\\)**');
    expect(md).toContain('**Median** 7.35 ms · *wall time on wasm*');
    expect(md).toContain('**p90** 8.08 ms  \n**Min** 6.61 ms');
    expect(md).toContain('**Share of pass** 8.3 % · *of the sum of the layer medians, 88\\.2 ms*');
    expect(md).toContain('**Achieved** 200.0 GFLOP/s');
    expect(md).toContain('| DepthwiseConv2dNative | 1 | 0.73 ms |');
    expect(md).toContain('| Conv2D | 1 | 6.61 ms |');
  });

  it('adds a Reveal in Diagram command link with the layer name as argument', () => {
    const md = layerCardMarkdown(timed, layer(timed, 'block4_sepconv2'), { convention: 'macs', revealLink: true });
    expect(md).toContain('[Reveal in Diagram](command:xceptionProfiler.revealInDiagram?%5B%22block4_sepconv2%22%5D');
  });

  it('notes the tf-profiler convention on max pooling', () => {
    const md = layerCardMarkdown(staticReport, layer(staticReport, 'block2_pool'), { convention: 'tf-profiler' });
    expect(md).toContain("**FLOPs** 6.3M FLOPs (6,308,352) · *per image; FLOPs = 2 x MACs plus max\\-pool comparisons \\(kernel area x output values\\), as tf\\.profiler's float\\_ops counts them*");
  });

  it('shows model text literally', () => {
    expect(escapeMarkdown('[x](javascript:alert(1))')).toBe('\\[x\\]\\(javascript:alert\\(1\\)\\)');
    const r = structuredClone(staticReport);
    const l = layer(r, 'block4_sepconv2');
    l.name = '<img src=x onerror=alert(1)>[link](http://e.x)';
    const md = layerCardMarkdown(r, l, { convention: 'macs', revealLink: true });
    expect(md).toContain('**\\<img src=x onerror=alert\\(1\\)\\>\\[link\\]\\(http://e\\.x\\)**');
    expect(md).not.toContain('[link](');
    // The command argument is fully percent-encoded, parentheses included.
    expect(md).toContain('(command:xceptionProfiler.revealInDiagram?%5B%22%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%5Blink%5D%28http%3A%2F%2Fe.x%29%22%5D "Select this layer in the diagram")');
  });
});

describe('a layer ONNX Runtime folded into another', () => {
  it('reads "folded into <layer>" instead of a time', () => {
    const bn = { name: 'block4_sepconv2_bn', className: 'BatchNormalization', outputShape: [null, 19, 19, 728], macs: 0, flops: 0, elementwiseOps: 2 * 19 * 19 * 728, timing: { medianMs: null, minMs: null, p90Ms: null, runs: 0, kernels: [], foldedInto: 'block4_sepconv2' } } as unknown as LayerReport;
    expect(layerDescription(staticReport, bn, 'macs')).toBe('19x19x728 · folded into block4_sepconv2');
    const untimed = { ...bn, timing: { ...bn.timing!, foldedInto: undefined, naReason: 'no kernel recorded for this layer' } };
    expect(layerDescription(staticReport, untimed, 'macs')).toBe('19x19x728 · n/a (no kernel recorded for this layer)');
  });
});

describe('layerCardMarkdown layout', () => {
  it('blocks separated by one blank line, rows by Markdown line breaks, the kernels as a table, the link last', async () => {
    const { report, layer: l } = await oneLayerReport();
    report.diagnostics = [...report.diagnostics, { severity: 'warning', code: 'engine-shape-mismatch', layer: l.name, message: 'a note_about it' }];
    const lines = layerCardMarkdown(report, l, { convention: 'macs', revealLink: true }).split('\n');
    expect(lines.slice(0, 3)).toEqual(['**block4\\_sepconv2** · `SeparableConv2D` · entry flow · block4', '', '**Input** 37x37x728 · *NHWC, batch left out*  ']);
    // Every static row but the last ends with a Markdown line break; then a blank line, the note, a blank line, the diagnostic.
    const weights = lines.findIndex((s) => s.startsWith('**Weights**'));
    expect(lines.slice(2, weights).every((s) => s.endsWith('*  '))).toBe(true);
    expect(lines.slice(weights + 1, weights + 6)).toEqual([
      '',
      "A regular 3x3 Conv2D with the same input and output would need 6\\.53G MACs: 8\\.89x the separable conv's 734\\.5M MACs\\.",
      '',
      '*warning:* a note\\_about it',
      '',
    ]);
    expect(lines[weights + 6]).toBe('**Measured on wasm \\(wall time, median of 10 runs, batch of 4\\)**');
    expect(lines[weights + 7]).toBe('');
    const table = lines.indexOf('| Kernel | Calls | Median |');
    expect(lines.slice(table - 1, table + 4)).toEqual([
      '',
      '| Kernel | Calls | Median |',
      '|:--|--:|--:|',
      '| DepthwiseConv2dNative | 1 | n/a (WebGL query timers are not supported in this environment.) |',
      '| Conv2D | 1 | 6.61 ms |',
    ]);
    expect(lines[table + 4]).toBe('');
    expect(lines[table + 5].startsWith('**Roofline** ')).toBe(true);
    expect(lines.slice(-2)).toEqual(['', '[Reveal in Diagram](command:xceptionProfiler.revealInDiagram?%5B%22block4_sepconv2%22%5D "Select this layer in the diagram")']);
  });

  it('reuses the card while nothing it shows changed; a new timing, convention or link renders it again', async () => {
    const { report, layer: l } = await oneLayerReport();
    const first = layerCardMarkdown(report, l, { convention: 'macs' });
    // Changed in place (live timings replace objects, never mutate them): the cached card stays.
    l.className = 'Changed';
    expect(layerCardMarkdown(report, l, { convention: 'macs' })).toBe(first);
    expect(layerCardMarkdown(report, l, { convention: 'flops' })).toContain('`Changed`');
    l.className = 'Again';
    expect(layerCardMarkdown(report, l, { convention: 'flops', revealLink: true })).toContain('`Again`');
    l.className = 'Timed';
    l.timing = { ...l.timing!, medianMs: 9 };
    const retimed = layerCardMarkdown(report, l, { convention: 'flops', revealLink: true });
    expect(retimed).toContain('`Timed`');
    expect(retimed).toContain('**Median** 9.00 ms');
  });
});
