import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  formatBytes,
  formatCount,
  formatInt,
  formatKerasShape,
  formatMs,
  formatShape,
  formatShare,
  gflopsPerSecond,
  layerMedianMs,
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
