/**
 * A plain-data description of a Keras / TF.js layers model: what the analysis needs and nothing
 * else: the grouping reads it (grouping.ts).
 */
import type { ParamCounts, Shape } from '../report/schema';

/** One layer of the model graph (one node per layer; a shared layer's first call). */
export interface LayerNode {
  /** Keras layer name. */
  name: string;
  /** Keras class name (`Conv2D`, `SeparableConv2D`, ...). */
  className: string;
  /** The layer's config as TF.js serialises it (camelCase keys: kernelSize, strides, ...). */
  config: Record<string, unknown>;
  /** Names of the layers whose outputs feed this layer, in input order. */
  inbound: string[];
  /** NHWC input shapes, batch `null`, one per inbound tensor. */
  inputShapes: Shape[];
  /** Output shapes, batch `null`. */
  outputShapes: Shape[];
  params: ParamCounts;
  /** Bytes per value of the layer's outputs and weights (4 for float32). */
  bytesPerValue: number;
}
