/**
 * Cost of one layer: multiply-accumulates (MACs) and element-wise operations, per image.
 *
 * Conventions (README, "Counting rules"):
 * - 1 MAC = 2 FLOPs. MACs count Conv2D, the depthwise and pointwise parts of SeparableConv2D,
 *   DepthwiseConv2D, Conv2DTranspose and Dense; nothing else.
 * - Everything else is element-wise: bias adds, BatchNormalization, activations, Add/Multiply,
 *   pooling. These are counted in `elementwiseOps` and never folded into MACs.
 *
 * Formulas (K = kernel height x width, Cin/Cout = channels, Hout x Wout = output spatial size):
 * - Conv2D: Hout*Wout*Cout * K*Cin/groups (Keras `Conv2D`; dilation does not change the count).
 * - DepthwiseConv2D: Hout*Wout*Cin*depthMultiplier * K.
 * - SeparableConv2D (Xception paper, section 2): depthwise Hout*Wout*Cin*dm*K, then pointwise
 *   Hout*Wout*Cin*dm*Cout. Its regular-conv twin costs Hout*Wout*Cout*K*Cin.
 * - Conv2DTranspose: Hin*Win*Cin * K*Cout (each input value is scattered through the kernel).
 * - Dense: input values * units (each input value meets every unit once).
 *
 * Element-wise ops per output value (inference): bias add 1; BatchNormalization 2 (folds into a
 * multiply and an add); LayerNormalization 6 for the statistics and normalisation (mean: 1 add;
 * variance: subtract, square, add; normalise: subtract, multiply) plus 1 for gamma and 1 for beta
 * (per-row divides and square roots are left out); activations per `ACTIVATION_OPS` (ReLU 1, ReLU
 * with max_value 2, Softmax 3: exp, sum, divide); Add / Multiply / Subtract / Maximum / Minimum
 * (inputs - 1); Average: inputs; MaxPooling2D kh*kw - 1 comparisons; AveragePooling2D kh*kw (adds
 * and a divide); global pooling one op per input value (average: plus one divide per channel);
 * UpSampling2D nearest 0, bilinear 7 (4 multiplies, 3 adds); Rescaling 2 (multiply, add).
 * Data movement costs nothing: ZeroPadding2D (any, also asymmetric, padding), Cropping2D, Flatten,
 * Reshape, Permute, Concatenate, Dropout-like layers, the InputLayer.
 *
 * A shared layer costs once per call (each call's own shapes); a nested model costs the sum of its
 * layers.
 */
import type { Shape } from '../report/schema';
import { shapeSize, type LayerNode } from './graph';

/**
 * A layer as `countLayer` takes it: the first call's shapes, and for shared layers the shapes of
 * the other calls; for a nested model, its own layers.
 */
export interface CountableLayer extends LayerNode {
  /** Shapes of the calls after the first (a shared layer's cost is the sum over its calls). */
  laterCalls?: { inputShapes: Shape[]; outputShapes: Shape[] }[];
  /** A nested model's layers (its cost is their sum). */
  children?: CountableLayer[];
}

/** What `countLayer` returns for one layer, per image. */
export interface LayerCost {
  macs: number;
  elementwiseOps: number;
  /** SeparableConv2D only: MACs of the regular Conv2D with the same input, kernel and output. */
  regularConvMacs?: number;
  /** SeparableConv2D only: the pointwise (1x1) part of `macs`; the rest is the depthwise part. */
  pointwiseMacs?: number;
  /** Set when the layer's class (or a nested layer's) has no counting rule; it then counts as zero. */
  unsupported?: string;
}

/** Class names of nested models. */
const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);

/** Element-wise ops per output value for each Keras activation (Softmax: exp, sum, divide). */
const ACTIVATION_OPS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  selu: 4,
  softplus: 2,
  softsign: 3,
  sigmoid: 3,
  hard_sigmoid: 3,
  hardSigmoid: 3,
  swish: 4,
  gelu: 8,
  tanh: 5,
  softmax: 3,
  exponential: 1,
};

function activationOps(name: unknown, outputValues: number): number {
  if (typeof name !== 'string' || name === '') return 0;
  return (ACTIVATION_OPS[name] ?? 1) * outputValues;
}

function pair(value: unknown, fallback: number): [number, number] {
  if (Array.isArray(value)) return [Number(value[0] ?? fallback), Number(value[1] ?? value[0] ?? fallback)];
  if (typeof value === 'number') return [value, value];
  return [fallback, fallback];
}

/** Product of the spatial dims (all but batch and channels) of an NHWC shape. */
function spatial(shape: Shape): number {
  return shape.slice(1, -1).reduce<number>((n, d) => n * (d ?? 1), 1);
}

function channels(shape: Shape): number {
  return Number(shape[shape.length - 1] ?? 1);
}

/** Kernel area K = kh x kw from the layer's `kernelSize` (or `poolSize`) config. */
function kernelArea(config: Record<string, unknown>, key = 'kernelSize'): number {
  const [kh, kw] = pair(config[key], 1);
  return kh * kw;
}

/**
 * MACs and element-wise ops of one layer, per image, summed over a shared layer's calls and over a
 * nested model's layers.
 * @param layer the layer with its input/output shapes (NHWC, batch null) and config.
 * @returns the cost; unknown classes return zeros with `unsupported` set (never throws).
 */
export function countLayer(layer: CountableLayer): LayerCost {
  if (layer.children) {
    const total: LayerCost = { macs: 0, elementwiseOps: 0 };
    const unsupported: string[] = [];
    for (const child of layer.children) {
      const cost = countLayer(child);
      total.macs += cost.macs;
      total.elementwiseOps += cost.elementwiseOps;
      if (cost.unsupported) unsupported.push(cost.unsupported);
    }
    if (unsupported.length) total.unsupported = `nested model "${layer.name}": ${unsupported.join('; ')}`;
    return total;
  }
  const cost = countCall(layer);
  for (const call of layer.laterCalls ?? []) {
    const more = countCall({ ...layer, ...call });
    cost.macs += more.macs;
    cost.elementwiseOps += more.elementwiseOps;
    if (cost.regularConvMacs !== undefined) cost.regularConvMacs += more.regularConvMacs ?? 0;
    if (cost.pointwiseMacs !== undefined) cost.pointwiseMacs += more.pointwiseMacs ?? 0;
  }
  return cost;
}

/** Cost of one call of a layer. */
function countCall(layer: LayerNode): LayerCost {
  const { className, config } = layer;
  const input = layer.inputShapes[0] ?? [];
  const output = layer.outputShapes[0] ?? [];
  const outValues = shapeSize(output);
  const bias = config.useBias === true ? outValues : 0;
  const act = activationOps(config.activation, outValues);

  switch (className) {
    case 'InputLayer':
    case 'ZeroPadding2D':
    case 'Cropping2D':
    case 'Flatten':
    case 'Reshape':
    case 'Permute':
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
    case 'GaussianDropout':
    case 'AlphaDropout':
    case 'Concatenate':
    case 'RepeatVector':
    case 'SpatialDropout1D':
      return { macs: 0, elementwiseOps: 0 };
    case 'UpSampling2D':
      // Nearest neighbour copies; bilinear weighs 4 neighbours: 4 multiplies and 3 adds.
      return { macs: 0, elementwiseOps: config.interpolation === 'bilinear' ? 7 * outValues : 0 };
    case 'Rescaling':
      return { macs: 0, elementwiseOps: 2 * outValues };

    case 'Conv2D': {
      const groups = Number(config.groups ?? 1) || 1;
      const macs = spatial(output) * channels(output) * kernelArea(config) * (channels(input) / groups);
      return { macs, elementwiseOps: bias + act };
    }
    case 'DepthwiseConv2D': {
      const macs = spatial(output) * channels(output) * kernelArea(config);
      return { macs, elementwiseOps: bias + act };
    }
    case 'SeparableConv2D': {
      const dm = Number(config.depthMultiplier ?? 1);
      const depthwise = spatial(output) * channels(input) * dm * kernelArea(config);
      const pointwise = spatial(output) * channels(input) * dm * channels(output);
      const regularConvMacs = spatial(output) * channels(output) * kernelArea(config) * channels(input);
      return { macs: depthwise + pointwise, elementwiseOps: bias + act, regularConvMacs, pointwiseMacs: pointwise };
    }
    case 'Conv2DTranspose': {
      const macs = spatial(input) * channels(input) * kernelArea(config) * channels(output);
      return { macs, elementwiseOps: bias + act };
    }
    case 'Dense': {
      const macs = shapeSize(input) * channels(output);
      return { macs, elementwiseOps: bias + act };
    }

    case 'BatchNormalization':
      // Inference BN folds into one multiply and one add per value.
      return { macs: 0, elementwiseOps: 2 * outValues };
    case 'LayerNormalization': {
      // Statistics and normalisation: 6 per value; gamma and beta: 1 each when present.
      const affine = (config.scale === false ? 0 : 1) + (config.center === false ? 0 : 1);
      return { macs: 0, elementwiseOps: (6 + affine) * outValues };
    }
    case 'Activation':
      return { macs: 0, elementwiseOps: act };
    case 'ReLU':
      return { macs: 0, elementwiseOps: (config.maxValue != null ? 2 : 1) * outValues };
    case 'LeakyReLU':
    case 'PReLU':
    case 'ThresholdedReLU':
      return { macs: 0, elementwiseOps: 2 * outValues };
    case 'ELU':
      return { macs: 0, elementwiseOps: 3 * outValues };
    case 'Softmax':
      return { macs: 0, elementwiseOps: 3 * outValues };
    case 'Add':
    case 'Multiply':
    case 'Subtract':
    case 'Maximum':
    case 'Minimum':
      return { macs: 0, elementwiseOps: Math.max(0, layer.inputShapes.length - 1) * outValues };
    case 'Average':
      return { macs: 0, elementwiseOps: layer.inputShapes.length * outValues };

    case 'MaxPooling2D':
      // kh*kw - 1 comparisons per output value.
      return { macs: 0, elementwiseOps: (kernelArea(config, 'poolSize') - 1) * outValues };
    case 'AveragePooling2D':
      // kh*kw - 1 adds and one divide per output value.
      return { macs: 0, elementwiseOps: kernelArea(config, 'poolSize') * outValues };
    case 'GlobalAveragePooling2D':
      // One add per input value, one divide per channel.
      return { macs: 0, elementwiseOps: shapeSize(input) + channels(input) };
    case 'GlobalMaxPooling2D':
      return { macs: 0, elementwiseOps: shapeSize(input) - channels(input) };

    default:
      if (MODEL_CLASSES.has(className)) {
        return { macs: 0, elementwiseOps: 0, unsupported: `nested model "${layer.name}" was not described layer by layer; it counts as 0 MACs` };
      }
      return {
        macs: 0,
        elementwiseOps: 0,
        unsupported: `layer "${layer.name}" of class "${className}" is not supported; it counts as 0 MACs`,
      };
  }
}
