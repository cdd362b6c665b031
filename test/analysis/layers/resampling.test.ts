/**
 * UpSampling2D's resampling weights (TensorFlow's scale_and_translate and ResizeBicubic with
 * half-pixel centres), against weights worked out by hand from the kernels' definitions.
 */
import { describe, expect, it } from 'vitest';
import { isInterpolation, resamplingMatrix, resamplingOpsPerValue, tapsPerAxis, UPSAMPLING_INTERPOLATIONS } from '../../../src/analysis/layers/resampling';

/** Row `x` of the [inLength x factor, inLength] matrix. */
const row = (name: string, inLength: number, factor: number, x: number): number[] => Array.from(resamplingMatrix(name, inLength, factor).subarray(x * inLength, (x + 1) * inLength));

function expectRow(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
}

describe('resampling weights of one axis', () => {
  it('bicubic (Keys, a = -0.5) by 2: interior rows are the kernel at 1.75, 0.75, 0.25, 1.25; border rows drop the taps outside and renormalise', () => {
    // Output pixel 4 samples input position 4.5 / 2 = 2.25: input centres 0.5 .. 3.5 lie 1.75, 0.75, 0.25, 1.25 away.
    // Keys: |d| < 1: 1.5 d^3 - 2.5 d^2 + 1; 1 <= |d| < 2: -0.5 d^3 + 2.5 d^2 - 4 d + 2.
    expectRow(row('bicubic', 4, 2, 4), [-0.0234375, 0.2265625, 0.8671875, -0.0703125]);
    // Output pixel 0 samples 0.25: input 0 (0.25 away) and 1 (1.25 away); -1 and -2 are outside.
    // 0.8671875 and -0.0703125 over their sum 0.796875: 37/34 and -3/34.
    expectRow(row('bicubic', 4, 2, 0), [37 / 34, -3 / 34, 0, 0]);
    // Output pixel 7 mirrors pixel 0.
    expectRow(row('bicubic', 4, 2, 7), [0, 0, -3 / 34, 37 / 34]);
  });

  it("bicubic by 3 samples at ResizeBicubic's 1024-step table positions, not the exact ones", () => {
    // Output pixel 5 samples 5.5 / 3 = 1.8333: position 1.3333 - 1 = 0.3333 rounds to 341 / 1024.
    const d = 341 / 1024;
    const keys = (t: number): number => (t < 1 ? 1.5 * t ** 3 - 2.5 * t ** 2 + 1 : -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2);
    expectRow(row('bicubic', 4, 3, 5), [keys(1 + d), keys(d), keys(1 - d), keys(2 - d)]);
    expect(row('bicubic', 4, 3, 5)[1]).not.toBeCloseTo(keys(1 / 3), 5);
  });

  it('lanczos3 by 2: six taps of radius sin(pi d) sin(pi d / 3) / (pi d)^2 x 3, renormalised', () => {
    // Output pixel 6 samples 6.5 / 2 = 3.25 in an 8-pixel axis: inputs 0 .. 5 lie 2.75, 1.75, 0.75, 0.25, 1.25, 2.25 away; 6 and 7 lie past the radius.
    const lanczos3 = (t: number): number => (3 * Math.sin(Math.PI * t) * Math.sin((Math.PI * t) / 3)) / (Math.PI * t) ** 2;
    const w = [2.75, 1.75, 0.75, 0.25, 1.25, 2.25].map(lanczos3);
    const sum = w.reduce((a, b) => a + b, 0);
    expectRow(row('lanczos3', 8, 2, 6), [...w.map((v) => v / sum), 0, 0]);
  });

  it('gaussian (sigma 0.5, radius 1.5): three taps', () => {
    const g = (t: number): number => Math.exp(-2 * t * t);
    const w = [1.25, 0.25, 0.75].map(g);
    const sum = w.reduce((a, b) => a + b, 0);
    // Output pixel 3 samples 1.75: inputs 0, 1, 2 lie 1.25, 0.25, 0.75 away; input 3 is 1.75 away, past the radius.
    expectRow(row('gaussian', 4, 2, 3), [...w.map((v) => v / sum), 0]);
  });

  it('mitchellcubic (B = C = 1/3) and bilinear interior rows', () => {
    // |d| < 1: (7 d^3 - 12 d^2 + 16/3) / 6; 1 <= |d| < 2: (-7/3 d^3 + 12 d^2 - 20 d + 32/3) / 6. They sum to 1.
    const m = (t: number): number => (t < 1 ? (7 * t ** 3 - 12 * t ** 2 + 16 / 3) / 6 : ((-7 / 3) * t ** 3 + 12 * t ** 2 - 20 * t + 32 / 3) / 6);
    expectRow(row('mitchellcubic', 4, 2, 4), [1.75, 0.75, 0.25, 1.25].map(m));
    expectRow(row('bilinear', 4, 2, 4), [0, 0.25, 0.75, 0]);
    expectRow(row('bilinear', 4, 2, 0), [1, 0, 0, 0]);
  });

  it('nearest and area copy input pixel floor(x / factor)', () => {
    for (const name of ['nearest', 'area']) {
      expect([0, 1, 2, 3, 4, 5].map((x) => row(name, 2, 3, x))).toEqual([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1]]);
    }
  });

  it('every row of every kernel sums to 1', () => {
    for (const name of UPSAMPLING_INTERPOLATIONS)
      for (const [length, factor] of [[1, 2], [3, 2], [5, 3], [7, 4]]) {
        for (let x = 0; x < length * factor; x++) expect(row(name, length, factor, x).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }
  });
});

describe('what a kernel costs', () => {
  it('taps per axis: 2 x the radius, 1 for a copy; ops per output value: taps^2 multiplies + taps^2 - 1 adds', () => {
    const names = ['nearest', 'area', 'bilinear', 'gaussian', 'bicubic', 'mitchellcubic', 'lanczos3', 'lanczos5'];
    expect(names.map(tapsPerAxis)).toEqual([1, 1, 2, 3, 4, 4, 6, 10]);
    expect(names.map(resamplingOpsPerValue)).toEqual([0, 0, 7, 17, 31, 31, 71, 199]);
    expect([...UPSAMPLING_INTERPOLATIONS].sort()).toEqual([...names].sort());
  });

  it('refuses names Keras does not accept', () => {
    expect([isInterpolation('bicubic'), isInterpolation('cubic'), isInterpolation('toString'), isInterpolation(2)]).toEqual([true, false, false, false]);
    expect(() => tapsPerAxis('cubic')).toThrow('unknown interpolation "cubic"');
    expect(() => resamplingMatrix('linear', 2, 2)).toThrow('unknown interpolation "linear"');
  });
});
