/**
 * The diagram's numbers (src/report/diagramView.ts), checked against hand-computed values of
 * Keras's Xception-299 (the real static report) with the SYNTHETIC timings of
 * test/extension/fixtures.ts (median = MACs / 1e8 ms, 0.05 ms without MACs), and the legend's text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { blockRowText, DIAGRAM_METRICS, diagramPaint, legendSpec, metricTitle, scalePosition } from '../../src/report/diagramView';
import { formatCount, formatMs } from '../../src/report/format';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from '../extension/fixtures';

const MIDDLE = ['block5', 'block6', 'block7', 'block8', 'block9', 'block10', 'block11', 'block12'];
/** Three boxes as the flows layout draws them: block4 closed, the middle flow's 8 blocks as one closed "x 8" row, block13 open. */
const BOXES = [
  { name: 'block4', represents: ['block4'], closed: true },
  { name: 'block5', represents: MIDDLE, closed: true },
  { name: 'block13', represents: ['block13'] },
];

let report: ArchitectureReport;
beforeAll(async () => {
  report = withTimings(await xceptionReport());
});

describe('diagramPaint', () => {
  it("gives each block its MACs and share of the model's, and the closed rows their own scale", () => {
    const p = diagramPaint(report, 'macs', BOXES);
    // Middle flow: 8 blocks x 3 separable convs of 19x19 x (3x3x728 + 728x728) = 4,648,547,904 MACs
    // of the model's 8,357,403,496: 55.6 %.
    expect(p.blocks.get('block5')).toMatchObject({ text: '4.65G · 55.6 %' });
    expect(p.blocks.get('block5')!.share).toBeCloseTo(4_648_547_904 / 8_357_403_496, 12);
    // block4: 37x37x(3x3x256 + 256x728) + 37x37x(3x3x728 + 728x728) + 19x19x256x728 (1x1 residual)
    // = 258,291,968 + 734,517,784 + 67,278,848 = 1,060,088,600 MACs: the darkest row.
    expect(p.blocks.get('block4')).toMatchObject({ text: '1.06G · 12.7 %', row: 1 });
    // The "x 8" row is tinted by its value per block: 581,068,488 of 1,060,088,600 on a square-root scale.
    expect(p.blocks.get('block5')!.row).toBeCloseTo(Math.sqrt(581_068_488 / 1_060_088_600), 12);
    // An open block has no row.
    expect(p.blocks.get('block13')!.row).toBeUndefined();
    expect(p.flows.get('middle')).toBe('80 layers · 4.65G (55.6 %)');
    // block4_sepconv2 (734,517,784 MACs) is the largest layer: the top of the scale.
    expect(p.layers.get('block4_sepconv2')).toBe(1);
    expect(p.layers.get('block4_sepconv1')).toBeCloseTo(Math.sqrt(258_291_968 / 734_517_784), 12);
  });

  it('sums live medians for times, and shares GFLOP/s bars by time (GFLOP/s do not add up)', () => {
    // Middle flow: 4,648,547,904 / 1e8 ms in its 24 separable convs + 56 layers x 0.05 ms = 49.29 ms.
    const time = diagramPaint(report, 'medianMs', BOXES);
    expect(time.flows.get('middle')).toBe('80 layers · 49.3 ms (55.9 %)');
    const gflops = diagramPaint(report, 'gflops', BOXES);
    expect(gflops.blocks.get('block5')!.share).toBe(time.blocks.get('block5')!.share);
    // 2 x MACs / (MACs / 1e8 ms) = 200 GFLOP/s for every layer with MACs; only those 41 of 134 have a value.
    expect(gflops.blocks.get('block5')!.text).toBe('200.0 GFLOP/s · 55.9 %');
    expect(gflops.layers.size).toBe(41);
    expect(gflops.legend.notes).toContain('41 of 134 layers have a value');
  });

  it('names what it colours by: wall time on the engine, MACs with what they leave out', () => {
    expect(diagramPaint(report, 'medianMs', BOXES).legend.title).toBe('Median wall time on wasm (ms, batch of 1)');
    expect(diagramPaint(report, 'macs', BOXES).legend.title).toBe('MACs per image (bias adds, BN and activations are element-wise ops, not MACs)');
  });

  it('leaves layers without a value out of the scale (timing pending)', async () => {
    const p = diagramPaint(await xceptionReport(), 'medianMs', BOXES);
    expect(p.layers.size).toBe(0);
    expect(p.blocks.get('block4')).toEqual({ share: null, text: 'n/a', row: null });
    expect(p.legend.noValue).toBe('n/a / timing pending');
  });
});

describe('legendSpec', () => {
  it('says "timing pending" only while no layer has been timed', () => {
    expect(legendSpec({ metric: DIAGRAM_METRICS.medianMs, max: 0, known: 0, total: 134 }).noValue).toBe('n/a / timing pending');
    // Timing done: the input layer has no time, but nothing is pending any more.
    const done = legendSpec({ metric: DIAGRAM_METRICS.medianMs, max: 122, known: 133, total: 134 });
    expect(done.noValue).toBe('n/a');
    expect(done.notes).toContain('133 of 134 layers have a value');
    // Static metrics never wait for timing.
    expect(legendSpec({ metric: DIAGRAM_METRICS.macs, max: 0, known: 0, total: 134 }).noValue).toBe('n/a');
  });

  it('explains its uneven steps: a square-root scale at 0, 1/16, 1/4, 9/16 and 1 of the largest', () => {
    const spec = legendSpec({ metric: DIAGRAM_METRICS.medianMs, max: 160, known: 134, total: 134 });
    expect(spec.steps.map((s) => s.label)).toEqual(['0.00 ms', '10.0 ms', '40.0 ms', '90.0 ms', '160 ms']);
    expect(spec.steps.map((s) => scalePosition(Number(s.label.split(' ')[0]), 160))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(spec.notes[0]).toMatch(/^square-root scale: steps at 0, 1\/16, 1\/4, 9\/16 and all of the largest layer/);
    expect(spec.notes).not.toContain(expect.stringMatching(/layers have a value/));
  });

  it('gives the block rows their own scale', () => {
    expect(legendSpec({ metric: DIAGRAM_METRICS.medianMs, max: 160, known: 134, total: 134, rowMax: 184 }).notes.at(-1)).toBe('block rows: tinted on their own scale, darkest 184 ms per block');
  });
});

describe('diagram text, edge by edge', () => {
  it('metricTitle for every metric, with and without an engine', () => {
    const r = { ...report, engine: { ...report.engine!, name: 'wasm' } } as ArchitectureReport;
    const bare = { ...report, engine: undefined } as ArchitectureReport;
    expect(metricTitle(r, 'medianMs')).toBe('Median wall time on wasm (ms, batch of 1)');
    expect(metricTitle(bare, 'medianMs')).toBe('Median wall time (ms, batch of 1)');
    expect(metricTitle(r, 'gflops')).toBe('Achieved GFLOP/s on wasm (FLOPs = 2 x MACs, x batch / median wall time)');
    expect(metricTitle(bare, 'gflops')).toBe('Achieved GFLOP/s (FLOPs = 2 x MACs, x batch / median wall time)');
    expect(metricTitle(r, 'macs')).toBe('MACs per image (bias adds, BN and activations are element-wise ops, not MACs)');
    expect(metricTitle(r, 'params')).toBe('Parameters (trainable + non-trainable)');
    expect(metricTitle(r, 'activationBytes')).toBe('Activation bytes (output size per image)');
  });

  it('params are trainable plus non-trainable, per layer and per group; GFLOP/s only for layers with FLOPs', () => {
    const bn = report.layers.find((l) => l.className === 'BatchNormalization')!;
    expect(DIAGRAM_METRICS.params.layerValue(bn, 1)).toBe(bn.params.trainable + bn.params.nonTrainable);
    expect(bn.params.nonTrainable).toBeGreaterThan(0);
    expect(DIAGRAM_METRICS.params.groupValue([], report.totals, 1)).toBe(report.totals.params.trainable + report.totals.params.nonTrainable);
    expect(DIAGRAM_METRICS.gflops.layerValue({ ...bn, flops: 0 }, 1)).toBeNull();
  });

  it('scalePosition: 0 for a value or maximum of 0, negative or NaN; square root of the fraction, capped at 1', () => {
    expect([scalePosition(0, 10), scalePosition(4, 0), scalePosition(-1, 10), scalePosition(4, -1), scalePosition(NaN, 10), scalePosition(4, NaN)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(scalePosition(2.5, 10)).toBe(0.5);
    expect(scalePosition(20, 10)).toBe(1);
  });

  it('legend: no steps and no notes when nothing has a value; the count note only when some but not all have one; the row note only with a positive row maximum', () => {
    const none = legendSpec({ metric: DIAGRAM_METRICS.macs, max: 0, known: 0, total: 5, rowMax: 0 });
    expect(none).toEqual({ title: 'MACs', steps: [], noValue: 'n/a', notes: [] });
    expect(legendSpec({ metric: DIAGRAM_METRICS.macs, max: 16, known: 5, total: 5 }).notes).toEqual([
      'square-root scale: steps at 0, 1/16, 1/4, 9/16 and all of the largest layer, so small layers stay apart',
    ]);
    expect(legendSpec({ metric: DIAGRAM_METRICS.macs, max: 16, known: 2, total: 5, rowMax: 8 }).notes.slice(1)).toEqual(['2 of 5 layers have a value', 'block rows: tinted on their own scale, darkest 8 per block']);
    expect(legendSpec({ metric: DIAGRAM_METRICS.gflops, max: 0, known: 0, total: 5 }).noValue).toBe('n/a / timing pending');
    expect(legendSpec({ metric: DIAGRAM_METRICS.medianMs, max: 1, known: 1, total: 5 }).noValue).toBe('n/a');
    expect(legendSpec({ metric: DIAGRAM_METRICS.params, max: 16, known: 0, total: 5 }).noValue).toBe('n/a');
  });

  it('blockRowText: the last layer of the last block, the MACs of all of them, and the accessible name', () => {
    const [b1, b2] = ['block5', 'block6'].map((n) => report.blocks.find((b) => b.name === n)!);
    const last = report.layers.find((l) => l.name === b2.layers.at(-1))!;
    const macs = b1.totals.macs + b2.totals.macs;
    const text = blockRowText(report, 'block5-6', [b1.name, 'no such block', b2.name]);
    const detail = `${last.outputShape.slice(1).join('x')} · ${formatCount(macs)} MACs`;
    expect(text).toEqual({
      detail,
      layers: `${b1.totals.layers + b2.totals.layers} layers ▸`,
      ariaLabel: `block5-6: ${b1.totals.layers + b2.totals.layers} layers, ${detail}; open to show its layers`,
    });
    expect(blockRowText(report, 'none', [])).toEqual({ detail: '0 MACs', layers: '0 layers ▸', ariaLabel: 'none: 0 layers, 0 MACs; open to show its layers' });
  });

  it("a box standing for blocks the report does not have counts only those it has; layers missing from the report count nothing", () => {
    const b = report.blocks.find((x) => x.name === 'block4')!;
    const withGhost = { ...report, blocks: report.blocks.map((x) => (x === b ? { ...x, layers: [...x.layers, 'ghost'] } : x)) } as ArchitectureReport;
    const paint = diagramPaint(withGhost, 'medianMs', [{ name: 'box', represents: ['block4', 'missing'], closed: true }]);
    const ms = b.layers.reduce((a, n) => a + (report.layers.find((l) => l.name === n)!.timing!.medianMs ?? 0), 0);
    expect(paint.blocks.get('box')!.text.startsWith(formatMs(ms))).toBe(true);
    expect(paint.blocks.get('box')!.row).toBe(1);
  });
});
