/**
 * A plain-data description of a Keras / TF.js layers model: what the analysis needs and nothing
 * else. `describeModel` reads it off a built `tf.LayersModel`; importers may build it from a file.
 */
import type * as tfTypes from '@tensorflow/tfjs';
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

/** Number of values in a shape, treating `null` (the batch) as 1. */
export function shapeSize(shape: Shape): number {
  return shape.reduce<number>((n, d) => n * (d ?? 1), 1);
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, complex64: 8 };

/**
 * Reads a built TF.js LayersModel into plain `LayerNode`s, in the model's execution order
 * (`model.layers` is sorted by depth, inputs first).
 *
 * Shapes come from the layer's first inbound node (`node.inputShapes` / `node.outputShapes`),
 * so shared layers report the shapes of their first call.
 */
export function describeModel(model: tfTypes.LayersModel): LayerNode[] {
  return model.layers.map((layer) => {
    const node = layer.inboundNodes[0];
    const inbound = node ? node.inboundLayers.map((l) => l.name) : [];
    const asShapeList = (s: unknown): Shape[] =>
      s == null ? [] : Array.isArray(s) && Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
    const count = (weights: tfTypes.LayerVariable[]): number =>
      weights.reduce((n, w) => n + shapeSize(w.shape), 0);
    const dtype = (layer as unknown as { dtype?: string }).dtype ?? 'float32';
    return {
      name: layer.name,
      className: layer.getClassName(),
      config: layer.getConfig() as Record<string, unknown>,
      inbound: layer.getClassName() === 'InputLayer' ? [] : inbound,
      inputShapes: layer.getClassName() === 'InputLayer' ? [] : asShapeList(node?.inputShapes),
      outputShapes: asShapeList(node?.outputShapes),
      params: { trainable: count(layer.trainableWeights), nonTrainable: count(layer.nonTrainableWeights) },
      bytesPerValue: BYTES_PER_DTYPE[dtype] ?? 4,
    };
  });
}
