/**
 * The diagram's numbers (src/report/diagramView.ts), checked against hand-computed values of
 * Keras's Xception-299 (the real static report) with the SYNTHETIC timings of
 * test/extension/fixtures.ts (median = MACs / 1e8 ms, 0.05 ms without MACs), and the legend's text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DIAGRAM_METRICS, diagramPaint, legendSpec, scalePosition } from '../../src/report/diagramView';
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
