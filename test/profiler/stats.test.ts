import { describe, expect, it } from 'vitest';
import { median, minimum, percentile } from '../../src/profiler/stats';

describe('median', () => {
  it('takes the middle sample of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('ignores NaN and infinities; null when no finite sample is left', () => {
    expect(median([NaN, 2, Infinity, 4, -Infinity])).toBe(3);
    expect(median([NaN])).toBeNull();
    expect(median([])).toBeNull();
  });
  it('does not reorder its input', () => {
    const s = [3, 1, 2];
    median(s);
    expect(s).toEqual([3, 1, 2]);
  });
});

describe('percentile (nearest rank)', () => {
  const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  it('p90 of 10 samples is the 9th smallest, p50 the 5th, p100 the largest', () => {
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 100)).toBe(10);
  });
  it('p90 rounds the rank up (ceil(0.9 n)): 3 runs -> the 3rd, 4 runs -> the 4th, 7 runs -> the 7th', () => {
    // Nearest rank: rank = ceil(p/100 * n). Rounding down would give the 2nd, 3rd and 6th.
    expect(percentile([30, 10, 20], 90)).toBe(30);
    expect(percentile([4, 1, 3, 2], 90)).toBe(4);
    expect(percentile([7, 1, 6, 2, 5, 3, 4], 90)).toBe(7);
    // Where 0.9 n is a whole number both agree: 20 runs -> the 18th.
    expect(percentile(Array.from({ length: 20 }, (_, i) => 20 - i), 90)).toBe(18);
  });
  it('a tiny p takes the smallest sample; one sample is every percentile', () => {
    expect(percentile(ten, 0.1)).toBe(1);
    expect(percentile([7], 90)).toBe(7);
  });
  it('ignores non-finite samples; null when none is left', () => {
    expect(percentile([NaN, 1, 2, 3], 90)).toBe(3);
    expect(percentile([NaN, Infinity], 90)).toBeNull();
  });
});

describe('minimum', () => {
  it('is the smallest finite sample, null when there is none', () => {
    expect(minimum([3, NaN, 1.5, 2])).toBe(1.5);
    expect(minimum([-Infinity, 2])).toBe(2);
    expect(minimum([])).toBeNull();
  });
});
