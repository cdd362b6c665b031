/**
 * Xception (Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017),
 * built layer for layer as `keras.applications.xception.Xception` builds it, with Keras's layer
 * names, so that shapes, parameter counts and MACs can be compared with Keras's `model.summary()`.
 *
 * The TF.js namespace is a parameter: whichever engine was resolved supplies it.
 */
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof tfTypes;
type SymbolicTensor = tfTypes.SymbolicTensor;

/** Smallest input side Keras accepts for Xception (`imagenet_utils.obtain_input_shape`, min_size=71). */
export const XCEPTION_MIN_INPUT_SIZE = 71;

export interface XceptionOptions {
  /** Height and width of the NHWC input, pixels; at least 71 (Keras's minimum). Default 299. */
  inputSize?: number;
  /** Add the classifier head (`avg_pool` GlobalAveragePooling2D and `predictions` Dense+softmax). Default true. */
  includeTop?: boolean;
  /** Number of classes of the `predictions` layer. Default 1000. */
  classes?: number;
  /** Seed of the weight initialisers, for reproducible weights (timings do not depend on values). */
  seed?: number;
  /**
   * Kernels and classifier weights start at zero instead of Glorot uniform, for weights about to be
   * loaded from a file: nothing random is computed, and a zeroed allocation is not resident
   * until it is written. Default false.
   */
  zeroWeights?: boolean;
  /**
   * false builds the paper's "regular convolution" twin: every SeparableConv2D becomes a Conv2D
   * with the same name, kernel size, filters, strides and padding (no bias). Default true.
   */
  separable?: boolean;
}

/**
 * Builds Xception as `keras.applications.xception.Xception(weights=None)` does.
 *
 * Input `[null, inputSize, inputSize, 3]` (NHWC). Output `[null, classes]` with the top, else
 * `[null, h, w, 2048]` with h = w = the spatial size after five stride-2 stages (10 at 299).
 * At 299x299 with the top: 134 layers, 22,910,480 parameters (22,855,952 trainable, 54,528
 * non-trainable); without the top: 132 layers, 20,861,480 parameters.
 *
 * Architecture (Keras `xception.py`): stem convs with `valid` padding (299 -> 149 -> 147);
 * residual branches are 1x1 stride-2 Conv2D + BatchNormalization; MaxPooling2D 3x3/2 `same`;
 * block 2 has no ReLU before `block2_sepconv1`; blocks 3-13 put a ReLU before each separable
 * conv; block 14 puts the ReLU after BN and has no residual. BN epsilon 1e-3, no conv biases,
 * depth multiplier 1. Unnamed Keras layers get Keras's automatic names (`conv2d`, `conv2d_1`,
 * `batch_normalization`, `add`, ...).
 *
 * @throws RangeError when inputSize is not an integer >= 71, or classes is not a positive integer.
 */
export function buildXception(tf: Tf, options: XceptionOptions = {}): tfTypes.LayersModel {
  const inputSize = options.inputSize ?? 299;
  const includeTop = options.includeTop ?? true;
  const classes = options.classes ?? 1000;
  if (!Number.isInteger(inputSize) || inputSize < XCEPTION_MIN_INPUT_SIZE) {
    throw new RangeError(
      `Xception input size must be an integer of at least ${XCEPTION_MIN_INPUT_SIZE} (Keras's minimum); got ${inputSize}`,
    );
  }
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`Xception classes must be a positive integer; got ${classes}`);
  }

  const seedOffset = { next: 0 };
  const init = (): ReturnType<Tf['initializers']['glorotUniform']> =>
    options.zeroWeights
      ? tf.initializers.zeros()
      : options.seed === undefined
      ? tf.initializers.glorotUniform({})
      : tf.initializers.glorotUniform({ seed: options.seed + seedOffset.next++ });

  // Keras's automatic names for the unnamed residual layers: conv2d, conv2d_1, ...
  const autoNames = new Map<string, number>();
  const autoName = (base: string): string => {
    const n = autoNames.get(base) ?? 0;
    autoNames.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  };

  const bn = (x: SymbolicTensor, name: string): SymbolicTensor =>
    tf.layers.batchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.99, name }).apply(x) as SymbolicTensor;
  const relu = (x: SymbolicTensor, name: string): SymbolicTensor =>
    tf.layers.activation({ activation: 'relu', name }).apply(x) as SymbolicTensor;
  const separable = options.separable ?? true;
  const sepconv = (x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
    separable ? separableConv(x, filters, name) : regularConv(x, filters, name);
  const regularConv = (x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
    tf.layers
      .conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(), name })
      .apply(x) as SymbolicTensor;
  const separableConv = (x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
    tf.layers
      .separableConv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        depthMultiplier: 1,
        depthwiseInitializer: init(),
        pointwiseInitializer: init(),
        name,
      })
      .apply(x) as SymbolicTensor;
  const maxPool = (x: SymbolicTensor, name: string): SymbolicTensor =>
    tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name }).apply(x) as SymbolicTensor;
  const residualBranch = (x: SymbolicTensor, filters: number): SymbolicTensor => {
    const conv = tf.layers
      .conv2d({
        filters,
        kernelSize: 1,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: init(),
        name: autoName('conv2d'),
      })
      .apply(x) as SymbolicTensor;
    return bn(conv, autoName('batch_normalization'));
  };
  const add = (a: SymbolicTensor, b: SymbolicTensor): SymbolicTensor =>
    tf.layers.add({ name: autoName('add') }).apply([a, b]) as SymbolicTensor;

  const input = tf.input({ shape: [inputSize, inputSize, 3], name: 'input_1' });

  // Entry flow, block 1: the stem (valid padding).
  let x = tf.layers
    .conv2d({ filters: 32, kernelSize: 3, strides: 2, useBias: false, kernelInitializer: init(), name: 'block1_conv1' })
    .apply(input) as SymbolicTensor;
  x = relu(bn(x, 'block1_conv1_bn'), 'block1_conv1_act');
  x = tf.layers
    .conv2d({ filters: 64, kernelSize: 3, useBias: false, kernelInitializer: init(), name: 'block1_conv2' })
    .apply(x) as SymbolicTensor;
  x = relu(bn(x, 'block1_conv2_bn'), 'block1_conv2_act');

  // Entry flow, block 2: no ReLU before the first separable conv.
  let residual = residualBranch(x, 128);
  x = bn(sepconv(x, 128, 'block2_sepconv1'), 'block2_sepconv1_bn');
  x = relu(x, 'block2_sepconv2_act');
  x = bn(sepconv(x, 128, 'block2_sepconv2'), 'block2_sepconv2_bn');
  x = add(maxPool(x, 'block2_pool'), residual);

  // Entry flow, blocks 3 and 4: ReLU before each separable conv.
  for (const [block, filters] of [
    [3, 256],
    [4, 728],
  ] as const) {
    residual = residualBranch(x, filters);
    x = relu(x, `block${block}_sepconv1_act`);
    x = bn(sepconv(x, filters, `block${block}_sepconv1`), `block${block}_sepconv1_bn`);
    x = relu(x, `block${block}_sepconv2_act`);
    x = bn(sepconv(x, filters, `block${block}_sepconv2`), `block${block}_sepconv2_bn`);
    x = add(maxPool(x, `block${block}_pool`), residual);
  }

  // Middle flow: blocks 5-12, three separable convs at 728 channels, identity skip.
  for (let block = 5; block <= 12; block++) {
    residual = x;
    for (let i = 1; i <= 3; i++) {
      x = relu(x, `block${block}_sepconv${i}_act`);
      x = bn(sepconv(x, 728, `block${block}_sepconv${i}`), `block${block}_sepconv${i}_bn`);
    }
    x = add(x, residual);
  }

  // Exit flow, block 13.
  residual = residualBranch(x, 1024);
  x = relu(x, 'block13_sepconv1_act');
  x = bn(sepconv(x, 728, 'block13_sepconv1'), 'block13_sepconv1_bn');
  x = relu(x, 'block13_sepconv2_act');
  x = bn(sepconv(x, 1024, 'block13_sepconv2'), 'block13_sepconv2_bn');
  x = add(maxPool(x, 'block13_pool'), residual);

  // Exit flow, block 14: ReLU after BN, no residual.
  x = relu(bn(sepconv(x, 1536, 'block14_sepconv1'), 'block14_sepconv1_bn'), 'block14_sepconv1_act');
  x = relu(bn(sepconv(x, 2048, 'block14_sepconv2'), 'block14_sepconv2_bn'), 'block14_sepconv2_act');

  if (includeTop) {
    x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as SymbolicTensor;
    x = tf.layers
      .dense({ units: classes, activation: 'softmax', kernelInitializer: init(), name: 'predictions' })
      .apply(x) as SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name: separable ? 'xception' : 'xception_regular_twin' });
}
