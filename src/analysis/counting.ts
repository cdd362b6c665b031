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
 */
import type { Shape } from '../report/schema';
import { shapeSize, type LayerNode } from './graph';

/** What `countLayer` returns for one layer, per image. */
export interface LayerCost {
  macs: number;
  elementwiseOps: number;
  /** SeparableConv2D only: MACs of the regular Conv2D with the same input, kernel and output. */
  regularConvMacs?: number;
  /** Set when the layer's class has no counting rule; the layer then counts as zero. */
  unsupported?: string;
}

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
 * MACs and element-wise ops of one layer, per image.
 * @param layer the layer with its input/output shapes (NHWC, batch null) and config.
 * @returns the cost; unknown classes return zeros with `unsupported` set (never throws).
 */
export function countLayer(layer: LayerNode): LayerCost {
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
      return { macs: 0, elementwiseOps: 0 };

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
      return { macs: depthwise + pointwise, elementwiseOps: bias + act, regularConvMacs };
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
      return {
        macs: 0,
        elementwiseOps: 0,
        unsupported: `layer "${layer.name}" of class "${className}" is not supported; it counts as 0 MACs`,
      };
  }
}
