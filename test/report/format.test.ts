import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  formatBytes,
  formatCount,
  formatGflops,
  formatInt,
  formatKerasShape,
  formatMs,
  formatShape,
  formatRatio,
  formatShare,
  gflopsPerSecond,
  isNum,
  layerMedianMs,
  plural,
} from '../../src/report/format';
import type { LayerReport } from '../../src/report/schema';

describe('shapes', () => {
  it('NHWC without the batch, and as Keras prints it', () => {
    expect(formatShape([null, 37, 37, 728])).toBe('37x37x728');
    expect(formatShape([null, null, 5])).toBe('?x5');
    expect(formatShape([null])).toBe('scalar');
    expect(formatKerasShape([null, 37, 37, 728])).toBe('(None, 37, 37, 728)');
    expect(formatKerasShape([null])).toBe('(None,)');
  });
});

describe('counts', () => {
  it('with SI prefixes: one decimal below 1e9, two from G', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(1_500)).toBe('1.5K');
    expect(formatCount(734_517_784)).toBe('734.5M');
    expect(formatCount(8_357_403_496)).toBe('8.36G');
    expect(formatCount(2.5e12)).toBe('2.50T');
    expect(formatCount(NaN)).toBe('n/a');
  });
  it('exact integers with thousands separators', () => {
    expect(formatInt(22_910_480)).toBe('22,910,480');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(1000)).toBe('1,000');
    expect(formatInt(-1234567.6)).toBe('-1,234,568');
    expect(formatInt(8_357_403_496)).toBe((8_357_403_496).toLocaleString('en-US'));
    expect(formatInt(Infinity)).toBe('n/a');
  });
});

describe('times, bytes, shares', () => {
  it('ms with 2, 1 or 0 decimals by size; n/a for missing', () => {
    expect(formatMs(7.3452)).toBe('7.35 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(123.4)).toBe('123 ms');
    expect(formatMs(null)).toBe('n/a');
    expect(formatMs(undefined)).toBe('n/a');
    expect(formatMs(NaN)).toBe('n/a');
  });
  it('bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 2 ** 20)).toBe('3.0 MiB');
    expect(formatBytes(2 ** 31)).toBe('2.00 GiB');
  });
  it('share of a whole with one decimal and a spaced percent sign', () => {
    expect(formatShare(12.345, 100)).toBe('12.3 %');
    expect(formatShare(1, 3)).toBe('33.3 %');
    expect(formatShare(1, 0)).toBe('n/a');
    expect(formatShare(null, 10)).toBe('n/a');
  });
});

describe('gflopsPerSecond', () => {
  it('is FLOPs x batch / time', () => {
    // 1.469 GFLOP in 7.35 ms = 199.9 GFLOP/s; a batch of 4 in the same time is 4x that.
    expect(gflopsPerSecond(1_469_035_568, 7.35)).toBeCloseTo(199.869, 3);
    expect(gflopsPerSecond(1_469_035_568, 7.35, 4)).toBeCloseTo(799.475, 3);
  });
  it('is null without FLOPs or a positive time', () => {
    expect(gflopsPerSecond(0, 1)).toBeNull();
    expect(gflopsPerSecond(10, 0)).toBeNull();
    expect(gflopsPerSecond(10, null)).toBeNull();
  });
});

describe('layerMedianMs and escapeHtml', () => {
  it('reads a finite median or null', () => {
    const layer = { timing: { medianMs: 2.5 } } as LayerReport;
    expect(layerMedianMs(layer)).toBe(2.5);
    expect(layerMedianMs({} as LayerReport)).toBeNull();
    expect(layerMedianMs({ timing: { medianMs: null } } as LayerReport)).toBeNull();
  });
  it('escapes markup characters as references', () => {
    expect(escapeHtml(`<b a="x">&'`)).toBe('&#60;b a=&#34;x&#34;&#62;&#38;&#39;');
  });
});

describe('unit boundaries: each unit starts at its own threshold, inclusive', () => {
  it('counts switch to K, M, G and T at exactly 1e3, 1e6, 1e9 and 1e12, negatives by their size', () => {
    expect([999, 1e3, 1e6, 1e9, 1e12].map(formatCount)).toEqual(['999', '1.0K', '1.0M', '1.00G', '1.00T']);
    expect(formatCount(-2_500)).toBe('-2.5K');
    expect(formatCount(999.6)).toBe('1000');
  });
  it('ms switch to 1 decimal at 10 ms and none at 100 ms; infinite is n/a', () => {
    expect([9.999, 10, 99.94, 100].map(formatMs)).toEqual(['10.00 ms', '10.0 ms', '99.9 ms', '100 ms']);
    expect(formatMs(Infinity)).toBe('n/a');
  });
  it('bytes switch to KiB, MiB and GiB at exactly 2^10, 2^20 and 2^30; infinite is n/a', () => {
    expect([1023, 2 ** 10, 2 ** 20, 2 ** 30].map(formatBytes)).toEqual(['1023 B', '1.0 KiB', '1.0 MiB', '1.00 GiB']);
    expect(formatBytes(Infinity)).toBe('n/a');
  });
  it('GFLOP/s with 2 decimals below 10, 1 from 10; n/a when missing', () => {
    expect([9.999, 10, 41.66, -3.5].map(formatGflops)).toEqual(['10.00 GFLOP/s', '10.0 GFLOP/s', '41.7 GFLOP/s', '-3.50 GFLOP/s']);
    expect([null, undefined, NaN].map(formatGflops)).toEqual(['n/a', 'n/a', 'n/a']);
  });
  it('ratios with 2 decimals below 10, 1 below 100, none from 100; n/a when missing', () => {
    expect([8.8901, 10, 55.81, 99.94, 100, 125.4, -12.34].map(formatRatio)).toEqual(['8.89x', '10.0x', '55.8x', '99.9x', '100x', '125x', '-12.3x']);
    expect([null, undefined, Infinity].map(formatRatio)).toEqual(['n/a', 'n/a', 'n/a']);
  });
  it('plural: singular for exactly 1', () => {
    expect([0, 1, 2].map((n) => plural(n, 'run'))).toEqual(['0 runs', '1 run', '2 runs']);
  });
  it('isNum: finite numbers only', () => {
    expect([0, -1.5, NaN, Infinity, null, undefined, '3'].map(isNum)).toEqual([true, true, false, false, false, false, false]);
  });
  it('gflopsPerSecond: null for an infinite or missing time; layerMedianMs: null for a missing or infinite median', () => {
    expect(gflopsPerSecond(10, Infinity)).toBeNull();
    expect(gflopsPerSecond(10, undefined)).toBeNull();
    expect(gflopsPerSecond(2e6, 1)).toBe(2);
    const layer = (medianMs: number | null | undefined) => ({ timing: medianMs === undefined ? undefined : { medianMs } }) as unknown as LayerReport;
    expect([layer(7.5), layer(null), layer(undefined), layer(Infinity)].map(layerMedianMs)).toEqual([7.5, null, null, null]);
  });
  it('formatShare: n/a for an infinite part or whole', () => {
    expect(formatShare(Infinity, 10)).toBe('n/a');
    expect(formatShare(1, Infinity)).toBe('n/a');
    expect(formatShare(0, 10)).toBe('0.0 %');
  });
});
