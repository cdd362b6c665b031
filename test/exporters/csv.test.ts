import { beforeAll, describe, expect, it } from 'vitest';
import { csvColumns, csvField, parseCsv, reportToCsv } from '../../src/exporters/csv';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from '../extension/fixtures';

let report: ArchitectureReport;
beforeAll(async () => {
  report = withTimings(await xceptionReport());
});

/** Rows of a CSV as objects keyed by the header. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

describe('reportToCsv', () => {
  it('writes a header and one CRLF-terminated row per layer', () => {
    const text = reportToCsv(report);
    expect(text.split('\r\n')[0]).toBe(csvColumns('flops').join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toHaveLength(1 + 134);
  });

  it('quotes shapes (they hold commas) and writes raw numbers', () => {
    const text = reportToCsv(report);
    const line = text.split('\r\n').find((l) => l.startsWith('block4_sepconv2,'))!;
    // 734,517,784 MACs; 2 x MACs = 1,469,035,568 FLOPs; synthetic median 7.34517784 ms (4 decimals kept).
    expect(line).toBe(
      'block4_sepconv2,SeparableConv2D,entry,block4,"(None, 37, 37, 728)","(None, 37, 37, 728)",536536,0,734517784,1469035568,0,3986528,2146144,7.3452,8.0797,6.6107,10,1,wasm,',
    );
  });

  it('round-trips: parsing the CSV gives back the report values', () => {
    const rows = records(reportToCsv(report));
    expect(rows.map((r) => r.layer)).toEqual(report.layers.map((l) => l.name));
    rows.forEach((r, i) => {
      const l = report.layers[i];
      expect(r.class).toBe(l.className);
      expect(r.block).toBe(l.block);
      expect(Number(r.params_trainable)).toBe(l.params.trainable);
      expect(Number(r.params_non_trainable)).toBe(l.params.nonTrainable);
      expect(Number(r.macs)).toBe(l.macs);
      expect(Number(r.flops)).toBe(l.flops);
      expect(Number(r.activation_bytes)).toBe(l.activationBytes);
      expect(Number(r.median_ms)).toBeCloseTo(l.timing!.medianMs!, 4);
    });
  });

  it('quotes RFC 4180 specials in names and reads them back', () => {
    const r = structuredClone(report);
    r.layers[1].name = 'odd, "quoted"\r\nname';
    const text = reportToCsv(r);
    expect(text).toContain('"odd, ""quoted""\r\nname"');
    expect(records(text)[1].layer).toBe('odd, "quoted"\r\nname');
  });

  it('quotes a field with a line break and no comma (LF, CR and CRLF alike)', () => {
    for (const name of ['two\nlines', 'two\rlines', 'two\r\nlines']) {
      const r = structuredClone(report);
      r.layers[1].name = name;
      const text = reportToCsv(r);
      expect(csvField(name)).toBe(`"${name}"`);
      expect(text).toContain(`\r\n"${name}",`);
      const rows = records(text);
      expect(rows).toHaveLength(r.layers.length);
      expect(rows[1].layer).toBe(name);
    }
  });

  it('leaves times empty for untimed layers', async () => {
    const rows = records(reportToCsv(await xceptionReport()));
    expect(rows[10]).toMatchObject({ median_ms: '', p90_ms: '', min_ms: '', runs: '' });
  });

  it('counts max-pool comparisons under the tf-profiler convention', () => {
    const rows = records(reportToCsv(report, 'tf-profiler'));
    // block2_pool: MaxPool 3x3 -> 9 x 74 x 74 x 128 = 6,308,352 float_ops (tf.profiler's _pool_flops).
    expect(rows.find((r) => r.layer === 'block2_pool')!.flops_tf_profiler).toBe('6308352');
    expect(rows.find((r) => r.layer === 'block4_sepconv2')!.flops_tf_profiler).toBe('1469035568');
  });
});

describe('parseCsv', () => {
  it('reads LF and CRLF, empty fields and doubled quotes', () => {
    expect(parseCsv('a,b,\n"x""y",,"z"\r\n')).toEqual([['a', 'b', ''], ['x"y', '', 'z']]);
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a"b')).toBe('"a""b"');
  });

  it('names the line of an unclosed quote or junk after a closing quote', () => {
    expect(() => parseCsv('a\n"open,b\n')).toThrow(/line 2 is not closed/);
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/after a closing quote on line 2/);
  });
});
