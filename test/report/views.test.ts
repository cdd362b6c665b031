/**
 * One layer through every view: the view-model's rows (`layerCardView`) are what the editor hover,
 * the tree tooltip, the Markdown export, the CSV export, the Chrome trace and the CLI print, with the
 * same numbers and the same words. (The webview's card, in the HTML export, renders the same rows:
 * test/browser/views.test.ts.)
 * The layer has a kernel without a time, the pass holds 4 images, and the engine is WASM, so that
 * the labels about what was measured show too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { summaryText } from '../../src/cli';
import { parseCsv, reportToCsv } from '../../src/exporters/csv';
import { markdownLayerRow, reportToMarkdown } from '../../src/exporters/markdown';
import { reportToTrace } from '../../src/exporters/trace';
import { LayerHoverProvider } from '../../src/extension/hover';
import { layerCardTooltip } from '../../src/extension/tree';
import { layerCardMarkdown } from '../../src/report/layerCard';
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';
import { layerCardView, passFacts, type LayerCardView, type ViewRow } from '../../src/report/viewModel';
import { createTextDocument, type Hover, type MarkdownString } from '../vscode-stub';
import { FakeSource } from '../extension/source';
import { cardRows, LAYER as NAME, oneLayerReport, TIMER_ERROR, type PrintedRow } from './viewsFixture';

let report: ArchitectureReport;
let layer: LayerReport;
let view: LayerCardView;

/** Undoes `escapeMarkdown` / the card's escaping: `\\-` -> `-`. */
const unescape = (md: string): string => md.replace(/\\(.)/g, '$1');

/** The rows of a Markdown card: `**label** value · *note*` lines, unescaped. */
function markdownRows(md: string): PrintedRow[] {
  const rows: PrintedRow[] = [];
  for (const line of md.split('\n')) {
    const m = /^\*\*([^*]+)\*\* (.*?)(?: · \*(.*)\*)?\s*$/.exec(line);
    if (m && !m[1].includes(NAME.replace('_', '\\_'))) rows.push({ label: unescape(m[1]), text: unescape(m[2]), ...(m[3] ? { note: unescape(m[3]) } : {}) });
  }
  return rows;
}

const measuredRows = (v: LayerCardView): ViewRow[] => ('rows' in v.measured ? v.measured.rows : []);
const value = (label: string): string => measuredRows(view).find((r) => r.label === label)!.value;

beforeAll(async () => {
  ({ report, layer } = await oneLayerReport());
  view = layerCardView(report, layer, 'macs');
});

describe('the view-model of one layer', () => {
  it('labels what each number is: MACs and FLOPs with their convention, per image and per batch, wall time on the engine, n/a with its reason', () => {
    const rows = Object.fromEntries(view.rows.map((r) => [r.label, r]));
    // 734,517,784 MACs per image x 4 = 2.94G per batch.
    expect(rows.MACs).toEqual({
      label: 'MACs',
      value: '734.5M MACs',
      exact: '734,517,784',
      unit: 'MACs',
      note: 'per image; 2.94G MACs per batch of 4; multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs',
    });
    expect(rows.FLOPs.note).toBe('per image; 5.88G FLOPs per batch of 4; 2 x MACs (1 MAC = 2 FLOPs)');
    expect(layerCardView(report, layer, 'tf-profiler').rows.find((r) => r.label === 'FLOPs')!.note).toContain("as tf.profiler's float_ops counts them");
    if (!('rows' in view.measured)) throw new Error('the layer is timed');
    expect(view.measured.heading).toBe('Measured on wasm (wall time, median of 10 runs, batch of 4)');
    expect(value('Median')).toBe('7.35 ms');
    expect(measuredRows(view).find((r) => r.label === 'Median')!.note).toBe('wall time on wasm');
    // Only the Conv2D kernel (0.9 x 7.34517784 ms) is timed.
    expect(value('Kernels')).toBe(`1 of 2 kernels untimed (${TIMER_ERROR}); timed kernels total 6.61 ms`);
    expect(view.measured.kernels[0]).toEqual({ name: 'DepthwiseConv2dNative', calls: 1, time: `n/a (${TIMER_ERROR})` });
    // 1,469,035,568 FLOPs x 4 images in 7.34517784 ms = 800.0 GFLOP/s.
    expect(value('Achieved')).toBe('800.0 GFLOP/s');
  });
});

describe('n/a keeps its reason', () => {
  it('a layer ONNX Runtime folded into another says where its time is, in the card and the CSV', () => {
    const r = structuredClone(report);
    const bn = r.layers.find((l) => l.name === 'block4_sepconv2_bn')!;
    bn.timing = { medianMs: null, minMs: null, p90Ms: null, runs: 0, kernels: [], foldedInto: NAME };
    expect(layerCardView(r, bn, 'macs').measured).toEqual({ pending: `Folded into ${NAME} by the engine: computed inside that layer's node, its time is in that row.` });
    const [header, ...lines] = parseCsv(reportToCsv(r));
    expect(lines.find((l) => l[0] === 'block4_sepconv2_bn')![header.indexOf('timing_note')]).toBe(`n/a: folded into ${NAME}`);
  });
});

describe('every view prints the view-model', () => {
  it('the Markdown card (editor hover, tree tooltip) has exactly its rows, in order', () => {
    const md = layerCardMarkdown(report, layer, { convention: 'macs' });
    expect(markdownRows(md)).toEqual(cardRows(view));
    expect(unescape(md)).toContain(view.notes[0]);
    expect(md).toContain(`| DepthwiseConv2dNative | 1 | n/a (${TIMER_ERROR}) |`);
  });

  it('the tree tooltip and the editor hover are that card', () => {
    const card = layerCardMarkdown(report, layer, { convention: 'macs', revealLink: true });
    expect(layerCardTooltip(report, layer, 'macs').value).toBe(card);
    const doc = createTextDocument(`layer = model.get_layer("${NAME}")`, 'python', '/w/m.py');
    const hover = new LayerHoverProvider(new FakeSource(report)).provideHover(doc as never, doc.positionAt(27) as never) as unknown as Hover;
    expect((hover.contents as MarkdownString).value).toBe(card);
  });

  it('the Markdown export row has the card\'s compute, median, p90, share and untimed kernels', () => {
    const [header, , line] = markdownLayerRow(report, layer, 'macs').split('\n');
    expect(header).toContain('| Median (wall time on wasm) |');
    const cells = line.split(' | ');
    expect(cells.slice(5)).toEqual(['734.5M', value('Median'), value('p90'), value('Share of pass'), `${value('Kernels')} |`]);
    expect(reportToMarkdown(report)).toContain('wall time on wasm, for the whole batch');
  });

  it('the Chrome trace names the engine, says wall time per batch and counts per image, and keeps the untimed kernels\' reason', () => {
    const trace = reportToTrace(report, 'macs');
    const ev = trace.traceEvents.find((e) => e.name === NAME && e.cat.startsWith('layer'))!;
    expect(ev.args).toMatchObject({ engine: 'wasm', macs: 734_517_784, medianMs: 7.34517784, kernelsNote: value('Kernels') });
    expect(trace.otherData.times).toBe('median wall time on wasm, ms for the whole batch of 4 images');
    expect(trace.otherData.counts).toContain('per image (x 4 per batch); MACs: multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs');
  });

  it('the CSV has the exact numbers, the engine, the batch and the untimed kernels', () => {
    const [header, ...rows] = parseCsv(reportToCsv(report, 'flops'));
    const row = Object.fromEntries(header.map((h, i) => [h, rows.find((r) => r[0] === NAME)![i]]));
    const exact = (label: string): string => view.rows.find((r) => r.label === label)!.exact!.replace(/,/g, '');
    expect(row.macs).toBe(exact('MACs'));
    expect(row.flops).toBe(exact('FLOPs'));
    expect(Number(row.median_ms).toFixed(2)).toBe(value('Median').replace(' ms', ''));
    expect(row.engine).toBe('wasm');
    expect(row.batch_size).toBe('4');
    expect(row.timing_note).toBe(value('Kernels'));
  });

  it('the CLI prints the same rows, the same totals wording and the same slowest-layer cells', () => {
    const text = summaryText(report, 'macs');
    const line = text.split('\n').find((l) => l.startsWith(`${NAME} `))!;
    const cells = line.split(/\s{2,}/);
    expect(cells.slice(0, 8)).toEqual([NAME, 'SeparableConv2D', '37x37x728', '734.5M', value('Median'), value('p90'), value('Share of pass'), value('Achieved').replace(' GFLOP/s', '')]);
    expect(cells[cells.length - 1]).toBe(value('Kernels'));
    expect(text).toContain('Slowest layers (wall time on wasm, batch of 4):');
    expect(text).toContain('MACs: 8.36G MACs (8,357,403,496); per image; 33.43G MACs per batch of 4; multiply-accumulates; bias adds, BN and activations are element-wise ops, not MACs');
    expect(text).toContain('Pass: wall time on wasm, batch of 4, median of 10 timed runs after 2 warm-up: profiled median');
  });

  it('the whole-pass setup counts one thing per label: timed runs of a report, passes measured while a run streams', () => {
    const t = report.timing!;
    expect(passFacts(report, t).setup).toBe('wall time on wasm, batch of 4, median of 10 timed runs after 2 warm-up');
    // Streaming (the panel during timing and live profiling): the status line's "N passes measured".
    expect(passFacts(report, { ...t, timedRuns: 6 }, 6).setup).toBe('wall time on wasm, batch of 4, median of 6 passes measured after 2 warm-up');
    expect(passFacts(report, { ...t, timedRuns: 1 }, 1).setup).toBe('wall time on wasm, batch of 4, median of 1 pass measured after 2 warm-up');
    // Live profiling's rolling window: the medians cover the last 20 of the 33 passes measured.
    expect(passFacts(report, { ...t, timedRuns: 20 }, 33).setup).toBe('wall time on wasm, batch of 4, median of the last 20 of 33 passes measured after 2 warm-up');
  });
});
