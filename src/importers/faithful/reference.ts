/**
 * Independent references for the faithful replacements (layers.ts, activations.ts): plain
 * JavaScript loops over NHWC arrays, written from Keras's and TF's definitions, sharing no code
 * with the replacements (but UpSampling2D's resampling weights, analysis/layers/resampling.ts,
 * which their tests check against hand-worked values) and calling no TF.js op. Slow (direct
 * loops): for small inputs only, in the correctness check and the tests.
 *
 * Definitions: TF's convolution with `same` padding pads floor(total / 2) before and the rest
 * after, total = max((out - 1) s + k_eff - in, 0), out = ceil(in / s) (tf.nn.convolution docs);
 * a dilated kernel has taps d apart, k_eff = (k - 1) d + 1; a transposed convolution scatters each
 * input value times the kernel into the output (tf.nn.conv2d_transpose, the gradient of conv2d).
 */
import { resamplingMatrix } from '../../analysis/layers/resampling';
import { convOutputLength, deconvOutputLength } from './layers';

/** A dense NHWC (or any rank) float array. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Padding before the first output position, per TF's `same` / `valid` rules. */
function padBefore(length: number, out: number, kernel: number, stride: number, padding: string): number {
  return padding === 'same' ? Math.floor(Math.max((out - 1) * stride + kernel - length, 0) / 2) : 0;
}

export interface ConvOptions {
  strides: [number, number];
  padding: string;
  dilation: [number, number];
  /** Channel groups: input channel block g feeds output channel block g only. */
  groups: number;
}

/**
 * Direct 2-D convolution, NHWC, kernel `[kh, kw, Cin / groups, Cout]` (Keras's layout).
 * A depthwise kernel `[kh, kw, Cin, m]` is the grouped kernel `[kh, kw, 1, Cin m]` with groups = Cin.
 */
export function conv2dReference(x: HostTensor, kernel: HostTensor, o: ConvOptions): HostTensor {
  const [n, h, w, cin] = x.shape;
  const [kh, kw, cinPerGroup, cout] = kernel.shape;
  const coutPerGroup = cout / o.groups;
  const oh = convOutputLength(h, kh, o.padding, o.strides[0], o.dilation[0]);
  const ow = convOutputLength(w, kw, o.padding, o.strides[1], o.dilation[1]);
  const top = padBefore(h, oh, (kh - 1) * o.dilation[0] + 1, o.strides[0], o.padding);
  const left = padBefore(w, ow, (kw - 1) * o.dilation[1] + 1, o.strides[1], o.padding);
  const out = new Float32Array(n * oh * ow * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let co = 0; co < cout; co++) {
          const g = Math.floor(co / coutPerGroup);
          let sum = 0;
          for (let p = 0; p < kh; p++) {
            const y = i * o.strides[0] + p * o.dilation[0] - top;
            if (y < 0 || y >= h) continue;
            for (let q = 0; q < kw; q++) {
              const xx = j * o.strides[1] + q * o.dilation[1] - left;
              if (xx < 0 || xx >= w) continue;
              for (let c = 0; c < cinPerGroup; c++) {
                sum += x.data[((b * h + y) * w + xx) * cin + g * cinPerGroup + c] * kernel.data[((p * kw + q) * cinPerGroup + c) * cout + co];
              }
            }
          }
          out[((b * oh + i) * ow + j) * cout + co] = sum;
        }
  return { shape: [n, oh, ow, cout], data: out };
}

/**
 * Keras's transposed convolution as a scatter loop: input (i, j) adds x * kernel[p, q] at output
 * (i s + p d - pad, j s + q d - pad), output length from Keras's `deconv_output_length`, pad as
 * TF's `same` rule computes it for that length (0 for `valid`). Kernel `[kh, kw, Cout, Cin]`.
 */
export function conv2dTransposeReference(x: HostTensor, kernel: HostTensor, o: { strides: [number, number]; padding: string; dilation: [number, number]; outputPadding: [number, number] | null }): HostTensor {
  const [n, h, w, cin] = x.shape;
  const [kh, kw, cout] = kernel.shape;
  const oh = deconvOutputLength(h, kh, o.padding, o.outputPadding?.[0] ?? null, o.strides[0], o.dilation[0]);
  const ow = deconvOutputLength(w, kw, o.padding, o.outputPadding?.[1] ?? null, o.strides[1], o.dilation[1]);
  // The forward convolution of an oh x ow input gives h x w: its `same` padding is the offset.
  const top = padBefore(oh, h, (kh - 1) * o.dilation[0] + 1, o.strides[0], o.padding);
  const left = padBefore(ow, w, (kw - 1) * o.dilation[1] + 1, o.strides[1], o.padding);
  const out = new Float32Array(n * oh * ow * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let p = 0; p < kh; p++) {
          const y = i * o.strides[0] + p * o.dilation[0] - top;
          if (y < 0 || y >= oh) continue;
          for (let q = 0; q < kw; q++) {
            const xx = j * o.strides[1] + q * o.dilation[1] - left;
            if (xx < 0 || xx >= ow) continue;
            for (let co = 0; co < cout; co++) {
              let sum = 0;
              for (let ci = 0; ci < cin; ci++) sum += x.data[((b * h + i) * w + j) * cin + ci] * kernel.data[((p * kw + q) * cout + co) * cin + ci];
              out[((b * oh + y) * ow + xx) * cout + co] += sum;
            }
          }
        }
  return { shape: [n, oh, ow, cout], data: out };
}

/** Mean or max over the spatial axes (all but the first and the last), keeping them as size 1. */
export function globalPoolReference(x: HostTensor, mode: 'average' | 'max'): HostTensor {
  const n = x.shape[0];
  const c = x.shape[x.shape.length - 1];
  const positions = sizeOf(x.shape) / (n * c);
  const out = new Float32Array(n * c);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      let acc = mode === 'max' ? -Infinity : 0;
      for (let p = 0; p < positions; p++) {
        const v = x.data[(b * positions + p) * c + ch];
        acc = mode === 'max' ? Math.max(acc, v) : acc + v;
      }
      out[b * c + ch] = mode === 'max' ? acc : acc / positions;
    }
  return { shape: [n, ...x.shape.slice(1, -1).map(() => 1), c], data: out };
}

/**
 * Bilinear upsampling by integer factors with half-pixel centres (tf.image.resize, which Keras's
 * UpSampling2D calls): source coordinate (i + 0.5) / s - 0.5, clamped to the image.
 */
export function upsampleBilinearReference(x: HostTensor, [sh, sw]: [number, number]): HostTensor {
  const [n, h, w, c] = x.shape;
  const oh = h * sh;
  const ow = w * sw;
  const out = new Float32Array(n * oh * ow * c);
  const source = (i: number, s: number, len: number): [number, number, number] => {
    const v = Math.min(Math.max((i + 0.5) / s - 0.5, 0), len - 1);
    const lo = Math.floor(v);
    return [lo, Math.min(lo + 1, len - 1), v - lo];
  };
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++) {
      const [y0, y1, fy] = source(i, sh, h);
      for (let j = 0; j < ow; j++) {
        const [x0, x1, fx] = source(j, sw, w);
        for (let ch = 0; ch < c; ch++) {
          const at = (y: number, xx: number): number => x.data[((b * h + y) * w + xx) * c + ch];
          const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
          const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
          out[((b * oh + i) * ow + j) * c + ch] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  return { shape: [n, oh, ow, c], data: out };
}

/**
 * UpSampling2D by integer factors with one of Keras's resampling kernels (tf.image.resize): each
 * output value sum_a sum_b R[i, a] C[j, b] x[a, b], with R and C the weight matrices of the
 * two axes (analysis/layers/resampling.ts), in float64.
 */
export function upsampleReference(x: HostTensor, [sh, sw]: [number, number], interpolation: string): HostTensor {
  if (interpolation === 'bilinear') return upsampleBilinearReference(x, [sh, sw]);
  const [n, h, w, c] = x.shape;
  const oh = h * sh;
  const ow = w * sw;
  const rows = resamplingMatrix(interpolation, h, sh);
  const cols = resamplingMatrix(interpolation, w, sw);
  const out = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let a = 0; a < h; a++) {
            const r = rows[i * h + a];
            if (r === 0) continue;
            for (let bb = 0; bb < w; bb++) acc += r * cols[j * w + bb] * x.data[((b * h + a) * w + bb) * c + ch];
          }
          out[((b * oh + i) * ow + j) * c + ch] = acc;
        }
  return { shape: [n, oh, ow, c], data: out };
}

/**
 * Keras's LayerNormalization with rms_scaling (keras/src/ops/nn.py, `_layer_normalization`):
 * x / sqrt(var(x) + epsilon) x gamma, the variance (about the mean) over `axes`, the input not
 * centred. `gamma` holds one value per position of `axes` (row-major over them).
 */
export function rmsScalingReference(x: HostTensor, axes: number[], epsilon: number, gamma: Float32Array): HostTensor {
  const strides = x.shape.map((_, i) => sizeOf(x.shape.slice(i + 1)));
  const coordinates = (flat: number): number[] => strides.map((s, i) => Math.floor(flat / s) % x.shape[i]);
  // Group of a value: its coordinates off the axes; its gamma: its coordinates on them.
  const groupOf = (c: number[]): string => c.map((v, i) => (axes.includes(i) ? 0 : v)).join(',');
  const gammaIndex = (c: number[]): number => axes.reduce((at, axis) => at * x.shape[axis] + c[axis], 0);
  const sums = new Map<string, { n: number; sum: number; squares: number }>();
  for (let i = 0; i < x.data.length; i++) {
    const key = groupOf(coordinates(i));
    const g = sums.get(key) ?? { n: 0, sum: 0, squares: 0 };
    g.n++;
    g.sum += x.data[i];
    g.squares += x.data[i] * x.data[i];
    sums.set(key, g);
  }
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const c = coordinates(i);
    const g = sums.get(groupOf(c))!;
    const mean = g.sum / g.n;
    const variance = g.squares / g.n - mean * mean;
    out[i] = (x.data[i] / Math.sqrt(variance + epsilon)) * gamma[gammaIndex(c)];
  }
  return { shape: x.shape, data: out };
}

/** erf in float64: its Maclaurin series below 2.5, the continued fraction of erfc above (Abramowitz and Stegun 7.1.5, 7.1.14). */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a < 2.5) {
    // Maclaurin series: erf(x) = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)).
    let term = a;
    let sum = a;
    for (let n = 1; n < 60; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // Continued fraction for erfc at larger |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return sign * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}

const relu6 = (v: number): number => Math.min(Math.max(v, 0), 6);

/** Keras's activations, element by element (keras/src/activations/activations.py). `hard_sigmoid` is Keras 3's; `hard_sigmoid_keras2` Keras 2's. */
export const ACTIVATION_REFERENCE: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
  silu: (v) => v / (1 + Math.exp(-v)),
  swish: (v) => v / (1 + Math.exp(-v)),
  hard_silu: (v) => (v * relu6(v + 3)) / 6,
  hard_swish: (v) => (v * relu6(v + 3)) / 6,
  hard_sigmoid: (v) => relu6(v + 3) / 6,
  hard_sigmoid_keras2: (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  leaky_relu: (v) => (v >= 0 ? v : 0.2 * v),
  elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
  selu: (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1)),
  softplus: (v) => Math.log1p(Math.exp(v)),
  softsign: (v) => v / (1 + Math.abs(v)),
  mish: (v) => v * Math.tanh(Math.log1p(Math.exp(v))),
  exponential: Math.exp,
  celu: (v) => Math.max(v, 0) + Math.min(Math.exp(v) - 1, 0),
  hard_tanh: (v) => Math.min(Math.max(v, -1), 1),
  log_sigmoid: (v) => -Math.log1p(Math.exp(-v)),
  tanh_shrink: (v) => v - Math.tanh(v),
  squareplus: (v) => (v + Math.sqrt(v * v + 4)) / 2,
  sparse_plus: (v) => (v <= -1 ? 0 : v >= 1 ? v : ((v + 1) * (v + 1)) / 4),
  sparse_sigmoid: (v) => Math.min(Math.max((v + 1) / 2, 0), 1),
  soft_shrink: (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0),
  hard_shrink: (v) => (Math.abs(v) > 0.5 ? v : 0),
};

/** Keras's ReLU layer, step by step as `ReLU.static_call` (keras/src/activations/activations.py) computes it. */
export function kerasReluReference(v: number, negativeSlope: number, maxValue: number | null, threshold: number): number {
  if (negativeSlope !== 0 && maxValue === null && threshold === 0) return v >= 0 ? v : negativeSlope * v;
  let clipMax = maxValue !== null;
  let y: number;
  if (threshold !== 0) y = v > threshold ? v : 0;
  else if (maxValue === 6) {
    y = relu6(v);
    clipMax = false;
  } else y = Math.max(v, 0);
  if (clipMax) y = Math.min(Math.max(y, 0), maxValue!);
  return negativeSlope !== 0 ? y - negativeSlope * Math.max(threshold - v, 0) : y;
}

/** `f` applied to every value. */
export function mapReference(x: HostTensor, f: (v: number) => number): HostTensor {
  return { shape: x.shape, data: x.data.map(f) };
}

/** x + bias over the last axis. */
export function addBiasReference(x: HostTensor, bias: Float32Array): HostTensor {
  const c = bias.length;
  return { shape: x.shape, data: x.data.map((v, i) => v + bias[i % c]) };
}
