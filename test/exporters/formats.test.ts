import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/exporters/csv';
import { EXPORT_FORMATS, exportFormat, exportFormatForPath } from '../../src/exporters/formats';
import { renderHtmlReport } from '../../src/exporters/html';
import type { TraceFile } from '../../src/exporters/trace';
import { isArchitectureReport } from '../../src/report/messages';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from '../extension/fixtures';

// Xception at 71x71, block4_sepconv2 (hand-computed): 9x9x728 in and out, 3x3 depthwise then
// 1x1 pointwise, no bias. Depthwise 9*9*728*9 = 530,712 MACs, pointwise 9*9*728*728 = 42,928,704.
const LAYER = 'block4_sepconv2';
const MACS = 530_712 + 42_928_704;
const PARAMS = 3 * 3 * 728 + 728 * 728;
// The fixtures' synthetic median is MACs / 1e8 ms, p90 = 1.1 x median.
const MEDIAN_MS = MACS / 1e8;

/** A number written with an SI suffix (`43.5M`, `1.2 G`) or thousands separators (`536,536`). */
function readCount(text: string): number {
  const m = /^([\d.,]+)\s*([kKMGT]?)/.exec(text.trim());
  if (!m) throw new Error(`not a count: ${text}`);
  const scale = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]]!;
  return Number(m[1].replace(/,/g, '')) * scale;
}

describe('export formats, parsed back, carry the report numbers', () => {
  let report: ArchitectureReport;
  const render = async (id: Parameters<typeof exportFormat>[0], convention: 'macs' | 'flops' = 'macs') => {
    report = withTimings(await xceptionReport(71));
    return exportFormat(id).render(report, convention);
  };

  it('JSON: the same report (schema 1), with the layer MACs, params and median', async () => {
    const parsed = JSON.parse(await render('json')) as unknown;
    expect(isArchitectureReport(parsed)).toBe(true);
    expect(parsed).toEqual(report);
    const layer = (parsed as ArchitectureReport).layers.find((l) => l.name === LAYER)!;
    expect(layer.macs).toBe(MACS);
    expect(layer.params).toEqual({ trainable: PARAMS, nonTrainable: 0 });
    expect(layer.timing!.medianMs).toBeCloseTo(MEDIAN_MS, 12);
  });

  it('Chrome trace: the layer event lasts its median (us), carries its MACs and FLOPs, and its kernels fill it', async () => {
    const trace = JSON.parse(await render('trace', 'flops')) as TraceFile;
    const event = trace.traceEvents.find((e) => e.name === LAYER && e.cat.startsWith('layer'))!;
    expect(event.dur).toBeCloseTo(MEDIAN_MS * 1000, 3);
    expect(event.args).toMatchObject({ macs: MACS, flops: 2 * MACS, paramsTrainable: PARAMS, outputShape: '(None, 9, 9, 728)' });
    const kernels = trace.traceEvents.filter((e) => e.cat === 'kernel' && e.args.layer === LAYER);
    expect(kernels.map((k) => k.name)).toEqual(['DepthwiseConv2dNative', 'Conv2D']);
    expect(kernels[0].dur! + kernels[1].dur!).toBeCloseTo(MEDIAN_MS * 1000, 2);
    const layers = trace.traceEvents.filter((e) => e.cat.startsWith('layer,'));
    expect(layers).toHaveLength(report.layers.filter((l) => l.timing?.medianMs != null).length);
  });

  it('CSV: the layer row has its shape, params, MACs, FLOPs (2 x MACs) and times', async () => {
    const rows = parseCsv(await render('csv', 'flops'));
    const [header, ...body] = rows;
    expect(body).toHaveLength(report.layers.length);
    const row = Object.fromEntries(header.map((h, i) => [h, body.find((r) => r[0] === LAYER)![i]]));
    expect(row).toMatchObject({ class: 'SeparableConv2D', output_shape: '(None, 9, 9, 728)', params_trainable: String(PARAMS), params_non_trainable: '0' });
    expect(Number(row.macs)).toBe(MACS);
    expect(Number(row.flops)).toBe(2 * MACS);
    expect(Number(row.median_ms)).toBeCloseTo(MEDIAN_MS, 4);
    expect(Number(row.p90_ms)).toBeCloseTo(1.1 * MEDIAN_MS, 4);
    expect(Number(row.runs)).toBe(10);
    const totalMacs = body.reduce((a, r) => a + Number(r[header.indexOf('macs')]), 0);
    expect(totalMacs).toBe(report.totals.macs);
  });

  it('Markdown: the layer row has its shape, params, MACs and median', async () => {
    const md = await render('markdown', 'macs');
    const line = md.split('\n').find((l) => l.startsWith(`| \`${LAYER}\``))!;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells.slice(0, 3)).toEqual([`\`${LAYER}\``, '`SeparableConv2D`', '`block4`']);
    expect(cells[3]).toMatch(/9\D+9\D+728/);
    expect(readCount(cells[4])).toBe(PARAMS);
    // Shown rounded: 3 significant digits (43.5M) and 2 decimals of ms.
    expect(Math.abs(readCount(cells[5]) - MACS)).toBeLessThanOrEqual(0.05e6);
    expect(Math.abs(Number(/^([\d.]+) ms$/.exec(cells[6])![1]) - MEDIAN_MS)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(Number(/^([\d.]+) ms$/.exec(cells[7])![1]) - 1.1 * MEDIAN_MS)).toBeLessThanOrEqual(0.005);
  });

  it('HTML: the embedded report data is the report, under a CSP that loads nothing remote', async () => {
    report = withTimings(await xceptionReport(71));
    const html = renderHtmlReport(report, { js: 'console.log("app")' });
    const data = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)![1];
    const parsed = JSON.parse(data) as ArchitectureReport;
    expect(parsed).toEqual(report);
    expect(parsed.layers.find((l) => l.name === LAYER)!.macs).toBe(MACS);
    expect(html).toMatch(/content="default-src 'none'; img-src data:; style-src 'nonce-[^']+'; script-src 'nonce-[^']+'"/);
  });

  it('every format of the table is covered above', () => {
    expect(EXPORT_FORMATS.map((f) => f.id)).toEqual(['json', 'trace', 'csv', 'markdown']);
  });

  it('picks the format from the file extension', () => {
    expect(exportFormatForPath('/x/profile.trace.json')?.id).toBe('trace');
    expect(exportFormatForPath('/x/profile.json')?.id).toBe('json');
    expect(exportFormatForPath('C:\\x\\PROFILE.CSV')?.id).toBe('csv');
    expect(exportFormatForPath('notes.md')?.id).toBe('markdown');
    expect(exportFormatForPath('profile.txt')).toBeUndefined();
  });
});
