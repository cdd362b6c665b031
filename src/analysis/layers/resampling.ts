/**
 * Keras UpSampling2D's interpolations as resampling kernels: what each one costs (the registry)
 * and the weights it samples with (the faithful replacement and its reference).
 *
 * Keras resizes with `tf.image.resize(x, [h * sh, w * sw], method=interpolation)`, antialias off
 * (tf.keras 2: `backend.resize_images`; Keras 3: `ops.image.resize`). Keras 3 accepts nearest,
 * bilinear, bicubic, lanczos3 and lanczos5; tf.keras 2 also area, gaussian and mitchellcubic.
 * TensorFlow samples output pixel x of an axis at input position (x + 0.5) / s (half-pixel
 * centres), weighs each input pixel j by kernel(|j + 0.5 - (x + 0.5) / s|), drops taps outside the
 * image and divides by the sum of the remaining weights (tensorflow/core/kernels/image/
 * scale_and_translate_op.cc, ComputeSpansCore; its kernels in sampling_kernels.h). Bicubic runs
 * TensorFlow's ResizeBicubic, the Keys kernel (a = -0.5) with the same border rule, whose weights
 * come from a table of 1024 steps of the fractional position: exact here for factors that are
 * powers of two up to 512, within 1/2048 of a step otherwise. Nearest and area by an integer
 * factor copy input pixel floor(x / s).
 */

/** A resampling kernel: weight of an input pixel at `distance` pixels; 0 from `radius` on. */
interface Kernel {
  radius: number;
  weight(distance: number): number;
}

/** Lanczos kernel of `radius` lobes (sampling_kernels.h, LanczosKernelFunc). */
function lanczos(radius: number): Kernel {
  return {
    radius,
    weight: (d) => (d > radius ? 0 : d <= 1e-3 ? 1 : (radius * Math.sin(Math.PI * d) * Math.sin((Math.PI * d) / radius)) / (Math.PI * Math.PI * d * d)),
  };
}

/** The interpolations Keras's UpSampling2D accepts: a kernel, or `copy` (nearest neighbour). */
const INTERPOLATIONS: Record<string, Kernel | 'copy'> = {
  nearest: 'copy',
  // Box kernel, radius 0.5: by an integer factor each output pixel lies inside one input pixel.
  area: 'copy',
  bilinear: { radius: 1, weight: (d) => (d < 1 ? 1 - d : 0) },
  // Keys cubic convolution, a = -0.5.
  bicubic: { radius: 2, weight: (d) => (d >= 2 ? 0 : d >= 1 ? ((-0.5 * d + 2.5) * d - 4) * d + 2 : (1.5 * d - 2.5) * d * d + 1) },
  // Mitchell-Netravali, B = C = 1/3.
  mitchellcubic: { radius: 2, weight: (d) => (d >= 2 ? 0 : d >= 1 ? ((-7 / 18) * d + 2) * d * d - (10 / 3) * d + 16 / 9 : (7 / 6) * d * d * d - 2 * d * d + 8 / 9) },
  // sigma = radius / 3 = 0.5.
  gaussian: { radius: 1.5, weight: (d) => (d >= 1.5 ? 0 : Math.exp(-(d * d) / (2 * 0.25))) },
  lanczos3: lanczos(3),
  lanczos5: lanczos(5),
};

/** The interpolation names Keras's UpSampling2D accepts (tf.keras 2 and Keras 3 together). */
export const UPSAMPLING_INTERPOLATIONS = Object.keys(INTERPOLATIONS);

/** Whether Keras's UpSampling2D accepts `name`. */
export function isInterpolation(name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(INTERPOLATIONS, name);
}

/**
 * Input pixels an output pixel of one axis reads away from the border: 1 for a copy, else
 * 2 x the kernel's radius (bilinear 2, bicubic and mitchellcubic 4, gaussian 3, lanczos3 6,
 * lanczos5 10).
 * @throws Error for a name `isInterpolation` refuses.
 */
export function tapsPerAxis(name: string): number {
  const kernel = kernelOf(name);
  return kernel === 'copy' ? 1 : 2 * kernel.radius;
}

/**
 * Element-wise ops per output value of a 2-D resampling with `name`, by the direct formula:
 * taps^2 multiplies and taps^2 - 1 adds (bilinear 7, bicubic 31); 0 for a copy.
 */
export function resamplingOpsPerValue(name: string): number {
  if (kernelOf(name) === 'copy') return 0;
  const taps = tapsPerAxis(name) ** 2;
  return 2 * taps - 1;
}

/**
 * The weights of one axis upsampled by `factor` with `name`: a row-major [inLength x factor,
 * inLength] matrix whose row x holds the weights of output pixel x (each row sums to 1).
 * @throws Error for a name `isInterpolation` refuses.
 */
export function resamplingMatrix(name: string, inLength: number, factor: number): Float64Array {
  const kernel = kernelOf(name);
  const outLength = inLength * factor;
  const matrix = new Float64Array(outLength * inLength);
  for (let x = 0; x < outLength; x++) {
    const row = matrix.subarray(x * inLength, (x + 1) * inLength);
    if (kernel === 'copy') {
      row[Math.floor(x / factor)] = 1;
      continue;
    }
    let centre = (x + 0.5) / factor;
    // ResizeBicubic reads its weights from a 1024-step table of the fractional position.
    if (name === 'bicubic') centre = quantisedBicubicCentre(centre);
    const first = Math.max(Math.ceil(centre - kernel.radius - 0.5), 0);
    const last = Math.min(Math.floor(centre + kernel.radius - 0.5), inLength - 1);
    let sum = 0;
    for (let j = first; j <= last; j++) sum += row[j] = kernel.weight(Math.abs(j + 0.5 - centre));
    for (let j = first; j <= last; j++) row[j] /= sum;
  }
  return matrix;
}

/** ResizeBicubic's sampling position: its fractional part rounded to 1/1024 (resize_bicubic_op.cc). */
function quantisedBicubicCentre(centre: number): number {
  const position = centre - 0.5;
  const whole = Math.floor(position);
  return whole + Math.round((position - whole) * 1024) / 1024 + 0.5;
}

function kernelOf(name: string): Kernel | 'copy' {
  if (!isInterpolation(name)) throw new Error(`unknown interpolation "${name}"`);
  return INTERPOLATIONS[name];
}
