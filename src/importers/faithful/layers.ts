/**
 * Faithful replacements for TF.js 4.22 layer classes that compute something other than Keras.
 *
 * Each replacement is a subclass of TF.js's own class with the same class name, handed to
 * `modelFromJSON` as a custom object for one build: it creates the same weights (names and
 * shapes, so that Keras weights load) and behaves exactly as TF.js's class unless the layer's
 * config needs Keras's computation. `replacementReason` (on the Keras config) says which layers do.
 *
 * What TF.js 4.22 does differently (checked by running its layers, see test/importers/faithful):
 * - DepthwiseConv2D ignores `dilation_rate` (its call passes no dilations; 9x9 instead of 7x7);
 * - Conv2D ignores `groups` (it builds and runs an ungrouped kernel, `groups` times too large);
 * - Conv2DTranspose ignores `output_padding` and `dilation_rate` (its output length formula has neither);
 * - GlobalAveragePooling / GlobalMaxPooling 1D and 2D ignore `keepdims`;
 * - UpSampling2D `bilinear` samples without half-pixel centres (Keras resizes with `tf.image.resize`, which uses them),
 *   and TF.js refuses every other interpolation but `nearest` (bicubic, lanczos3 and 5, gaussian, mitchellcubic, area);
 * - ReLU ignores `negative_slope` and `threshold`;
 * - LayerNormalization ignores `rms_scaling` (it centres the input and adds beta);
 * - an activation TF.js lacks (see activations.ts) fails the build.
 * SeparableConv2D with `depth_multiplier` > 1 or `dilation_rate` > 1 is computed as Keras does by
 * TF.js itself (same weights, same outputs), so it is not replaced.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { resamplingMatrix } from '../../analysis/layers/resampling';
import { activationPlan, faithfulActivation, kerasActivationName, tfjsCamelCase, type ActivationPlan } from './activations';

type Tf = typeof tfTypes;
type Tensor = tfTypes.Tensor;
type Tensor4D = tfTypes.Tensor4D;

/** Classes whose TF.js layer holds a replaceable `activation` (TF.js calls `this.activation.apply`). */
export const ACTIVATION_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'Dense', 'Activation']);

/** `3` or `[3, 3]` as `[3, 3]` (Keras writes both). */
export function pair(v: unknown, fallback: number): [number, number] {
  if (Array.isArray(v)) return [Number(v[0] ?? fallback), Number(v[1] ?? v[0] ?? fallback)];
  return typeof v === 'number' ? [v, v] : [fallback, fallback];
}

/**
 * Keras's `conv_output_length` (keras/src/utils/conv_utils.py / ops/operation_utils.py):
 * effective kernel `k + (k - 1)(d - 1)`; `same` keeps the length, `valid` loses `k_eff - 1`;
 * then divided by the stride, rounded up.
 */
export function convOutputLength(length: number, kernel: number, padding: string, stride: number, dilation = 1): number {
  const effective = kernel + (kernel - 1) * (dilation - 1);
  const out = padding === 'same' ? length : length - effective + 1;
  return Math.floor((out + stride - 1) / stride);
}

/**
 * Keras's `deconv_output_length` (keras/src/utils/conv_utils.py): output length of a transposed
 * convolution. With `outputPadding` null: `valid` -> L*s + max(k_eff - s, 0), `same` -> L*s.
 * With it: (L - 1)*s + k_eff - 2*pad + output_padding, pad = k_eff // 2 (`same`) or 0 (`valid`).
 */
export function deconvOutputLength(length: number, kernel: number, padding: string, outputPadding: number | null, stride: number, dilation = 1): number {
  const k = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === null) return padding === 'same' ? length * stride : length * stride + Math.max(k - stride, 0);
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (length - 1) * stride + k - 2 * pad + outputPadding;
}

/** `output_padding` as Keras reads it: null, or one value per spatial axis. */
export function outputPaddingOf(v: unknown): [number, number] | null {
  return v === null || v === undefined ? null : pair(v, 0);
}

/** The config values that decide whether a layer needs Keras's computation. */
interface ReplacementFacts {
  dilation: [number, number];
  groups: number;
  outputPadding: [number, number] | null;
  keepdims: boolean;
  interpolation: unknown;
  rmsScaling: boolean;
  negativeSlope: number;
  threshold: number;
  /** How the layer's activation runs (classes with an activation only). */
  activation?: ActivationPlan;
}

/**
 * Reads the facts from a config as the file writes it (`keras`, snake_case) or as TF.js hands it
 * to a layer constructor (`tfjs`: keys and string values camel-cased), so that the decision below
 * is made once for both.
 */
function factsOf(className: string, config: Record<string, unknown>, spelling: 'keras' | 'tfjs', kerasMajor: number): ReplacementFacts {
  const key = (snake: string): string => (spelling === 'keras' ? snake : tfjsCamelCase(snake));
  const activation = config.activation;
  return {
    dilation: pair(config[key('dilation_rate')], 1),
    groups: typeof config.groups === 'number' ? config.groups : 1,
    outputPadding: outputPaddingOf(config[key('output_padding')]),
    keepdims: config.keepdims === true,
    interpolation: config.interpolation,
    rmsScaling: config[key('rms_scaling')] === true,
    negativeSlope: Number(config[key('negative_slope')] ?? 0),
    threshold: Number(config.threshold ?? 0),
    activation:
      typeof activation === 'string' && ACTIVATION_CLASSES.has(className) ? activationPlan(spelling === 'keras' ? activation : kerasActivationName(activation), kerasMajor) : undefined,
  };
}

/** Why the layer's computation (not only its activation) must be Keras's; empty when TF.js's is. */
function structuralReasons(className: string, f: ReplacementFacts): string[] {
  const reasons: string[] = [];
  const dilated = f.dilation[0] > 1 || f.dilation[1] > 1;
  if (className === 'DepthwiseConv2D' && dilated) {
    reasons.push(`TF.js 4.22's DepthwiseConv2D ignores dilation_rate; runs tf.depthwiseConv2d with dilations [${f.dilation.join(', ')}]`);
  }
  if (className === 'Conv2D' && f.groups > 1) reasons.push(`TF.js has no grouped convolution; runs ${f.groups} convolutions, one per group of channels, concatenated`);
  if (className === 'Conv2DTranspose' && (f.outputPadding !== null || dilated)) {
    reasons.push("TF.js 4.22's Conv2DTranspose ignores output_padding and dilation_rate; runs a full transposed convolution cut to Keras's output length");
  }
  if (/^Global(Average|Max)Pooling[12]D$/.test(className) && f.keepdims) reasons.push(`TF.js 4.22's ${className} ignores keepdims; reduces with the spatial axes kept`);
  if (className === 'UpSampling2D' && f.interpolation === 'bilinear') {
    reasons.push("TF.js resizes bilinearly without half-pixel centres; runs tf.image.resizeBilinear with half-pixel centres, as Keras's tf.image.resize");
  } else if (className === 'UpSampling2D' && f.interpolation === 'area') {
    reasons.push('TF.js 4.22 has no area interpolation; runs nearest-neighbour resizing, which is what area resampling by an integer factor computes');
  } else if (className === 'UpSampling2D' && typeof f.interpolation === 'string' && f.interpolation !== 'nearest') {
    reasons.push(`TF.js 4.22 has no ${f.interpolation} interpolation; runs Keras's ${f.interpolation} resampling (tf.image.resize) as one matrix product per spatial axis`);
  }
  if (className === 'ReLU' && (f.negativeSlope !== 0 || f.threshold !== 0)) reasons.push("TF.js's ReLU ignores negative_slope and threshold; runs Keras's relu formula");
  if (className === 'LayerNormalization' && f.rmsScaling) {
    reasons.push("TF.js 4.22's LayerNormalization ignores rms_scaling (it would centre the input and add beta); runs Keras's x / sqrt(var(x) + epsilon) x gamma");
  }
  return reasons;
}

/** All reasons: the structural ones, then the activation's. */
function reasonsOf(className: string, f: ReplacementFacts): string[] {
  const reasons = structuralReasons(className, f);
  if (f.activation?.kind === 'faithful') reasons.push(`activation "${f.activation.name}" (${f.activation.formula}) is not in TF.js; computed by Keras's formula`);
  return reasons;
}

/**
 * Why a layer of this Keras config runs a faithful replacement instead of TF.js's class, or
 * undefined when TF.js computes it as Keras does. `config` is snake_case, as in the file.
 */
export function replacementReason(className: string, config: Record<string, unknown>, kerasMajor: number): string | undefined {
  const reasons = reasonsOf(className, factsOf(className, config, 'keras', kerasMajor));
  return reasons.length ? reasons.join('; ') : undefined;
}

/** The TF.js fields the replacements read (TF.js keeps them on the layer instance). */
interface TfjsLayerFields {
  kernel: tfTypes.LayerVariable | null;
  bias: tfTypes.LayerVariable | null;
  depthwiseKernel: tfTypes.LayerVariable | null;
  kernelSize: number[];
  strides: number[];
  dilationRate: number[];
  padding: string;
  dataFormat: string;
  filters: number;
  depthMultiplier: number;
  useBias: boolean;
  size: number[];
  maxValue?: number;
  axis: number | number[];
  epsilon: number;
  gamma: tfTypes.LayerVariable | null;
  activation: { apply(x: Tensor): Tensor; getClassName(): string } | null;
  kernelInitializer: unknown;
  kernelRegularizer: unknown;
  kernelConstraint: unknown;
  biasInitializer: unknown;
  biasRegularizer: unknown;
  biasConstraint: unknown;
  inputSpec: unknown;
  built: boolean;
  addWeight(name: string, shape: number[], dtype: null, initializer: unknown, regularizer: unknown, trainable: boolean, constraint: unknown): tfTypes.LayerVariable;
}
type TfjsLayer = tfTypes.layers.Layer & TfjsLayerFields;
type TfjsLayerClass = (new (config: Record<string, unknown>) => TfjsLayer) & { className: string };

/** TF.js's own layer class registered under `className`. */
export function tfjsLayerClass(tf: Tf, className: string): TfjsLayerClass | undefined {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className] as unknown as [unknown, unknown] | undefined;
  const cls = entry?.[0] as { prototype?: unknown } | undefined;
  return typeof cls === 'function' && cls.prototype instanceof tf.layers.Layer ? (cls as unknown as TfjsLayerClass) : undefined;
}

function oneTensor(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function oneShape(shape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as tfTypes.Shape;
}

/**
 * A kernel `[kh, kw, a, b]` with `d - 1` zeros inserted between its taps along height and width:
 * `[(kh - 1) dh + 1, (kw - 1) dw + 1, a, b]`, so that an undilated op computes the dilated one.
 */
export function dilateKernel(tf: Tf, kernel: Tensor4D, [dh, dw]: [number, number]): Tensor4D {
  const [kh, kw, a, b] = kernel.shape;
  if (dh === 1 && dw === 1) return kernel;
  const spread = tf.pad(tf.reshape(kernel, [kh, 1, kw, 1, a, b]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, a, b]), [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b]) as Tensor4D;
}

/** Keras's `relu(x, negative_slope, max_value, threshold)` (keras/src/activations/activations.py, ReLU.static_call). */
export function kerasRelu(tf: Tf, x: Tensor, negativeSlope: number, maxValue: number | null, threshold: number): Tensor {
  let negative: Tensor | undefined;
  if (negativeSlope !== 0) {
    if (maxValue === null && threshold === 0) return tf.leakyRelu(x, negativeSlope);
    negative = tf.relu(tf.add(tf.neg(x), threshold));
  }
  let clipMax = maxValue !== null;
  let y: Tensor;
  if (threshold !== 0) y = tf.mul(x, tf.cast(tf.greater(x, threshold), x.dtype));
  else if (maxValue === 6) {
    y = tf.relu6(x);
    clipMax = false;
  } else y = tf.relu(x);
  if (clipMax) y = tf.clipByValue(y, 0, maxValue!);
  return negative ? tf.sub(y, tf.mul(negativeSlope, negative)) : y;
}

/**
 * The replacement class for TF.js's `className`, or undefined when TF.js has no such class.
 * Layers whose config does not need Keras's computation behave exactly as TF.js's class.
 * Only channels_last is replaced; a channels_first layer that would need it throws at build.
 * @param kerasMajor 3 for files written by Keras 3 (activation `hard_sigmoid` differs), else 2.
 */
export function faithfulClass(tf: Tf, className: string, kerasMajor: number): TfjsLayerClass | undefined {
  const Base = tfjsLayerClass(tf, className);
  if (!Base) return undefined;

  class Faithful extends Base {
    static override className = className;
    /** The Keras activation name, when TF.js does not have it under that name. */
    kerasActivation?: string;
    groups: number;
    outputPadding: [number, number] | null;
    keepdims: boolean;
    negativeSlope: number;
    threshold: number;
    /** LayerNormalization: Keras's rms_scaling (TF.js is given center false and scale true: gamma, no beta). */
    rmsScaling: boolean;
    /** UpSampling2D: Keras's interpolation (TF.js is given `nearest` when it lacks this one). */
    interpolation: unknown;
    /** Whether this layer needs Keras's computation (else it is TF.js's class as is). */
    replaced: boolean;

    constructor(config: Record<string, unknown>) {
      // TF.js has camel-cased every key and string value of the config (`hard_silu` -> `hardSilu`).
      const facts = factsOf(className, config, 'tfjs', kerasMajor);
      const plan = facts.activation;
      const tfjsActivation = plan?.kind === 'renamed' ? plan.tfjs : plan?.kind === 'faithful' ? 'linear' : config.activation;
      const tfjsConfig: Record<string, unknown> = config.activation === undefined ? { ...config } : { ...config, activation: tfjsActivation };
      // TF.js 4.22's UpSampling2D throws on any interpolation but nearest and bilinear.
      if (className === 'UpSampling2D' && facts.interpolation !== undefined && facts.interpolation !== 'bilinear') tfjsConfig.interpolation = 'nearest';
      if (className === 'LayerNormalization' && facts.rmsScaling) Object.assign(tfjsConfig, { center: false, scale: true });
      super(tfjsConfig);
      this.interpolation = facts.interpolation;
      this.rmsScaling = facts.rmsScaling;
      if (plan && plan.kind !== 'native') this.kerasActivation = plan.name;
      if (plan?.kind === 'faithful') this.activation = faithfulActivation(tf, plan);
      this.groups = facts.groups;
      this.outputPadding = facts.outputPadding;
      this.keepdims = facts.keepdims;
      this.negativeSlope = facts.negativeSlope;
      this.threshold = facts.threshold;
      this.replaced = reasonsOf(className, facts).length > 0;
      if (structuralReasons(className, facts).length > 0 && this.dataFormat === 'channelsFirst') {
        throw new Error(`layer "${this.name}" (${className}): data_format channels_first is not executed faithfully here; save the model channels_last`);
      }
      const dilated = facts.dilation.some((d) => d > 1);
      if (className === 'DepthwiseConv2D' && dilated && this.strides.some((s) => s > 1)) {
        // tf.nn.depthwise_conv2d, which Keras calls, refuses this too.
        throw new Error(`layer "${this.name}" (DepthwiseConv2D): strides > 1 with dilation_rate > 1 is not supported by Keras either`);
      }
    }

    override build(inputShape: tfTypes.Shape | tfTypes.Shape[]): void {
      if (!(className === 'Conv2D' && this.groups > 1)) return super.build(inputShape);
      // Keras's grouped kernel: [kh, kw, Cin / groups, filters] (keras/src/layers/convolutional/base_conv.py).
      const shape = oneShape(inputShape);
      const channels = shape[shape.length - 1]!;
      if (channels % this.groups !== 0 || this.filters % this.groups !== 0) {
        throw new Error(`layer "${this.name}" (Conv2D): groups=${this.groups} must divide the ${channels} input channels and the ${this.filters} filters`);
      }
      this.kernel = this.addWeight('kernel', [...this.kernelSize, channels / this.groups, this.filters], null, this.kernelInitializer, this.kernelRegularizer, true, this.kernelConstraint);
      if (this.useBias) this.bias = this.addWeight('bias', [this.filters], null, this.biasInitializer, this.biasRegularizer, true, this.biasConstraint);
      this.inputSpec = [{ ndim: 4, axes: { [shape.length - 1]: channels } }];
      this.built = true;
    }

    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape | tfTypes.Shape[] {
      if (!this.replaced) return super.computeOutputShape(inputShape);
      const shape = oneShape(inputShape);
      const [n, h, w, c] = shape;
      const spatial = (f: (length: number, i: 0 | 1) => number): (number | null)[] => [h === null ? null : f(h!, 0), w === null ? null : f(w!, 1)];
      switch (className) {
        case 'DepthwiseConv2D':
          return [n, ...spatial((l, i) => convOutputLength(l, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i])), c! * this.depthMultiplier];
        case 'Conv2DTranspose':
          return [n, ...spatial((l, i) => deconvOutputLength(l, this.kernelSize[i], this.padding, this.outputPadding?.[i] ?? null, this.strides[i], this.dilationRate[i])), this.filters];
        case 'GlobalAveragePooling2D':
        case 'GlobalMaxPooling2D':
          return [n, 1, 1, c];
        case 'GlobalAveragePooling1D':
        case 'GlobalMaxPooling1D':
          return [n, 1, shape[2]];
        default:
          return super.computeOutputShape(inputShape);
      }
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      if (!this.replaced) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const x = oneTensor(inputs);
        let y: Tensor;
        switch (className) {
          case 'DepthwiseConv2D':
            y = tf.depthwiseConv2d(x as Tensor4D, this.depthwiseKernel!.read() as Tensor4D, this.strides as [number, number], this.padding as 'same' | 'valid', 'NHWC', this.dilationRate as [number, number]);
            break;
          case 'Conv2D':
            if (this.groups === 1) return super.call(inputs, kwargs);
            y = this.groupedConv(x as Tensor4D);
            break;
          case 'Conv2DTranspose':
            y = this.transposedConv(x as Tensor4D);
            break;
          case 'GlobalAveragePooling2D':
          case 'GlobalAveragePooling1D':
            return tf.mean(x, className.endsWith('2D') ? [1, 2] : [1], true);
          case 'GlobalMaxPooling2D':
          case 'GlobalMaxPooling1D':
            return tf.max(x, className.endsWith('2D') ? [1, 2] : [1], true);
          case 'UpSampling2D':
            return this.upsample(x as Tensor4D);
          case 'ReLU':
            return kerasRelu(tf, x, this.negativeSlope, this.maxValue ?? null, this.threshold);
          case 'LayerNormalization':
            return this.rmsNormalised(x);
          default:
            // Only the activation is Keras's: TF.js's call applies it through `this.activation`.
            return super.call(inputs, kwargs);
        }
        if (this.bias) y = tf.add(y, this.bias.read());
        return this.activation ? this.activation.apply(y) : y;
      });
    }

    /**
     * Keras's UpSampling2D (`tf.image.resize` with half-pixel centres): bilinear and area by
     * TF.js's own resize ops, the other kernels as out = R x X x C^T per image and channel, R the
     * [h sh, h] and C the [w sw, w] weight matrices of analysis/layers/resampling.ts.
     * x: [n, h, w, c] -> [n, h sh, w sw, c].
     */
    private upsample(x: Tensor4D): Tensor {
      const [n, h, w, c] = x.shape;
      const [sh, sw] = this.size;
      if (this.interpolation === 'bilinear') return tf.image.resizeBilinear(x, [h * sh, w * sw], false, true);
      if (this.interpolation === 'area') return tf.image.resizeNearestNeighbor(x, [h * sh, w * sw], false, false);
      const name = String(this.interpolation);
      const rows = tf.tensor2d(Float32Array.from(resamplingMatrix(name, h, sh)), [h * sh, h]);
      const cols = tf.tensor2d(Float32Array.from(resamplingMatrix(name, w, sw)), [w * sw, w]);
      // Rows: [h, n w c] -> [h sh, n w c]; then columns: [w, n (h sh) c] -> [w sw, n (h sh) c].
      const byRows = tf.matMul(rows, tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, n * w * c]));
      const byCols = tf.matMul(cols, tf.reshape(tf.transpose(tf.reshape(byRows, [h * sh, n, w, c]), [2, 1, 0, 3]), [w, n * h * sh * c]));
      return tf.transpose(tf.reshape(byCols, [w * sw, n, h * sh, c]), [1, 2, 0, 3]);
    }

    /**
     * Keras's LayerNormalization with rms_scaling (keras/src/ops/nn.py, `_layer_normalization`):
     * x x rsqrt(var(x) + epsilon) x gamma over the layer's axes, the input not centred, no beta.
     */
    private rmsNormalised(x: Tensor): Tensor {
      const axes = this.axis as number[];
      const { variance } = tf.moments(x, axes, true);
      const shape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
      return tf.mul(tf.mul(x, tf.rsqrt(tf.add(variance, this.epsilon))), tf.reshape(this.gamma!.read(), shape));
    }

    /** Keras's grouped convolution: input channels and filters split into `groups` blocks, block i convolved with block i. */
    private groupedConv(x: Tensor4D): Tensor {
      const xs = tf.split(x, this.groups, 3);
      const ks = tf.split(this.kernel!.read() as Tensor4D, this.groups, 3);
      const ys = xs.map((xi, i) => tf.conv2d(xi as Tensor4D, ks[i] as Tensor4D, this.strides as [number, number], this.padding as 'same' | 'valid', 'NHWC', this.dilationRate as [number, number]));
      return tf.concat(ys, 3);
    }

    /**
     * Keras's transposed convolution (tf.nn.conv2d_transpose with Keras's output shape): the full
     * transposed convolution of length (L - 1) s + k_eff, from which the output starts at
     * TF's `same` padding offset floor(max((L - 1) s + k_eff - out, 0) / 2) (0 for `valid`);
     * rows past the full length (output_padding) are zeros before the bias.
     */
    private transposedConv(x: Tensor4D): Tensor {
      const [n, h, w] = x.shape;
      const kernel = dilateKernel(tf, this.kernel!.read() as Tensor4D, this.dilationRate as [number, number]);
      const [kh, kw] = kernel.shape;
      const [sh, sw] = this.strides;
      const full: [number, number] = [(h - 1) * sh + kh, (w - 1) * sw + kw];
      const out = [0, 1].map((i) => deconvOutputLength([h, w][i], this.kernelSize[i], this.padding, this.outputPadding?.[i] ?? null, this.strides[i], this.dilationRate[i]));
      const y = tf.conv2dTranspose(x, kernel, [n, full[0], full[1], this.filters], [sh, sw], 'valid');
      const start = [0, 1].map((i) => (this.padding === 'same' ? Math.floor(Math.max(full[i] - out[i], 0) / 2) : 0));
      const kept = [0, 1].map((i) => Math.min(out[i], full[i] - start[i]));
      const cut = tf.slice(y, [0, start[0], start[1], 0], [n, kept[0], kept[1], this.filters]);
      return tf.pad(cut, [[0, 0], [0, out[0] - kept[0]], [0, out[1] - kept[1]], [0, 0]]);
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      const config = super.getConfig();
      if (this.kerasActivation) config.activation = this.kerasActivation;
      if (className === 'Conv2D') config.groups = this.groups;
      if (className === 'Conv2DTranspose') config.outputPadding = this.outputPadding;
      if (className.startsWith('Global')) config.keepdims = this.keepdims;
      if (className === 'ReLU') Object.assign(config, { negativeSlope: this.negativeSlope, threshold: this.threshold });
      if (className === 'UpSampling2D' && this.interpolation !== undefined) config.interpolation = this.interpolation as string;
      if (className === 'LayerNormalization' && this.rmsScaling) config.rmsScaling = true;
      return config;
    }
  }
  return Faithful as unknown as TfjsLayerClass;
}
